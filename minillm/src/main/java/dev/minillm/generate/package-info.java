/**
 * Chapter 9: decoding (解码) — turning next-token logits into text. Every method talks to a model
 * through {@link dev.minillm.generate.CausalModel} and its {@link dev.minillm.generate.Session}s;
 * {@link dev.minillm.generate.GptModel} adapts chapter 7's GPT by recomputing the window each step.
 */
package dev.minillm.generate;

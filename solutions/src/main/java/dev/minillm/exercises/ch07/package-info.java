/** Chapter 7 exercises: norms, GELU, SwiGLU, a pre-norm residual step, GPT parameter counts, top-k routing, BERT masking and next-token targets. */
package dev.minillm.exercises.ch07;

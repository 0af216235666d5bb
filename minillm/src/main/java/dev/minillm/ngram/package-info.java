/**
 * Chapter 1: language models from counting. N-gram models over characters or words, with
 * maximum-likelihood, add-k, interpolated and Kneser-Ney estimates, perplexity and seeded sampling;
 * plus the LLM timeline the chapter opens with.
 */
package dev.minillm.ngram;

/** Chapter 9 exercises: greedy choice, temperature, top-k, top-p, repetition penalty, sampling, beam search, speculative acceptance and stop strings. */
package dev.minillm.exercises.ch09;

/** Chapter 6 exercises: scores, softmax temperature, the causal mask, one head of attention, heads, cross-attention shapes and the cost. */
package dev.minillm.exercises.ch06;

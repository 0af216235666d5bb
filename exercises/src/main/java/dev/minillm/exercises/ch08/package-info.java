/** Chapter 8 exercises: the sinusoidal table, a learned lookup, RoPE rotations and their relative property, the RoPE conventions, ALiBi slopes and biases. */
package dev.minillm.exercises.ch08;

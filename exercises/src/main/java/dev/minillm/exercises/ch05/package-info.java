/** Chapter 5 exercises: RNN, LSTM and GRU steps, backpropagation through time, clipping, truncated BPTT and linear recurrences. */
package dev.minillm.exercises.ch05;

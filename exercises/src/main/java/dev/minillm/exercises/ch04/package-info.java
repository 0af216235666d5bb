/** Chapter 4 exercises: embeddings, softmax cross-entropy, the MLP language model, one training step, dropout, weight decay and embedding geometry. */
package dev.minillm.exercises.ch04;

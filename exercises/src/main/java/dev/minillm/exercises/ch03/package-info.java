/** Chapter 3 exercises: backpropagation, tensor shapes and strides, stable softmax, optimizers and matmul. */
package dev.minillm.exercises.ch03;

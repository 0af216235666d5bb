/**
 * Chapter 3: tensors, reverse-mode automatic differentiation and optimizers, with matrix
 * multiplication kernels from the naive triple loop to SIMD on all cores.
 */
package dev.minillm.tensor;

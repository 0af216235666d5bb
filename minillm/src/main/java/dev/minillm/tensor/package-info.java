/**
 * Chapter 3: tensors, reverse-mode automatic differentiation and optimizers, with matrix
 * multiplication kernels from the naive triple loop to SIMD on all cores.
 *
 * <p>Reading order:
 * <ul>
 *   <li>{@link dev.minillm.tensor.Tensor}: storage, shapes and strides, views, creation, and every
 *       op as a method; {@link dev.minillm.tensor.Autograd}: the graph, backward, no-grad and
 *       anomaly mode.</li>
 *   <li>The ops, each a forward loop and its local backward rule: {@code Elementwise},
 *       {@code Activations}, {@code Reductions}, {@code ShapeOps} (views, concat, indexSelect),
 *       {@code MatrixMultiply} (on the kernels of {@link dev.minillm.tensor.Matmul}), {@code Softmax}
 *       (with cross-entropy), {@code Normalization}, {@code Masks} (masked fill, dropout); helpers
 *       {@code Broadcast}, {@code Strided}, {@code Shapes}, {@code Parallel}.</li>
 *   <li>{@link dev.minillm.tensor.GradCheck}: finite differences against backpropagation.</li>
 *   <li>{@link dev.minillm.tensor.Layer} and the layers {@link dev.minillm.tensor.Linear},
 *       {@link dev.minillm.tensor.Embedding}, {@link dev.minillm.tensor.LayerNorm},
 *       {@link dev.minillm.tensor.RMSNorm}, {@link dev.minillm.tensor.Dropout};
 *       {@link dev.minillm.tensor.SafeTensors} checkpoints.</li>
 *   <li>{@link dev.minillm.tensor.Optimizer} (SGD, Adam, AdamW, clipping) and
 *       {@link dev.minillm.tensor.LearningRateSchedule}.</li>
 *   <li>{@link dev.minillm.tensor.GraphExport}: the computation graph as Graphviz DOT.</li>
 * </ul>
 */
package dev.minillm.tensor;

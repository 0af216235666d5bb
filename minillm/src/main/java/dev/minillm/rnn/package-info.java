/**
 * Chapter 5: recurrent networks. A hidden state carried from token to token, updated by the same
 * cell at every step, and trained by backpropagation through time through the unrolled graph.
 *
 * <p>Reading order:
 * <ul>
 *   <li>{@link dev.minillm.rnn.RnnCell}, {@link dev.minillm.rnn.LstmCell}, {@link dev.minillm.rnn.GruCell}:
 *       one step each, a few lines that read like the equations; {@link dev.minillm.rnn.RecurrentCell}
 *       is what they share, {@link dev.minillm.rnn.HiddenState} what they carry.</li>
 *   <li>{@link dev.minillm.rnn.RecurrentLayer}: a cell applied over a whole sequence.</li>
 *   <li>{@link dev.minillm.rnn.RnnLanguageModel}: embedding → recurrent layer → linear head, trained
 *       with chapter 4's {@code Trainer} (truncated BPTT with contiguous streams) and sampled from.</li>
 *   <li>{@link dev.minillm.rnn.VanishingGradients} and {@link dev.minillm.rnn.ClippingExperiment}: why
 *       plain RNNs forget and how clipping tames exploding gradients.</li>
 *   <li>{@link dev.minillm.rnn.DiagonalStateSpace}: a linear recurrence, computed step by step, as a
 *       convolution, and as a parallel scan: the idea behind state-space models such as Mamba.</li>
 * </ul>
 */
package dev.minillm.rnn;

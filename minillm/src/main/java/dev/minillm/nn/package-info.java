/**
 * Chapter 4: neural language models. Token embeddings, the multilayer-perceptron language model
 * of Bengio et al. (2003), and the training loop every later chapter reuses.
 *
 * <p>Reading order:
 * <ul>
 *   <li>{@link dev.minillm.nn.Activation} and {@link dev.minillm.nn.Sequential}: layers as building
 *       blocks, on top of chapter 3's {@code Linear}, {@code Embedding}, {@code Dropout} and
 *       {@code LayerNorm}.</li>
 *   <li>{@link dev.minillm.nn.MlpLanguageModel}: n previous tokens → embeddings → concatenation →
 *       tanh hidden layer → softmax over the vocabulary (optionally with direct connections).</li>
 *   <li>{@link dev.minillm.nn.LanguageModel} and {@link dev.minillm.nn.Batch}: what the trainer
 *       needs from a model: a loss for a batch of token windows.</li>
 *   <li>{@link dev.minillm.nn.TokenDataset} (train/validation split of a token stream) and
 *       {@link dev.minillm.nn.BatchSampler} (random windows, as nanoGPT's {@code get_batch}, or
 *       contiguous streams for truncated backpropagation through time).</li>
 *   <li>{@link dev.minillm.nn.Trainer}: AdamW, warmup + cosine learning rate, gradient clipping,
 *       evaluation, early stopping, checkpoints and resume; {@link dev.minillm.nn.TrainingHistory}:
 *       the loss curves as a table and a chart; {@link dev.minillm.nn.Checkpoint}: the files.</li>
 *   <li>{@link dev.minillm.nn.EmbeddingGeometry}: nearest neighbours by cosine similarity and a 2-D
 *       projection by principal component analysis.</li>
 *   <li>{@link dev.minillm.nn.Sampling}: picking the next token from logits with a temperature.</li>
 * </ul>
 */
package dev.minillm.nn;

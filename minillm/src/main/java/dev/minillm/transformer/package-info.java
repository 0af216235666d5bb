/**
 * Chapter 7: the Transformer (变换器). Read it top down, as nanoGPT's {@code model.py}:
 * {@link dev.minillm.transformer.GPTConfig} holds the sizes and switches,
 * {@link dev.minillm.transformer.MLP} and {@link dev.minillm.transformer.SwiGLU} are the two
 * feed-forward networks and {@link dev.minillm.transformer.MixtureOfExperts} routes each token to a
 * few of several, {@link dev.minillm.transformer.Block} is one pre-norm Transformer block
 * (attention from chapter 6, then a feed-forward network, each around a residual connection), and
 * {@link dev.minillm.transformer.GPT} stacks the blocks between a token and position embedding
 * and an output head tied to the token embedding. {@link dev.minillm.transformer.PositionEncoding}
 * is where positions enter (added to the embeddings, rotating q and k, or biasing the scores), chosen by
 * {@link dev.minillm.transformer.PositionScheme} in the config: GPT-2's learned table by default,
 * chapter 8's schemes otherwise.
 *
 * <p>The three families: decoder-only ({@link dev.minillm.transformer.GPT}), encoder-only
 * ({@link dev.minillm.transformer.Encoder} under a {@link dev.minillm.transformer.MaskedLanguageModel},
 * BERT) and encoder-decoder ({@link dev.minillm.transformer.EncoderDecoder} with
 * {@link dev.minillm.transformer.DecoderBlock}s, T5/BART), with two synthetic tasks to train them in
 * seconds ({@link dev.minillm.transformer.DigitPalindromes}, {@link dev.minillm.transformer.DigitReversal}).
 */
package dev.minillm.transformer;

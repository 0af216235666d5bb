/**
 * Chapter 7: the Transformer (变换器) decoder, a GPT. Read it top down, as nanoGPT's
 * {@code model.py}: {@link dev.minillm.transformer.GPTConfig} holds the sizes and switches,
 * {@link dev.minillm.transformer.MLP} and {@link dev.minillm.transformer.SwiGLU} are the two
 * feed-forward networks, {@link dev.minillm.transformer.Block} is one pre-norm Transformer block
 * (attention from chapter 6, then a feed-forward network, each around a residual connection), and
 * {@link dev.minillm.transformer.GPT} stacks the blocks between a token and position embedding
 * and an output head tied to the token embedding. {@link dev.minillm.transformer.PositionEncoding}
 * is where positions enter (added to the embeddings, rotating q and k, or biasing the scores), chosen by
 * {@link dev.minillm.transformer.PositionScheme} in the config: GPT-2's learned table by default,
 * chapter 8's schemes otherwise.
 */
package dev.minillm.transformer;

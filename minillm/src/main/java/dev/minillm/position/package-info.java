/**
 * Chapter 8: positional encodings (位置编码). Attention is permutation invariant, so a Transformer
 * must be told where each token is. Five answers, each pluggable into chapter 7's GPT through
 * {@code GPTConfig.positions} ({@link dev.minillm.position.Positions#parse}):
 * <ul>
 *   <li>none: no positions, only the causal mask;</li>
 *   <li>{@link dev.minillm.position.SinusoidalPositions}: the fixed sin/cos table of "Attention Is
 *       All You Need", added to the token embeddings;</li>
 *   <li>learned: GPT-2's table ({@link dev.minillm.transformer.LearnedPositionEmbedding});</li>
 *   <li>{@link dev.minillm.position.RotaryPositions} (RoPE): queries and keys turned by an angle
 *       proportional to their position, in both conventions (interleaved pairs, rotate-half), with
 *       position interpolation;</li>
 *   <li>{@link dev.minillm.position.AlibiPositions} (ALiBi): a per-head linear penalty on distance
 *       added to the attention scores.</li>
 * </ul>
 * {@link dev.minillm.position.PositionExperiment} trains the same small GPT with each and measures
 * how the validation loss changes when the evaluation context is longer than the training one.
 */
package dev.minillm.position;

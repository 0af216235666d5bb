/**
 * Chapter 6: attention (注意力). Queries, keys and values; scaled dot-product attention with a
 * softmax temperature, a causal mask and a padding mask; multi-head self-attention and
 * cross-attention; why attention costs O(n²) in the sequence length, and a fused kernel that
 * computes it without ever building the n×n matrices.
 *
 * <p>Reading order:
 * <ul>
 *   <li>{@link dev.minillm.attention.ScaledDotProductAttention}: softmax(Q·Kᵀ / √d_k + mask)·V in
 *       four steps on chapter 3's tensor ops, the readable reference; {@link
 *       dev.minillm.attention.AttentionOutput} carries the attention weights out for plots.</li>
 *   <li>{@link dev.minillm.attention.AttentionConfig} and {@link
 *       dev.minillm.attention.MultiHeadAttention}: one fused Q/K/V projection, the heads side by side,
 *       an output projection, dropout; {@link dev.minillm.attention.CrossAttention}: queries from
 *       one sequence, keys and values from another.</li>
 *   <li>{@code FusedAttention}, with the row primitives {@code RowOps} (scalar reference) and
 *       {@code VectorRowOps} (Vector API): the same attention row by row, only the causal part,
 *       forward and backward, in parallel over (batch, head). Chosen with
 *       {@link dev.minillm.attention.ScaledDotProductAttention.Kernel#FUSED}.</li>
 *   <li>{@link dev.minillm.attention.AttentionCost}: FLOPs and memory against the sequence length,
 *       and timings of the two kernels ({@code bin/minillm bench attention}).</li>
 *   <li>{@link dev.minillm.attention.AttentionHeatmap}: attention weights as labelled heatmaps, one
 *       per head.</li>
 * </ul>
 */
package dev.minillm.attention;

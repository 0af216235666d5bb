/**
 * Chapter 10: fast inference (推理). The KV cache that makes each generated token cost O(T) instead
 * of a full forward pass ({@link dev.minillm.infer.KvCacheModel}, a drop-in
 * {@link dev.minillm.generate.CausalModel}), its memory formula, a paged cache allocator, static and
 * continuous batching, and attention computed tile by tile with an online softmax.
 */
package dev.minillm.infer;

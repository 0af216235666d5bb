package dev.minillm.infer;

import dev.minillm.attention.MultiHeadAttention;
import dev.minillm.generate.CausalModel;
import dev.minillm.generate.GptModel;
import dev.minillm.generate.Session;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.Block;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import dev.minillm.transformer.PositionEncoding;

import java.util.Arrays;
import java.util.List;

/**
 * Chapter 7's {@link GPT} with a KV cache (KV 缓存): each session keeps, for every layer and head,
 * the keys and values of every token it has seen. A new token then needs only its own query, key
 * and value: it attends to the cached keys instead of recomputing the whole window, so a step costs
 * O(T) attention work on top of a fixed cost per token, where {@link GptModel} pays a full forward
 * pass over the window, O(T) tokens of matmuls and O(T²) attention.
 *
 * <p>The step, written out for one block (x: the new tokens' residual stream, (1, n, C)):
 * <pre>
 *   q, k, v = split(qkv(norm1(x)))            each (1, nh, n, hs); k and v are appended to the cache
 *   q, k    = rotate(q, k, at their positions)   RoPE only
 *   a       = softmax(q·K_allᵀ/√hs + bias) · V_all   every new token sees the cache and the new tokens before it
 *   x       = x + proj(a);  x = x + mlp(norm2(x))
 * </pre>
 * Every position scheme works: absolute encodings are added at the tokens' positions, RoPE turns the
 * new q and k by their positions, ALiBi biases the new rows against all keys.
 *
 * <p>Past the context window the logits are those of the last blockSize tokens, as in
 * {@link GptModel}. The cache cannot help there (every cached key was computed at a position that
 * has now shifted), so each such token rebuilds the cache from its own window: correct, but as slow
 * as recomputing. Real systems stop at the context length or use a sliding-window attention.
 */
public final class KvCacheModel implements CausalModel {

    private final GPT gpt;

    /** Wraps {@code gpt}, which is put in evaluation mode (no dropout). */
    public KvCacheModel(GPT gpt) {
        this.gpt = gpt;
        gpt.eval();
    }

    /** The wrapped model. */
    public GPT gpt() {
        return gpt;
    }

    @Override
    public int vocabSize() {
        return gpt.vocabSize();
    }

    @Override
    public int contextLength() {
        return gpt.config().blockSize();
    }

    @Override
    public CachedSession start() {
        return new CachedSession();
    }

    /** A session with its cache: per layer, keys and values (nh, blockSize, hs), filled up to {@link #length()}. */
    public final class CachedSession implements Session {
        private final GPTConfig config = gpt.config();
        private final List<Block> blocks = gpt.blocks();
        private final PositionEncoding positions = gpt.positionEncoding();
        private final int heads = config.heads(), headSize = config.headSize(), capacity = config.blockSize();
        private final float[][] keys = new float[config.layers()][heads * capacity * headSize];
        private final float[][] values = new float[config.layers()][heads * capacity * headSize];
        private int[] tokens = new int[0];   // every token appended, also those before the window
        private int cached;                  // positions whose keys and values are in the cache
        private int windowStart;             // the token at cache position 0: 0, or later once past the window

        @Override
        public float[][] append(int... added) {
            if (added.length == 0) {
                throw new IllegalArgumentException("append: no tokens given");
            }
            for (int i = 0; i < added.length; i++) {
                if (added[i] < 0 || added[i] >= vocabSize()) {
                    throw new IllegalArgumentException("append: token id " + added[i] + " at position " + i
                            + " is outside the vocabulary 0.." + (vocabSize() - 1));
                }
            }
            int first = tokens.length;
            tokens = Arrays.copyOf(tokens, first + added.length);
            System.arraycopy(added, 0, tokens, first, added.length);
            float[][] logits = new float[added.length][];
            try (var _ = Autograd.noGrad()) {
                int inWindow = Math.max(0, Math.min(added.length, capacity - first)); // tokens that still fit
                if (inWindow > 0) {
                    if (windowStart != 0) {                          // a shifted window is of no use here
                        cached = 0;
                        windowStart = 0;
                    }
                    // the cache holds tokens[0, cached); run what it lacks: normally just the new tokens
                    float[][] rows = step(Arrays.copyOfRange(tokens, cached, first + inWindow));
                    System.arraycopy(rows, rows.length - inWindow, logits, 0, inWindow);
                }
                for (int i = inWindow; i < added.length; i++) {     // past the window: rebuild from this token's window
                    int end = first + i + 1;
                    cached = 0;
                    windowStart = end - capacity;
                    float[][] rows = step(Arrays.copyOfRange(tokens, windowStart, end));
                    logits[i] = rows[rows.length - 1];
                }
            }
            return logits;
        }

        /** Runs {@code added} through the model after the `cached` positions, caching their keys and values. */
        private float[][] step(int[] added) {
            int n = added.length, offset = cached;
            Tensor x = gpt.tokenEmbedding().forward(new int[][] {added});        // (1, n, C)
            x = positions.embed(x, offset);                                      // absolute positions offset..offset+n-1
            for (int layer = 0; layer < blocks.size(); layer++) {
                Block block = blocks.get(layer);
                x = x.add(attend(layer, block.attention(), block.attentionInput(x), offset));
                x = x.add(block.feedForward(x));                                 // (1, n, C)
            }
            cached = offset + n;
            float[] out = gpt.logits(x).toArray();                               // (1, n, V)
            int v = vocabSize();
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = Arrays.copyOfRange(out, i * v, (i + 1) * v);
            }
            return rows;
        }

        /** The attention half for the new positions: their q against every cached and new k, then proj. */
        private Tensor attend(int layer, MultiHeadAttention attention, Tensor normed, int offset) {
            int c = config.embeddingDim(), n = normed.shape(1), total = offset + n;
            List<Tensor> qkv = attention.qkv().forward(normed).split(2, c, c, c);   // 3 × (1, n, C)
            Tensor q = MultiHeadAttention.splitHeads(qkv.get(0), heads);            // (1, nh, n, hs)
            Tensor k = MultiHeadAttention.splitHeads(qkv.get(1), heads);
            Tensor v = MultiHeadAttention.splitHeads(qkv.get(2), heads);
            q = positions.rotate(q, offset);                                        // RoPE; others leave them
            k = positions.rotate(k, offset);
            store(keys[layer], k.toArray(), offset, n);
            store(values[layer], v.toArray(), offset, n);
            Tensor bias = positions.scoreBias(n, total);                            // ALiBi (nh, n, total), or null
            float[] out = CachedAttention.attend(q.toArray(), keys[layer], values[layer], heads, n, offset,
                    capacity, headSize, bias == null ? null : bias.toArray());      // (nh, n, hs)
            Tensor y = MultiHeadAttention.mergeHeads(Tensor.of(out, 1, heads, n, headSize)); // (1, n, C)
            return attention.proj().forward(y);
        }

        /** Copies new rows (nh, n, hs) into a cache (nh, capacity, hs) at positions offset..offset+n-1. */
        private void store(float[] cache, float[] rows, int offset, int n) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(rows, h * n * headSize, cache, (h * capacity + offset) * headSize, n * headSize);
            }
        }

        @Override
        public void truncate(int newLength) {
            if (newLength < 0 || newLength > tokens.length) {
                throw new IllegalArgumentException("truncate: new length " + newLength + " is not in 0.." + tokens.length);
            }
            tokens = Arrays.copyOf(tokens, newLength);
            if (windowStart == 0) {
                cached = Math.min(cached, newLength);   // the kept tokens' keys and values stay valid
            } else {
                cached = 0;                             // a shifted window: the next append rebuilds what it needs
                windowStart = 0;
            }
        }

        @Override
        public int length() {
            return tokens.length;
        }

        @Override
        public int[] tokens() {
            return tokens.clone();
        }

        /** Positions whose keys and values are cached. */
        public int cachedPositions() {
            return cached;
        }
    }
}

package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The sizes and switches of an attention layer ({@link MultiHeadAttention}, {@link CrossAttention}).
 *
 * @param embeddingDim C, the width of the vectors that go in and come out
 * @param heads nh, the number of heads; each works on C / nh dimensions
 * @param blockSize the longest sequence the layer accepts (the context window)
 * @param dropout the dropout rate on the attention weights and on the output, in training (0: none)
 * @param bias whether the projections have biases
 * @param causal whether a position may only look at itself and earlier positions (a decoder, like GPT)
 * @param kernel how attention is computed; both kernels give the same numbers up to float rounding
 */
public record AttentionConfig(int embeddingDim, int heads, int blockSize, float dropout, boolean bias, boolean causal,
                              Kernel kernel) {

    /** Checks the sizes, that C divides into the heads, the dropout rate, and that a kernel is given. */
    public AttentionConfig {
        if (embeddingDim < 1 || heads < 1 || blockSize < 1) {
            throw new IllegalArgumentException("AttentionConfig: sizes must be positive, got embeddingDim=" + embeddingDim
                    + ", heads=" + heads + ", blockSize=" + blockSize);
        }
        if (embeddingDim % heads != 0) {
            throw new IllegalArgumentException("AttentionConfig: embeddingDim " + embeddingDim + " is not divisible by heads "
                    + heads + "; every head gets embeddingDim / heads dimensions, so choose heads among the divisors of "
                    + embeddingDim + " (" + divisors(embeddingDim) + ")");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("AttentionConfig: dropout must be in [0, 1), got " + dropout);
        }
        if (kernel == null) {
            throw new IllegalArgumentException("AttentionConfig: kernel must not be null (COMPOSED or FUSED)");
        }
    }

    /** A causal (GPT-style) configuration with biases, no dropout and the fused kernel. */
    public static AttentionConfig causal(int embeddingDim, int heads, int blockSize) {
        return new AttentionConfig(embeddingDim, heads, blockSize, 0f, true, true, Kernel.FUSED);
    }

    /** For tests and demos: C = 16 in 4 heads of 4, up to 32 positions, causal. */
    public static AttentionConfig tiny() {
        return causal(16, 4, 32);
    }

    /** The attention of GPT-2 small (2019): C = 768 in 12 heads of 64, 1024 positions, dropout 0.1. */
    public static AttentionConfig gpt2() {
        return causal(768, 12, 1024).withDropout(0.1f);
    }

    /** hs = C / nh, the size of each head's queries, keys and values. */
    public int headSize() {
        return embeddingDim / heads;
    }

    /** This configuration with another number of heads. */
    public AttentionConfig withHeads(int heads) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    /** This configuration with another maximum sequence length. */
    public AttentionConfig withBlockSize(int blockSize) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    /** This configuration with another dropout rate. */
    public AttentionConfig withDropout(float dropout) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    /** This configuration with or without biases in the projections. */
    public AttentionConfig withBias(boolean bias) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    /** This configuration with or without the causal mask. */
    public AttentionConfig withCausal(boolean causal) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    /** This configuration with another kernel. */
    public AttentionConfig withKernel(Kernel kernel) {
        return new AttentionConfig(embeddingDim, heads, blockSize, dropout, bias, causal, kernel);
    }

    private static String divisors(int n) {
        return IntStream.rangeClosed(1, n).filter(d -> n % d == 0).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
    }
}

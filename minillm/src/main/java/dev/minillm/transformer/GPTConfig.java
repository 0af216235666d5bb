package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.LayerNorm;
import dev.minillm.tensor.RMSNorm;
import dev.minillm.tensor.Tensor;

/**
 * The sizes and switches of a {@link GPT}, as nanoGPT's {@code GPTConfig}.
 *
 * @param vocabSize V, the number of token ids
 * @param blockSize the context window: the most positions the model reads at once
 * @param layers how many Transformer blocks are stacked
 * @param heads nh, attention heads per block; each works on embeddingDim / heads dimensions
 * @param embeddingDim C, the width of the residual stream
 * @param dropout the dropout rate in training, on the embeddings, the attention weights and both residual branches (0: none)
 * @param bias whether linear layers and layer norms have biases (GPT-2: yes; nanoGPT suggests no, a little better and faster)
 * @param norm layer norm (GPT-2) or RMS norm (Llama)
 * @param feedForward GELU MLP (GPT-2) or SwiGLU (Llama)
 * @param positions how the model knows where each token is (chapter 8): learned (GPT-2, the default), none, or
 *                  one of {@code dev.minillm.position.Positions}: sinusoidal, rope, alibi
 * @param experts E, feed-forward experts per block in a {@link MixtureOfExperts} (0: one dense feed-forward network)
 * @param expertsPerToken k, the experts each token is routed to (0 when experts is 0; Mixtral: 2 of 8)
 */
public record GPTConfig(int vocabSize, int blockSize, int layers, int heads, int embeddingDim, float dropout,
                        boolean bias, Norm norm, FeedForward feedForward, PositionScheme positions, int experts,
                        int expertsPerToken) {

    /** A dense configuration with GPT-2's learned positions. */
    public GPTConfig(int vocabSize, int blockSize, int layers, int heads, int embeddingDim, float dropout, boolean bias,
                     Norm norm, FeedForward feedForward) {
        this(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward, PositionScheme.LEARNED);
    }

    /** A dense configuration: one feed-forward network per block. */
    public GPTConfig(int vocabSize, int blockSize, int layers, int heads, int embeddingDim, float dropout, boolean bias,
                     Norm norm, FeedForward feedForward, PositionScheme positions) {
        this(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward, positions, 0, 0);
    }

    /** A configuration with GPT-2's learned positions and {@code experts} feed-forward networks per block. */
    public GPTConfig(int vocabSize, int blockSize, int layers, int heads, int embeddingDim, float dropout, boolean bias,
                     Norm norm, FeedForward feedForward, int experts, int expertsPerToken) {
        this(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward, PositionScheme.LEARNED,
                experts, expertsPerToken);
    }

    /** The ε inside every normalisation, as PyTorch's LayerNorm default. */
    public static final float NORM_EPS = 1e-5f;

    /** The normalisation before each sub-layer and at the end. */
    public enum Norm {
        /** (x - mean) / std · weight + bias: GPT-2. */
        LAYER_NORM,
        /** x / rms · weight, no centring and no bias: Llama; cheaper, trains as well. */
        RMS_NORM;

        /** A fresh normalisation layer over vectors of size {@code dim}. */
        Layer create(int dim, boolean bias) {
            return switch (this) {
                case LAYER_NORM -> new LayerNorm(dim, NORM_EPS, bias);
                case RMS_NORM -> new RMSNorm(dim, NORM_EPS);
            };
        }

        /** Applies a layer made by {@link #create}: (..., C) → (..., C). */
        static Tensor apply(Layer norm, Tensor x) {
            return switch (norm) {
                case LayerNorm layerNorm -> layerNorm.forward(x);
                case RMSNorm rmsNorm -> rmsNorm.forward(x);
                default -> throw new IllegalArgumentException("not a normalisation layer: " + norm);
            };
        }
    }

    /** The position-wise feed-forward network of each block. */
    public enum FeedForward {
        /** Linear(C, 4C), GELU, Linear(4C, C): GPT-2. */
        GELU,
        /** (SiLU(x·W_gate) ⊙ x·W_up)·W_down with a hidden size of about 8C/3, so it costs what the GELU MLP costs: Llama. */
        SWIGLU
    }

    /** Checks sizes, that C divides into the heads, the dropout rate, and that the variants are given. */
    public GPTConfig {
        if (vocabSize < 1 || blockSize < 1 || layers < 1 || heads < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("GPTConfig: sizes must be positive, got vocabSize=" + vocabSize
                    + ", blockSize=" + blockSize + ", layers=" + layers + ", heads=" + heads + ", embeddingDim="
                    + embeddingDim);
        }
        if (embeddingDim % heads != 0) {
            throw new IllegalArgumentException("GPTConfig: embeddingDim " + embeddingDim + " is not divisible by heads "
                    + heads + "; every head gets embeddingDim / heads dimensions");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("GPTConfig: dropout must be in [0, 1), got " + dropout);
        }
        if (norm == null || feedForward == null) {
            throw new IllegalArgumentException("GPTConfig: norm and feedForward must not be null");
        }
        if (positions == null) {
            throw new IllegalArgumentException("GPTConfig: positions must not be null (PositionScheme.LEARNED is GPT-2's)");
        }
        if (experts == 0 ? expertsPerToken != 0 : expertsPerToken < 1 || expertsPerToken > experts) {
            throw new IllegalArgumentException("GPTConfig: need 1 <= expertsPerToken <= experts (or both 0 for a dense "
                    + "feed-forward network), got experts=" + experts + ", expertsPerToken=" + expertsPerToken);
        }
    }

    /** For tests: V = 50, 16 positions, 2 layers, 2 heads, C = 32, no dropout, GPT-2 style (layer norm, GELU, biases). */
    public static GPTConfig tiny() {
        return new GPTConfig(50, 16, 2, 2, 32, 0f, true, Norm.LAYER_NORM, FeedForward.GELU);
    }

    /**
     * The "baby GPT" of nanoGPT's README, sized for a CPU: 4 layers, 4 heads, C = 128, 64 positions,
     * no dropout, GPT-2 style.
     */
    public static GPTConfig nanogptBaby(int vocabSize) {
        return new GPTConfig(vocabSize, 64, 4, 4, 128, 0f, true, Norm.LAYER_NORM, FeedForward.GELU);
    }

    /** GPT-2 small (2019): V = 50257, 1024 positions, 12 layers, 12 heads, C = 768, dropout 0.1; 124M parameters. */
    public static GPTConfig gpt2() {
        return new GPTConfig(50257, 1024, 12, 12, 768, 0.1f, true, Norm.LAYER_NORM, FeedForward.GELU);
    }

    /** hs = C / nh, the size of each head. */
    public int headSize() {
        return embeddingDim / heads;
    }

    /**
     * The hidden width of the feed-forward network: 4C for GELU; for SwiGLU, which has three
     * matrices instead of two, 2/3 of 4C rounded up to a multiple of 8, so both cost about 8C² weights.
     */
    public int hiddenDim() {
        return switch (feedForward) {
            case GELU -> 4 * embeddingDim;
            case SWIGLU -> (8 * embeddingDim / 3 + 7) / 8 * 8;
        };
    }

    /** This configuration with another vocabulary size. */
    public GPTConfig withVocabSize(int vocabSize) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with another context window. */
    public GPTConfig withBlockSize(int blockSize) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with another dropout rate. */
    public GPTConfig withDropout(float dropout) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with or without biases. */
    public GPTConfig withBias(boolean bias) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with another normalisation. */
    public GPTConfig withNorm(Norm norm) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with another feed-forward network. */
    public GPTConfig withFeedForward(FeedForward feedForward) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** Llama's choices on these sizes: RMS norm, SwiGLU, no biases. */
    public GPTConfig llamaStyle() {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, false, Norm.RMS_NORM,
                FeedForward.SWIGLU, positions, experts, expertsPerToken);
    }

    /** This configuration with another position scheme (chapter 8). */
    public GPTConfig withPositions(PositionScheme positions) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, expertsPerToken);
    }

    /** This configuration with a mixture of {@code experts} feed-forward networks, {@code perToken} of them per token (0, 0: dense). */
    public GPTConfig withExperts(int experts, int perToken) {
        return new GPTConfig(vocabSize, blockSize, layers, heads, embeddingDim, dropout, bias, norm, feedForward,
                positions, experts, perToken);
    }
}

package dev.minillm.transformer;

import dev.minillm.nn.Batch;
import dev.minillm.nn.BatchSampler;
import dev.minillm.nn.LanguageModel;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An encoder-only Transformer trained as BERT (Devlin et al., 2018): a masked language model
 * (掩码语言模型). Some tokens of the input are hidden and the model, reading the whole sequence in
 * both directions, predicts what they were:
 * <pre>
 *   the cat [MASK] on the mat   →   "sat"
 * </pre>
 * Seeing both sides makes its vectors good for understanding a whole text (classification,
 * search, tagging); having no left-to-right order makes it no good at writing one, so
 * {@link #generate} is not supported.
 *
 * <p>The last id of the vocabulary is {@code [MASK]} ({@link #maskId()}): build the configuration
 * with the tokenizer's vocabulary size plus one. The output head is tied to the token embedding,
 * as in {@link GPT} (and BERT).
 */
public final class MaskedLanguageModel extends Layer implements LanguageModel {

    /** The share of tokens BERT selects for prediction. */
    public static final double MASK_RATE = 0.15;

    private final GPTConfig config;
    private final Embedding tokenEmbedding;  // (V, C), also the output head
    private final Encoder encoder;

    /** A model with fresh weights from {@code seed} (GPT-2's initialisation). */
    public MaskedLanguageModel(GPTConfig config, long seed) {
        this.config = config;
        var random = new SplittableRandom(seed);
        this.tokenEmbedding = child("tokenEmbedding", new Embedding(config.vocabSize(), config.embeddingDim(), random));
        this.encoder = child("encoder", new Encoder(config, random));
        GPT.initialise(this, config.layers(), random);
    }

    /** (B, T) token ids → (B, T, V) logits of the token at every position, read from both sides. */
    public Tensor forward(int[][] tokens) {
        GPT.checkTokens(tokens, config);
        Tensor x = encoder.forward(tokenEmbedding.forward(tokens));     // (B, T, C)
        return x.matmul(tokenEmbedding.weight().transpose());          // (B, T, V)
    }

    /** Cross-entropy on the positions whose target is not {@link Batch#IGNORE}: the selected ones. */
    @Override
    public Tensor loss(Batch batch) {
        batch.checkVocabulary(config.vocabSize());
        return forward(batch.inputs()).reshape(batch.tokens(), config.vocabSize())
                .crossEntropy(batch.flatTargets(), Batch.IGNORE);
    }

    /**
     * BERT's masking rule. Each token is selected with probability 15% (at least one per row, so
     * every row has a loss); a selected token becomes {@code [MASK]} 80% of the time, a random
     * ordinary token 10%, and stays itself 10%. The targets are the original tokens at the selected
     * positions and {@link Batch#IGNORE} elsewhere. Why not always [MASK]? [MASK] never appears
     * after pre-training; the 20% teach the model to check every token, not just the masked ones.
     *
     * @param tokens (B, T) ids below {@code maskId}
     * @param maskId the id of [MASK]; random replacements are drawn from 0 .. maskId-1
     */
    public static Batch mask(int[][] tokens, int maskId, RandomGenerator random) {
        int[][] inputs = new int[tokens.length][], targets = new int[tokens.length][];
        for (int b = 0; b < tokens.length; b++) {
            int t = tokens[b].length;
            inputs[b] = tokens[b].clone();
            targets[b] = new int[t];
            java.util.Arrays.fill(targets[b], Batch.IGNORE);
            boolean any = false;
            for (int i = 0; i < t; i++) {
                if (random.nextDouble() < MASK_RATE) {
                    select(inputs[b], targets[b], i, maskId, random);
                    any = true;
                }
            }
            if (!any) {
                select(inputs[b], targets[b], random.nextInt(t), maskId, random);
            }
        }
        return Batch.of(inputs, targets);
    }

    private static void select(int[] input, int[] target, int i, int maskId, RandomGenerator random) {
        target[i] = input[i];
        double r = random.nextDouble();
        if (r < 0.8) {
            input[i] = maskId;
        } else if (r < 0.9) {
            input[i] = random.nextInt(maskId);
        } // else: unchanged
    }

    /**
     * Masked batches for the {@link dev.minillm.nn.Trainer}: random windows of {@code blockSize}
     * tokens of {@code stream}, masked by {@link #mask}; batch s depends only on the seed and s.
     */
    public static BatchSampler batches(int[] stream, int batchSize, int blockSize, int maskId, long seed) {
        var windows = new BatchSampler.RandomWindows(stream, batchSize, blockSize, seed);
        return step -> mask(windows.batch(step).inputs(), maskId, new SplittableRandom(seed * 31 + step));
    }

    /** {@code tokens} (T) with every [MASK] replaced by the model's most likely token there. */
    public int[] fill(int[] tokens) {
        boolean wasTraining = isTraining();
        eval();
        try (var _ = Autograd.noGrad()) {
            Tensor logits = forward(new int[][] {tokens}).select(0, 0);  // (T, V)
            int[] filled = tokens.clone();
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] == maskId()) {
                    filled[i] = argmax(logits.select(0, i).toArray());
                }
            }
            return filled;
        } finally {
            if (wasTraining) {
                train();
            }
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The id of [MASK]: the last of the vocabulary. */
    public int maskId() {
        return config.vocabSize() - 1;
    }

    /** Not supported: an encoder reads both directions, so it has no next-token distribution to draw from. */
    @Override
    public int[] generate(int[] prompt, int count, float temperature, RandomGenerator random) {
        throw new UnsupportedOperationException("MaskedLanguageModel: an encoder-only model does not generate left to "
                + "right; use fill(tokens) to predict [MASK] positions, or a GPT to generate");
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public GPTConfig config() {
        return config;
    }

    @Override
    public int maxSequenceLength() {
        return config.blockSize();
    }
}

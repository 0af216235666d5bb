package dev.minillm.transformer;

import dev.minillm.common.Progress;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.LearningRateSchedule;
import dev.minillm.tensor.Optimizer;
import dev.minillm.tensor.Tensor;
import me.tongfei.progressbar.ProgressBar;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * An encoder-decoder Transformer (编码器-解码器), the shape of the 2017 original, T5 and BART: the
 * {@link Encoder} reads the whole source, the {@link Decoder} writes the target one token at a
 * time, attending causally to what it has written and fully to the encoded source.
 * <pre>
 *   memory = encoder(embed(source))                        (B, Ts, C)
 *   logits = decoder(embed([start] + target[:-1]), memory) · embedᵀ   (B, Tt, V)
 * </pre>
 * One embedding table serves source, target and output head (as T5). Training uses teacher
 * forcing (教师强制): the decoder reads the true previous target tokens, so all positions train in
 * one pass; {@link #greedy} decodes by feeding back its own most likely tokens.
 */
public final class EncoderDecoder extends Layer {

    /**
     * Source and target sequences, row by row.
     *
     * @param source (B, Ts) token ids
     * @param target (B, Tt) token ids
     */
    public record Examples(int[][] source, int[][] target) {}

    private final GPTConfig config;
    private final int startId;
    private final Embedding tokenEmbedding;  // (V, C): source, target and output head
    private final Encoder encoder;
    private final Decoder decoder;

    /**
     * A model with fresh weights from {@code seed}: {@code config.layers()} encoder and as many decoder blocks.
     *
     * @param startId the token that starts every decoder input (BART's &lt;s&gt;, T5's pad)
     */
    public EncoderDecoder(GPTConfig config, int startId, long seed) {
        GPT.checkIds(new int[] {startId}, "the start token", config);
        this.config = config;
        this.startId = startId;
        var random = new SplittableRandom(seed);
        this.tokenEmbedding = child("tokenEmbedding", new Embedding(config.vocabSize(), config.embeddingDim(), random));
        this.encoder = child("encoder", new Encoder(config, random));
        this.decoder = child("decoder", new Decoder(config, random));
        GPT.initialise(this, 2 * config.layers(), random);
    }

    /** Logits (B, Tt, V) of the next target token after each decoder input position. */
    public Tensor forward(int[][] source, int[][] decoderInput) {
        GPT.checkTokens(source, config);
        GPT.checkTokens(decoderInput, config);
        Tensor memory = encoder.forward(tokenEmbedding.forward(source));                 // (B, Ts, C)
        Tensor y = decoder.forward(tokenEmbedding.forward(decoderInput), memory);        // (B, Tt, C)
        return y.matmul(tokenEmbedding.weight().transpose());                            // (B, Tt, V)
    }

    /** Teacher-forced cross-entropy of the targets, in nats per target token. */
    public Tensor loss(int[][] source, int[][] target) {
        Tensor logits = forward(source, shiftRight(target, startId));                    // (B, Tt, V)
        int[] flat = Arrays.stream(target).flatMapToInt(Arrays::stream).toArray();
        return logits.reshape(flat.length, config.vocabSize()).crossEntropy(flat);
    }

    /** The decoder inputs of teacher forcing: each row starts with {@code startId} and drops its last token. */
    public static int[][] shiftRight(int[][] target, int startId) {
        int[][] shifted = new int[target.length][];
        for (int b = 0; b < target.length; b++) {
            shifted[b] = new int[target[b].length];
            shifted[b][0] = startId;
            System.arraycopy(target[b], 0, shifted[b], 1, target[b].length - 1);
        }
        return shifted;
    }

    /** Greedy decoding (贪心解码): {@code length} target tokens, each the most likely given the source and the ones before. */
    public int[] greedy(int[] source, int length) {
        boolean wasTraining = isTraining();
        eval();
        try (var _ = Autograd.noGrad()) {
            Tensor memory = encoder.forward(tokenEmbedding.forward(new int[][] {source}));  // (1, Ts, C), once
            int[] sequence = new int[length + 1];
            sequence[0] = startId;
            for (int n = 1; n <= length; n++) {
                int[][] prefix = {Arrays.copyOf(sequence, n)};
                GPT.checkTokens(prefix, config);
                Tensor y = decoder.forward(tokenEmbedding.forward(prefix), memory);        // (1, n, C)
                Tensor last = y.select(1, n - 1).matmul(tokenEmbedding.weight().transpose()); // (1, V)
                sequence[n] = MaskedLanguageModel.argmax(last.toArray());
            }
            return Arrays.copyOfRange(sequence, 1, length + 1);
        } finally {
            if (wasTraining) {
                train();
            }
        }
    }

    /**
     * Trains with AdamW (weight decay 0.01 on matrices), linear warmup over the first 10% of the
     * steps then cosine decay to a tenth, gradients clipped at norm 1.
     *
     * @param batches the examples of step s, for s = 0 .. steps-1
     * @return the loss of every step
     */
    public float[] fit(LongFunction<Examples> batches, int steps, float learningRate) {
        var optimizer = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(parameters(), 0.01f), learningRate);
        var schedule = new LearningRateSchedule.WarmupCosine(learningRate, learningRate / 10, steps / 10, steps);
        float[] losses = new float[steps];
        train();
        try (ProgressBar bar = Progress.start("seq2seq", steps)) {
            for (int s = 0; s < steps; s++) {
                Examples batch = batches.apply(s);
                optimizer.zeroGrad();
                Tensor loss = loss(batch.source(), batch.target());
                loss.backward();
                Optimizer.clipGradNorm(parameters(), 1f);
                optimizer.setLearningRate(schedule.at(s));
                optimizer.step();
                losses[s] = loss.item();
                bar.step();
            }
        }
        eval();
        return losses;
    }

    /** The share of examples whose greedy decoding equals the target exactly. */
    public double exactMatch(Examples examples) {
        int right = 0;
        for (int i = 0; i < examples.source().length; i++) {
            int[] target = examples.target()[i];
            right += Arrays.equals(greedy(examples.source()[i], target.length), target) ? 1 : 0;
        }
        return (double) right / examples.source().length;
    }

    /** The configuration. */
    public GPTConfig config() {
        return config;
    }
}

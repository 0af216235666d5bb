package dev.minillm.nn;

import dev.minillm.tensor.Tensor;
import dev.minillm.tokenize.Tokenizer;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the {@link Trainer} needs from a model: the loss of a batch, its configuration, and its
 * parameters. Every language model of the course implements it, from the MLP of this chapter to
 * the GPT of chapter 7, so they all train with the same loop.
 *
 * <p>A model class extends {@link dev.minillm.tensor.Layer} and implements this interface; the
 * parameter and state methods below are then already provided by {@code Layer}:
 * <pre>{@code
 * public final class MyModel extends Layer implements LanguageModel {
 *     public record Config(int vocabSize, int dim) {}
 *     ...
 *     public Tensor loss(Batch batch) { return logits(batch.inputs()).crossEntropy(batch.flatTargets(), Batch.IGNORE); }
 * }
 * }</pre>
 */
public interface LanguageModel {

    /**
     * The mean cross-entropy, in nats per token, of predicting {@code batch.targets()} from
     * {@code batch.inputs()}: a scalar whose {@code backward()} fills the parameters' gradients.
     *
     * @throws IllegalArgumentException if an id is outside the vocabulary or the rows are too short or long
     */
    Tensor loss(Batch batch);

    /**
     * Continues {@code prompt} by {@code count} tokens, each drawn from the model's next-token
     * distribution at the given temperature (0: always the most likely token).
     */
    int[] generate(int[] prompt, int count, float temperature, RandomGenerator random);

    /**
     * Continues a text: encodes {@code prompt}, {@link #generate generates} {@code count} tokens
     * with {@code new SplittableRandom(seed)}, and returns them decoded (without the prompt).
     */
    default String sample(Tokenizer tokenizer, String prompt, int count, float temperature, long seed) {
        return tokenizer.decode(generate(tokenizer.encode(prompt), count, temperature, new SplittableRandom(seed)));
    }

    /** The number of token ids the model reads and predicts (ids are 0..vocabSize-1). */
    int vocabSize();

    /** The configuration record the model was built from: saved with checkpoints and compared on resume. */
    Record config();

    /** The shortest row {@link #loss} accepts (the MLP needs a full context window); 1 by default. */
    default int minSequenceLength() {
        return 1;
    }

    /** The longest row {@link #loss} accepts (a Transformer's block size); unlimited by default. */
    default int maxSequenceLength() {
        return Integer.MAX_VALUE;
    }

    /** Forgets any state carried from one batch to the next (a recurrent model's hidden state); nothing by default. */
    default void resetState() {}

    // ------------------------------------------------ provided by dev.minillm.tensor.Layer

    /** Every trainable tensor by its dotted name. */
    Map<String, Tensor> namedParameters();

    /** The trainable tensors, for the optimizer. */
    List<Tensor> parameters();

    /** The number of trainable numbers. */
    long parameterCount();

    /** Parameters and buffers by name: what a checkpoint stores. */
    Map<String, Tensor> stateDict();

    /** Copies a checkpoint's tensors into the model (keys and shapes must match). */
    void loadStateDict(Map<String, Tensor> state);

    /** Training mode: dropout on. */
    void train();

    /** Evaluation mode: dropout off. */
    void eval();

    /** True in training mode. */
    boolean isTraining();
}

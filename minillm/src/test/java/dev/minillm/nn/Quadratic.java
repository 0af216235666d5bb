package dev.minillm.nn;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * A stand-in language model for trainer tests: one weight w, training loss (w - target)², validation
 * loss {@code validationWeight}·(w - target)² + (1 - validationWeight)·w², and a NaN loss from
 * training step {@code nanFrom} on.
 */
final class Quadratic extends Layer implements LanguageModel {

    record Config(int vocabSize, float target, float validationWeight, int nanFrom, int maxLength) {
        static Config of(int vocabSize) {
            return new Config(vocabSize, 1f, 1f, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
    }

    final Config config;
    final Tensor w;
    int trainingCalls;
    boolean sawEvalModeWithGradients;

    Quadratic(Config config) {
        this.config = config;
        this.w = parameter("w", Tensor.zeros(1));
    }

    @Override
    public Tensor loss(Batch batch) {
        batch.checkVocabulary(config.vocabSize());
        Tensor toTarget = w.sub(config.target()).pow(2).sum();
        if (!isTraining()) {
            sawEvalModeWithGradients |= Autograd.isGradEnabled();
            return toTarget.mul(config.validationWeight()).add(w.pow(2).sum().mul(1 - config.validationWeight()));
        }
        return ++trainingCalls > config.nanFrom() ? toTarget.mul(Float.NaN) : toTarget;
    }

    @Override
    public int[] generate(int[] prompt, int count, float temperature, RandomGenerator random) {
        return new int[count];
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public int maxSequenceLength() {
        return config.maxLength();
    }
}

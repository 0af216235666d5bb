package dev.minillm.nn;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The neural probabilistic language model of Bengio, Ducharme, Vincent and Jauvin (2003): the
 * first language model that learns a vector for every token and predicts with a neural network.
 *
 * <pre>
 *   x = [C(w_{t-n+1}); ...; C(w_t)]          concatenated embeddings    (n·m)
 *   a = tanh(d + H·x)                          hidden layer               (h)
 *   y = b + W·x + U·a                          logits over the vocabulary (V)
 *   P(w_{t+1} | w_{t-n+1..t}) = softmax(y)
 * </pre>
 * W·x are the optional direct connections from the embeddings to the output. Unlike an n-gram
 * model, similar tokens get similar vectors, so what is learned about one context carries over to
 * contexts never seen (the cure for data sparsity).
 */
public final class MlpLanguageModel extends Layer implements LanguageModel {

    /**
     * The model's sizes.
     *
     * @param vocabSize V, the number of token ids
     * @param context n, how many previous tokens the model sees
     * @param embeddingDim m, the size of each token's vector
     * @param hiddenDim h, the width of the tanh layer
     * @param directConnections whether the embeddings also feed the output directly (W·x)
     * @param dropout the dropout rate on the hidden layer in training (0: none)
     */
    public record Config(int vocabSize, int context, int embeddingDim, int hiddenDim, boolean directConnections,
                         float dropout) {

        /** Checks that every size is positive and the dropout rate is in [0, 1). */
        public Config {
            if (vocabSize < 1 || context < 1 || embeddingDim < 1 || hiddenDim < 1) {
                throw new IllegalArgumentException("MlpLanguageModel.Config: sizes must be positive, got vocabSize="
                        + vocabSize + ", context=" + context + ", embeddingDim=" + embeddingDim + ", hiddenDim="
                        + hiddenDim);
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("MlpLanguageModel.Config: dropout must be in [0, 1), got " + dropout);
            }
        }

        /** For tests and quick demos: 3 tokens of context, 8-dimensional embeddings, 32 hidden units. */
        public static Config tiny(int vocabSize) {
            return new Config(vocabSize, 3, 8, 32, false, 0f);
        }

        /** A character model for the chapter: 8 characters of context, 24-dimensional embeddings, 256 hidden units. */
        public static Config small(int vocabSize) {
            return new Config(vocabSize, 8, 24, 256, false, 0f);
        }

        /**
         * The sizes of the paper's smaller models: 4 tokens of context (n = 5 in the paper, which
         * counts the predicted word too), 60-dimensional embeddings, 50 hidden units, direct connections.
         */
        public static Config bengio2003(int vocabSize) {
            return new Config(vocabSize, 4, 60, 50, true, 0f);
        }

        /** What {@code bin/minillm bench nn} measures: 8 tokens of context, 32-dimensional embeddings, 512 hidden units. */
        public static Config bench(int vocabSize) {
            return new Config(vocabSize, 8, 32, 512, false, 0f);
        }

        /** This configuration with another context length. */
        public Config withContext(int context) {
            return new Config(vocabSize, context, embeddingDim, hiddenDim, directConnections, dropout);
        }

        /** This configuration with or without direct connections. */
        public Config withDirectConnections(boolean direct) {
            return new Config(vocabSize, context, embeddingDim, hiddenDim, direct, dropout);
        }

        /** This configuration with another dropout rate. */
        public Config withDropout(float dropout) {
            return new Config(vocabSize, context, embeddingDim, hiddenDim, directConnections, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding; // C: (V, m)
    private final Linear hidden;       // H, d: (n·m) → h
    private final Dropout dropout;
    private final Linear output;       // U, b: h → V
    private final Linear direct;       // W: (n·m) → V, no bias; null without direct connections

    /** A model with fresh weights drawn from {@code seed} (the dropout masks come from it too). */
    public MlpLanguageModel(Config config, long seed) {
        this.config = config;
        var random = new SplittableRandom(seed);
        int inputs = config.context() * config.embeddingDim();
        this.embedding = child("embedding", new Embedding(config.vocabSize(), config.embeddingDim(), random));
        this.hidden = child("hidden", new Linear(inputs, config.hiddenDim(), random));
        this.dropout = child("dropout", new Dropout(config.dropout(), random.split()));
        this.output = child("output", new Linear(config.hiddenDim(), config.vocabSize(), random));
        this.direct = config.directConnections()
                ? child("direct", new Linear(inputs, config.vocabSize(), false, random)) : null;
    }

    /**
     * Next-token logits for each row of {@code contexts}, which must hold exactly n ids (the
     * oldest first).
     *
     * @return (B, V) logits
     * @throws IllegalArgumentException if a row is longer or shorter than the context, or an id is not in the vocabulary
     */
    public Tensor logits(int[][] contexts) {
        int n = config.context();
        int[] ids = new int[contexts.length * n];
        for (int row = 0; row < contexts.length; row++) {
            int[] context = contexts[row];
            if (context.length != n) {
                throw new IllegalArgumentException("context " + row + " has " + context.length + " tokens but the model's "
                        + "context is " + n + (context.length > n
                        ? ": the sequence is longer than the configured context; pass its last " + n
                          + " tokens (or build a model with Config.withContext(" + context.length + "))"
                        : ": an MLP language model needs exactly " + n + " tokens before the one it predicts"));
            }
            for (int id : context) {
                checkId(id);
            }
            System.arraycopy(context, 0, ids, row * n, n);
        }
        Tensor x = embedding.forward(ids).reshape(contexts.length, -1);        // (B·n, m) → (B, n·m): the concatenation
        Tensor a = dropout.forward(hidden.forward(x).tanh());                // (B, h)
        Tensor y = output.forward(a);                                        // (B, V)
        return direct == null ? y : y.add(direct.forward(x));                // (B, V)
    }

    /**
     * The mean cross-entropy over every position of the batch that has n tokens of context in
     * its row: in a row of T tokens, the windows ending at positions n-1 .. T-1.
     *
     * @throws IllegalArgumentException if the rows are shorter than the context or an id is not in the vocabulary
     */
    @Override
    public Tensor loss(Batch batch) {
        int n = config.context(), length = batch.length();
        if (length < n) {
            throw new IllegalArgumentException("the batch rows have " + length + " tokens, fewer than the model's "
                    + "context of " + n + ": use a block size of at least " + n);
        }
        batch.checkVocabulary(config.vocabSize());
        int windows = length - n + 1;
        int[][] contexts = new int[batch.batchSize() * windows][];
        int[] targets = new int[contexts.length];
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int w = 0; w < windows; w++) { // the window inputs[w .. w+n) predicts targets[w+n-1]
                contexts[b * windows + w] = Arrays.copyOfRange(batch.inputs()[b], w, w + n);
                targets[b * windows + w] = batch.targets()[b][w + n - 1];
            }
        }
        return logits(contexts).crossEntropy(targets, Batch.IGNORE);
    }

    /**
     * Continues {@code prompt} (at least n tokens) by {@code count} tokens, each predicted from
     * the n tokens before it.
     *
     * @throws IllegalArgumentException if the prompt is shorter than the context
     */
    @Override
    public int[] generate(int[] prompt, int count, float temperature, RandomGenerator random) {
        int n = config.context();
        if (prompt.length < n) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; this model predicts from "
                    + n + " tokens of context, so give it at least " + n);
        }
        int[] text = Arrays.copyOf(prompt, prompt.length + count);
        boolean training = isTraining();
        eval();
        try (var _ = Autograd.noGrad()) {
            for (int i = prompt.length; i < text.length; i++) {
                float[] logits = logits(new int[][] {Arrays.copyOfRange(text, i - n, i)}).toArray();
                text[i] = Sampling.sample(logits, temperature, random);
            }
        } finally {
            if (training) {
                train();
            }
        }
        return Arrays.copyOfRange(text, prompt.length, text.length);
    }

    /** The embedding table C, shape (V, m): row i is token i's vector. */
    public Tensor embeddings() {
        return embedding.weight();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public Config config() {
        return config;
    }

    /** n: rows shorter than the context have no complete window. */
    @Override
    public int minSequenceLength() {
        return config.context();
    }

    private void checkId(int id) {
        if (id < 0 || id >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the model's vocabulary of "
                    + config.vocabSize() + " ids: was the text encoded with another tokenizer?");
        }
    }

    @Override
    protected String describe() {
        return "context=" + config.context() + ", vocab=" + config.vocabSize();
    }
}

package dev.minillm.rnn;

import dev.minillm.nn.Batch;
import dev.minillm.nn.LanguageModel;
import dev.minillm.nn.Sampling;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A recurrent language model, as Karpathy's char-rnn: each token's embedding goes through a
 * recurrent layer, and a linear head turns each hidden state into next-token logits.
 * <pre>
 *   e_t = E[x_t]                    (B, T, m)
 *   h_t = cell(e_t, h_{t-1})        (B, T, H)
 *   logits_t = W·h_t + b            (B, T, V)
 * </pre>
 * Unlike the MLP of chapter 4 the context has no fixed length: h_t summarises everything read so
 * far. Trained with {@link dev.minillm.nn.Trainer.BatchOrder#CONTIGUOUS_STREAMS}, the model
 * carries its last hidden state (detached) into the next batch, which continues the same text:
 * truncated backpropagation through time, remembering beyond the block size while backpropagating
 * only within it.
 */
public final class RnnLanguageModel extends Layer implements LanguageModel {

    /**
     * The model's sizes.
     *
     * @param kind RNN, LSTM or GRU
     * @param vocabSize V, the number of token ids
     * @param embeddingDim m, the size of each token's vector
     * @param hiddenSize H, the size of the hidden state
     * @param dropout the dropout rate on the hidden states in training (0: none)
     */
    public record Config(RecurrentCell.Kind kind, int vocabSize, int embeddingDim, int hiddenSize, float dropout) {

        /** Checks that the sizes are positive and the dropout rate is in [0, 1). */
        public Config {
            Objects.requireNonNull(kind, "kind");
            if (vocabSize < 1 || embeddingDim < 1 || hiddenSize < 1) {
                throw new IllegalArgumentException("RnnLanguageModel.Config: sizes must be positive, got vocabSize="
                        + vocabSize + ", embeddingDim=" + embeddingDim + ", hiddenSize=" + hiddenSize);
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("RnnLanguageModel.Config: dropout must be in [0, 1), got " + dropout);
            }
        }

        /** For tests: 8-dimensional embeddings, hidden size 16. */
        public static Config tiny(RecurrentCell.Kind kind, int vocabSize) {
            return new Config(kind, vocabSize, 8, 16, 0f);
        }

        /** A character model for the chapter: 32-dimensional embeddings, hidden size 128. */
        public static Config small(RecurrentCell.Kind kind, int vocabSize) {
            return new Config(kind, vocabSize, 32, 128, 0f);
        }

        /** The char-LSTM {@code bin/minillm bench nn} measures: 64-dimensional embeddings, hidden size 256. */
        public static Config charLstm(int vocabSize) {
            return new Config(RecurrentCell.Kind.LSTM, vocabSize, 64, 256, 0f);
        }

        /** This configuration with another cell. */
        public Config withKind(RecurrentCell.Kind kind) {
            return new Config(kind, vocabSize, embeddingDim, hiddenSize, dropout);
        }

        /** This configuration with another dropout rate. */
        public Config withDropout(float dropout) {
            return new Config(kind, vocabSize, embeddingDim, hiddenSize, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding; // E: (V, m)
    private final RecurrentLayer rnn;  // m → H
    private final Dropout dropout;
    private final Linear head;         // W, b: H → V
    /** The detached last state of the previous training batch, carried into a batch that continues it. */
    private HiddenState carried;

    /** A model with fresh weights drawn from {@code seed} (the dropout masks come from it too). */
    public RnnLanguageModel(Config config, long seed) {
        this.config = config;
        var random = new SplittableRandom(seed);
        this.embedding = child("embedding", new Embedding(config.vocabSize(), config.embeddingDim(), random));
        this.rnn = child("rnn", RecurrentLayer.of(config.kind(), config.embeddingDim(), config.hiddenSize(), random));
        this.dropout = child("dropout", new Dropout(config.dropout(), random.split()));
        this.head = child("head", new Linear(config.hiddenSize(), config.vocabSize(), random));
    }

    /**
     * Logits for every position of {@code inputs} (B, T), starting from {@code initial} (null: zeros).
     *
     * @return the logits (B, T, V) and the state after the last token
     */
    public Output forward(int[][] inputs, HiddenState initial) {
        for (int[] row : inputs) {
            for (int id : row) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the model's vocabulary of "
                            + config.vocabSize() + " ids: was the text encoded with another tokenizer?");
                }
            }
        }
        Tensor x = embedding.forward(inputs);                              // (B, T, m)
        RecurrentLayer.Output out = rnn.forward(x, initial);              // (B, T, H)
        Tensor logits = head.forward(dropout.forward(out.outputs()));     // (B, T, V)
        return new Output(logits, out.last());
    }

    /**
     * The logits of a forward pass and the state to continue from.
     *
     * @param logits (B, T, V)
     * @param last the hidden state after the last position
     */
    public record Output(Tensor logits, HiddenState last) {}

    /**
     * The mean cross-entropy of the batch. In training mode, when the batch {@link Batch#continues()
     * continues} the previous one, the model starts from that batch's final state, detached, and
     * keeps its own final state for the next batch; otherwise it starts from zeros.
     */
    @Override
    public Tensor loss(Batch batch) {
        batch.checkVocabulary(config.vocabSize());
        boolean carry = isTraining() && batch.continues() && carried != null
                && carried.batchSize() == batch.batchSize();
        Output out = forward(batch.inputs(), carry ? carried : null);
        if (isTraining()) {
            carried = out.last().detach(); // gradients stop at the batch boundary; the memory does not
        }
        return out.logits().reshape(-1, config.vocabSize()).crossEntropy(batch.flatTargets(), Batch.IGNORE);
    }

    /** Forgets the state carried between training batches. */
    @Override
    public void resetState() {
        carried = null;
    }

    /**
     * Reads the prompt (at least one token), then draws {@code count} tokens one at a time, each
     * fed back in: one recurrent step per token, whatever the length of the text so far.
     *
     * @throws IllegalArgumentException if the prompt is empty
     */
    @Override
    public int[] generate(int[] prompt, int count, float temperature, RandomGenerator random) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give the model at least one token to start from");
        }
        int[] generated = new int[count];
        boolean training = isTraining();
        eval();
        try (var _ = Autograd.noGrad()) {
            Output out = forward(new int[][] {prompt}, null);
            for (int i = 0; i < count; i++) {
                Tensor last = out.logits().select(1, out.logits().shape(1) - 1);   // (1, V)
                generated[i] = Sampling.sample(last.toArray(), temperature, random);
                out = forward(new int[][] {{generated[i]}}, out.last());
            }
        } finally {
            if (training) {
                train();
            }
        }
        return generated;
    }

    /** The embedding table E, shape (V, m). */
    public Tensor embeddings() {
        return embedding.weight();
    }

    /** The recurrent layer. */
    public RecurrentLayer rnn() {
        return rnn;
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
    protected String describe() {
        return config.kind() + ", vocab=" + config.vocabSize();
    }
}

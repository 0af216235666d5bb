package dev.minillm.transformer;

import dev.minillm.nn.Batch;
import dev.minillm.nn.LanguageModel;
import dev.minillm.nn.Sampling;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A GPT (Radford et al., 2018, 2019): a stack of causal Transformer {@link Block}s that reads
 * token ids and gives, at every position, logits for the next token.
 * <pre>
 *   x      = tokenEmbedding(ids) + positionEmbedding(0..T-1)     (B, T, C)  (or another PositionEncoding)
 *   x      = block_L(... block_1(x))                             (B, T, C)
 *   logits = finalNorm(x) · tokenEmbeddingᵀ                      (B, T, V)
 * </pre>
 * The output head reuses the token embedding matrix (weight tying, 权重共享): the vector that
 * stands for a token going in is the one its logit is measured against coming out, which saves
 * V·C parameters and helps small models.
 *
 * <p>Initialisation follows GPT-2: every matrix and embedding N(0, 0.02²), biases 0, and the
 * projections that write into the residual stream ({@code *.proj.weight}) scaled by 1/√(2·layers),
 * because 2·layers of them are summed into it.
 */
public final class GPT extends Layer implements LanguageModel {

    /** The standard deviation of GPT-2's initial weights. */
    public static final float INIT_STD = 0.02f;

    private final GPTConfig config;
    private final Embedding tokenEmbedding;                // (V, C), also the output head
    private final PositionEncoding positionEmbedding; // config.positions(): GPT-2's (blockSize, C) table by default
    private final Dropout dropout;
    private final List<Block> blocks = new ArrayList<>();
    private final Layer finalNorm;

    /** A model with fresh weights drawn from {@code seed} (dropout masks come from it too). */
    public GPT(GPTConfig config, long seed) {
        this.config = config;
        var random = new SplittableRandom(seed);
        int c = config.embeddingDim();
        this.tokenEmbedding = child("tokenEmbedding", new Embedding(config.vocabSize(), c, random));
        this.positionEmbedding = child("positionEmbedding", config.positions().create(config, random));
        this.dropout = child("dropout", new Dropout(config.dropout(), random.split()));
        var stack = child("blocks", new Blocks());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(stack.add(new Block(config, random.split())));
        }
        this.finalNorm = child("finalNorm", config.norm().create(c, config.bias()));
        initialise(this, config.layers(), random);
    }

    /** The blocks as one layer, so their parameters are named {@code blocks.0.attention.qkv.weight} as in PyTorch's ModuleList. */
    static final class Blocks extends Layer {
        private int count;

        <L extends Layer> L add(L block) {
            return child(Integer.toString(count++), block);
        }
    }

    /** GPT-2's initialisation of any Transformer of {@code layers} blocks; see the class comment. */
    static void initialise(Layer model, int layers, RandomGenerator random) {
        double residualStd = INIT_STD / Math.sqrt(2.0 * layers);
        model.namedParameters().forEach((name, p) -> {
            float[] values = p.data();
            if (p.rank() >= 2) {
                double std = name.endsWith("proj.weight") ? residualStd : INIT_STD;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            } else if (name.endsWith("bias")) {
                Arrays.fill(values, 0f);
            } // norm weights stay 1
        });
    }

    /**
     * Next-token logits at every position.
     *
     * @param tokens (B, T) token ids, 1 ≤ T ≤ blockSize, every row the same length
     * @return (B, T, V) logits: row b, position t scores the token after tokens[b][0..t]
     * @throws IllegalArgumentException if T is 0 or more than blockSize, rows differ in length, or an id is not in the vocabulary
     */
    public Tensor forward(int[][] tokens) {
        checkTokens(tokens, config);
        Tensor x = positionEmbedding.embed(tokenEmbedding.forward(tokens)); // (B, T, C), positions added if absolute
        x = dropout.forward(x);
        for (Block block : blocks) {
            x = block.forward(x, positionEmbedding);                    // (B, T, C)
        }
        return logits(x);
    }

    /**
     * Every block's attention weights for one sequence, as the model computes them (its position
     * encoding included: RoPE turns q and k, ALiBi biases the scores), for heatmaps. No gradients,
     * evaluation mode (restored afterwards).
     *
     * @param tokens T token ids, 1 ≤ T ≤ blockSize
     * @return one (nh, T, T) tensor per block, first to last: row i holds how query i spreads over the keys
     */
    public List<Tensor> attentionWeights(int[] tokens) {
        checkTokens(new int[][] {tokens}, config);
        boolean wasTraining = isTraining();
        eval();
        List<Tensor> maps = new ArrayList<>();
        try (var _ = Autograd.noGrad()) {
            Tensor x = positionEmbedding.embed(tokenEmbedding.forward(new int[][] {tokens})); // (1, T, C)
            for (Block block : blocks) {
                var out = block.forwardWithWeights(x, positionEmbedding);
                maps.add(out.weights().select(0, 0));                       // (nh, T, T)
                x = out.output();
            }
        } finally {
            if (wasTraining) {
                train();
            }
        }
        return maps;
    }

    /** The output head: finalNorm(x) · tokenEmbeddingᵀ, (B, T, C) → (B, T, V). */
    public Tensor logits(Tensor hidden) {
        Tensor x = GPTConfig.Norm.apply(finalNorm, hidden);             // (B, T, C)
        return x.matmul(tokenEmbedding.weight().transpose());           // (B, T, C)·(C, V) = (B, T, V)
    }

    /**
     * The mean cross-entropy, in nats per token, of predicting {@code targets} from {@code inputs}.
     *
     * @param inputs (B, T) token ids
     * @param targets (B, T) the next token at each position, or {@link Batch#IGNORE} to leave a position out
     * @return with a {@link MixtureOfExperts} in the blocks, plus {@link MixtureOfExperts#BALANCE_WEIGHT} times their
     *         load-balancing losses, so that training keeps the experts evenly used
     */
    public Tensor loss(int[][] inputs, int[][] targets) {
        return loss(Batch.of(inputs, targets));
    }

    @Override
    public Tensor loss(Batch batch) {
        batch.checkVocabulary(config.vocabSize());
        Tensor logits = forward(batch.inputs());                              // (B, T, V)
        Tensor loss = logits.reshape(batch.tokens(), config.vocabSize())       // (B·T, V)
                .crossEntropy(batch.flatTargets(), Batch.IGNORE);
        return config.experts() == 0 ? loss : loss.add(balanceLoss().mul(MixtureOfExperts.BALANCE_WEIGHT));
    }

    /** The load-balancing losses of the last forward pass summed over the blocks' {@link MixtureOfExperts}. */
    Tensor balanceLoss() {
        Tensor sum = Tensor.scalar(0f);
        for (Block block : blocks) {
            if (block.mlp() instanceof MixtureOfExperts experts) {
                sum = sum.add(experts.balanceLoss());
            }
        }
        return sum;
    }

    /**
     * Continues {@code prompt} by {@code maxNewTokens} tokens. Each step reads the last blockSize
     * tokens (the context window), keeps the {@code topK} most likely next tokens (all when
     * topK ≤ 0 or ≥ V; ties with the k-th are kept too), and draws one from softmax(logits / temperature);
     * temperature 0 takes the most likely. Runs in evaluation mode without gradients; the mode is restored.
     *
     * @return the new tokens only, without the prompt
     * @throws IllegalArgumentException if the prompt is empty or holds an id outside the vocabulary, or maxNewTokens &lt; 0
     */
    public int[] generate(int[] prompt, int maxNewTokens, float temperature, int topK, long seed) {
        return generate(prompt, maxNewTokens, temperature, topK, new SplittableRandom(seed));
    }

    /** {@link #generate(int[], int, float, int, long)} without top-k, drawing from {@code random}. */
    @Override
    public int[] generate(int[] prompt, int count, float temperature, RandomGenerator random) {
        return generate(prompt, count, temperature, 0, random);
    }

    private int[] generate(int[] prompt, int maxNewTokens, float temperature, int topK, RandomGenerator random) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generate: the prompt is empty; start with at least one token "
                    + "(e.g. the id of a newline or of a beginning-of-text token)");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        checkIds(prompt, "prompt", config);
        boolean wasTraining = isTraining();
        eval();
        int[] sequence = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        try (var _ = Autograd.noGrad()) {
            for (int n = prompt.length; n < sequence.length; n++) {
                int start = Math.max(0, n - config.blockSize());                  // crop to the context window
                Tensor logits = forward(new int[][] {Arrays.copyOfRange(sequence, start, n)}); // (1, T, V)
                float[] last = logits.select(1, logits.shape(1) - 1).toArray();   // (V): the next token's logits
                sequence[n] = Sampling.sample(keepTopK(last, topK), temperature, random);
            }
        } finally {
            if (wasTraining) {
                train();
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

    /** The logits with all but the k largest set to -∞ (k ≤ 0 or ≥ V: unchanged). */
    static float[] keepTopK(float[] logits, int k) {
        if (k <= 0 || k >= logits.length) {
            return logits;
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float threshold = sorted[sorted.length - k];
        float[] kept = logits.clone();
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < threshold) {
                kept[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return kept;
    }

    /** Checks (B, T) token ids against a configuration's block size and vocabulary. */
    static void checkTokens(int[][] tokens, GPTConfig config) {
        if (tokens == null || tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("GPT: need at least one row of at least one token id, shape (B, T)");
        }
        int t = tokens[0].length;
        if (t > config.blockSize()) {
            throw new IllegalArgumentException("GPT: the sequences have T = " + t + " tokens, more than blockSize = "
                    + config.blockSize() + "; pass the last " + config.blockSize()
                    + " tokens, or build a model with GPTConfig.withBlockSize(" + t + ")");
        }
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length != t) {
                throw new IllegalArgumentException("GPT: row " + b + " has " + tokens[b].length + " tokens, row 0 has "
                        + t + "; every row needs the same length");
            }
            checkIds(tokens[b], "row " + b, config);
        }
    }

    static void checkIds(int[] ids, String where, GPTConfig config) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("GPT: token id " + ids[i] + " at position " + i + " of " + where
                        + " is outside the vocabulary 0.." + (config.vocabSize() - 1)
                        + "; build the model with the tokenizer's vocabSize()");
            }
        }
    }

    /** How the parameters divide between the parts of the model. */
    public ParameterCounts parameterCounts() {
        return ParameterCounts.of(this);
    }

    @Override
    public GPTConfig config() {
        return config;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int maxSequenceLength() {
        return config.blockSize();
    }

    /** The token embedding, shape (V, C), which is also the output head. */
    public Embedding tokenEmbedding() {
        return tokenEmbedding;
    }

    /** How this model encodes positions ({@code config().positions()}). */
    public PositionEncoding positionEncoding() {
        return positionEmbedding;
    }

    /** The blocks, first to last. */
    public List<Block> blocks() {
        return List.copyOf(blocks);
    }

    @Override
    protected String describe() {
        return "layers=" + config.layers() + ", heads=" + config.heads() + ", C=" + config.embeddingDim() + ", V="
                + config.vocabSize() + ", blockSize=" + config.blockSize() + ", positions=" + config.positions();
    }
}

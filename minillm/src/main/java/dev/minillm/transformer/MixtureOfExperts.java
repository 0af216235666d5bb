package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * A mixture-of-experts feed-forward network (混合专家, Shazeer et al. 2017; Switch, Mixtral): E
 * feed-forward networks ("experts") and a router (路由器) that sends each token to k of them.
 * <pre>
 *   scores  = x·W_router                        (N, E)   one score per expert
 *   chosen  = the k experts with the highest scores
 *   gates   = softmax over the k chosen scores   (0 for the others)
 *   y       = Σ_{e chosen} gate_e · expert_e(x)
 * </pre>
 * The model holds E times the feed-forward parameters of a dense block but each token pays for k
 * experts only: Mixtral has 8 experts and uses 2, 47B parameters of which 13B work on a token.
 *
 * <p>Left alone, a router collapses onto the few experts it happened to favour early, and the
 * others never learn. Training therefore adds the load-balancing loss (负载均衡损失) of the
 * Switch Transformer, {@link #balanceLoss()} = E · Σ_e f_e · P_e, where f_e is the share of the
 * routed token slots that went to expert e (counted, no gradient) and P_e the mean router
 * probability of e (differentiable). It is 1 when the load is even and grows to E when one expert
 * takes everything; its gradient lowers the probability of the experts that are over-used.
 */
public final class MixtureOfExperts extends Layer implements FeedForwardNetwork {

    /** The weight of {@link #balanceLoss()} added to the language-model loss (Switch Transformer: 0.01). */
    public static final float BALANCE_WEIGHT = 0.01f;

    private final Linear router;                 // (E, C), no bias
    private final List<FeedForwardNetwork> experts = new ArrayList<>();
    private final int perToken;                  // k
    private Routing lastRouting;                 // of the last forward pass
    private Tensor balanceLoss;                  // scalar, of the last forward pass

    /**
     * Which experts the tokens of one forward pass went to.
     *
     * @param chosen (N, k) the expert ids of each token, highest score first
     * @param probabilities (N, E) softmax of the router scores over all experts
     * @param gates (N, E) the weight of each expert in each token's output: softmax over the chosen k, 0 elsewhere
     */
    public record Routing(int[][] chosen, Tensor probabilities, Tensor gates) {

        /** How many tokens each expert received: (E). */
        public int[] tokensPerExpert() {
            int[] counts = new int[probabilities.shape(1)];
            for (int[] row : chosen) {
                for (int e : row) {
                    counts[e]++;
                }
            }
            return counts;
        }
    }

    /** {@code config.experts()} experts of {@code config.feedForward()}'s kind and a router, weights from {@code random}. */
    public MixtureOfExperts(GPTConfig config, RandomGenerator random) {
        if (config.experts() < 1) {
            throw new IllegalArgumentException("MixtureOfExperts: the configuration has no experts; use "
                    + "config.withExperts(experts, perToken), e.g. withExperts(8, 2)");
        }
        this.router = child("router", new Linear(config.embeddingDim(), config.experts(), false, random));
        for (int e = 0; e < config.experts(); e++) {
            experts.add(switch (config.feedForward()) {
                case GELU -> child("expert" + e, new MLP(config, random));
                case SWIGLU -> child("expert" + e, new SwiGLU(config, random));
            });
        }
        this.perToken = config.expertsPerToken();
    }

    /**
     * (B, T, C) → (B, T, C). Each expert runs only on the tokens routed to it; the results are
     * gathered back to their tokens. Also records {@link #lastRouting()} and {@link #balanceLoss()}.
     */
    @Override
    public Tensor forward(Tensor x) {
        int b = x.shape(0), t = x.shape(1), c = x.shape(2), n = b * t;
        Tensor tokens = x.reshape(n, c);                                 // (N, C)
        Routing routing = route(tokens);
        int[][] chosen = routing.chosen();
        int[][] rowOf = new int[perToken][n];   // rowOf[j][i]: the row of token i's j-th expert output in `stacked`
        List<Tensor> outputs = new ArrayList<>();
        int row = 0;
        for (int e = 0; e < experts.size(); e++) {
            int[] mine = tokensOf(chosen, e);
            if (mine.length == 0) {
                continue;                                                // an idle expert costs nothing
            }
            Tensor in = tokens.indexSelect(0, mine).unsqueeze(0);        // (1, n_e, C)
            Tensor out = experts.get(e).forward(in).squeeze(0);          // (n_e, C)
            Tensor gate = routing.gates().indexSelect(0, mine).slice(1, e, e + 1); // (n_e, 1)
            outputs.add(out.mul(gate));
            for (int i : mine) {
                rowOf[slot(chosen[i], e)][i] = row++;
            }
        }
        Tensor stacked = Tensor.concat(0, outputs);                      // (N·k, C)
        Tensor y = stacked.indexSelect(0, rowOf[0]);                     // (N, C)
        for (int j = 1; j < perToken; j++) {
            y = y.add(stacked.indexSelect(0, rowOf[j]));
        }
        return y.reshape(b, t, c);                                       // (B, T, C)
    }

    /**
     * The readable reference: every expert on every token, weighted by the gates (0 for experts
     * that were not chosen). Same result as {@link #forward}, E/k times the work.
     */
    public Tensor forwardDense(Tensor x) {
        int b = x.shape(0), t = x.shape(1), c = x.shape(2);
        Routing routing = route(x.reshape(b * t, c));
        Tensor y = Tensor.zeros(b, t, c);
        for (int e = 0; e < experts.size(); e++) {
            Tensor gate = routing.gates().slice(1, e, e + 1).reshape(b, t, 1); // (B, T, 1)
            y = y.add(experts.get(e).forward(x).mul(gate));                    // (B, T, C)
        }
        return y;
    }

    /** Scores the tokens (N, C), picks each one's top k, and computes the gates and the balancing loss. */
    private Routing route(Tensor tokens) {
        Tensor scores = router.forward(tokens);                          // (N, E)
        int n = scores.shape(0), e = scores.shape(1);
        float[] values = scores.toArray();
        int[][] chosen = new int[n][];
        float[] notChosen = new float[n * e];
        Arrays.fill(notChosen, 1f);
        for (int i = 0; i < n; i++) {
            chosen[i] = topK(Arrays.copyOfRange(values, i * e, (i + 1) * e), perToken);
            for (int expert : chosen[i]) {
                notChosen[i * e + expert] = 0f;
            }
        }
        Tensor gates = scores.maskedFill(Tensor.of(notChosen, n, e), Float.NEGATIVE_INFINITY).softmax(1); // (N, E)
        var routing = new Routing(chosen, scores.softmax(1), gates);
        this.lastRouting = routing;
        this.balanceLoss = balanceLoss(routing);
        return routing;
    }

    /** E · Σ_e f_e · P_e for one routing; see the class comment. */
    static Tensor balanceLoss(Routing routing) {
        int[] counts = routing.tokensPerExpert();
        int e = counts.length;
        float slots = routing.chosen().length * (float) routing.chosen()[0].length;
        float[] share = new float[e];                                    // f: no gradient, it is a count
        for (int i = 0; i < e; i++) {
            share[i] = counts[i] / slots;
        }
        Tensor meanProbability = routing.probabilities().mean(0);        // P: (E), differentiable
        return meanProbability.mul(Tensor.vector(share)).sum().mul(e);
    }

    /** The indices of the k largest values, largest first; ties go to the lower index. */
    public static int[] topK(float[] scores, int k) {
        if (k < 1 || k > scores.length) {
            throw new IllegalArgumentException("topK: need 1 <= k <= " + scores.length + ", got k = " + k);
        }
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (i, j) -> scores[i] != scores[j] ? Float.compare(scores[j], scores[i]) : Integer.compare(i, j));
        int[] top = new int[k];
        Arrays.setAll(top, i -> order[i]);
        return top;
    }

    private static int[] tokensOf(int[][] chosen, int expert) {
        return IntStream.range(0, chosen.length).filter(i -> slot(chosen[i], expert) >= 0).toArray();
    }

    private static int slot(int[] chosen, int expert) {
        for (int j = 0; j < chosen.length; j++) {
            if (chosen[j] == expert) {
                return j;
            }
        }
        return -1;
    }

    /** The load-balancing loss of the last forward pass (a scalar with a gradient to the router). */
    public Tensor balanceLoss() {
        if (balanceLoss == null) {
            throw new IllegalStateException("MixtureOfExperts: no forward pass yet, so no balancing loss");
        }
        return balanceLoss;
    }

    /** The routing of the last forward pass, for statistics; null before the first. */
    public Routing lastRouting() {
        return lastRouting;
    }

    /** E, the number of experts. */
    public int expertCount() {
        return experts.size();
    }

    /** The router: weight (E, C). */
    public Linear router() {
        return router;
    }

    @Override
    protected String describe() {
        return "experts=" + experts.size() + ", perToken=" + perToken;
    }
}

package dev.minillm.rnn;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A diagonal linear state-space layer (状态空间模型), the recurrence inside S4- and Mamba-style models:
 * <pre>
 *   h_t = a ⊙ h_{t-1} + B·x_t        state (N), a in (0, 1)^N: each channel decays at its own rate
 *   y_t = C·h_t + D·x_t              output (O)
 * </pre>
 * with a = sigmoid(θ), so that every channel forgets (a &lt; 1) and none explodes (a &gt; 0 keeps it
 * from flipping sign). Unlike an RNN the recurrence is linear: no tanh between the steps. That
 * makes the same numbers computable in three ways ({@link Form}), which this class implements side
 * by side:
 * <ul>
 *   <li>{@link Form#RECURRENT}: step by step, T sequential steps of O(N) memory each: the form for
 *       generating one token at a time;</li>
 *   <li>{@link Form#CONVOLUTION}: unrolled, h_t = Σ_{k≤t} a^{t-k} ⊙ B·x_k, so each state channel is a
 *       causal convolution of B·x with the kernel (1, a, a², ...): all positions in parallel with
 *       T² work, the way S4 trains;</li>
 *   <li>{@link Form#SCAN}: a parallel prefix scan in log₂ T rounds of elementwise work: the way
 *       Mamba trains, because it still works when a and B depend on the input (its "selective"
 *       state space), where no fixed convolution kernel exists.</li>
 * </ul>
 */
public final class DiagonalStateSpace extends Layer {

    /** The three ways to compute the layer; they agree up to float rounding, in values and gradients. */
    public enum Form {
        /** h_t = a ⊙ h_{t-1} + B·x_t, one step after another. */
        RECURRENT,
        /** Each state channel as a causal convolution with a^k, as one (T × T) matrix product per channel. */
        CONVOLUTION,
        /** A Hillis–Steele parallel prefix scan over (decay, state) pairs. */
        SCAN
    }

    private final int inputSize, stateSize, outputSize;
    private final Tensor decayLogit; // θ: (N), a = sigmoid(θ)
    private final Tensor b;          // B: (N, I)
    private final Tensor c;          // C: (O, N)
    private final Tensor d;          // D: (O, I), the skip connection

    /**
     * A layer from I to O features through N state channels. The decays start uniform in
     * [0.5, 0.99] (memories of about 2 to 100 steps); B, C and D uniform in ±1/√(fan-in).
     */
    public DiagonalStateSpace(int inputSize, int stateSize, int outputSize, RandomGenerator random) {
        if (inputSize < 1 || stateSize < 1 || outputSize < 1) {
            throw new IllegalArgumentException("DiagonalStateSpace: sizes must be positive, got input " + inputSize
                    + ", state " + stateSize + ", output " + outputSize);
        }
        this.inputSize = inputSize;
        this.stateSize = stateSize;
        this.outputSize = outputSize;
        float[] logits = new float[stateSize];
        for (int n = 0; n < stateSize; n++) {
            double a = 0.5 + 0.49 * random.nextDouble();
            logits[n] = (float) Math.log(a / (1 - a)); // sigmoid⁻¹(a)
        }
        this.decayLogit = parameter("decay_logit", Tensor.of(logits, stateSize));
        this.b = parameter("B", uniform(random, stateSize, inputSize, inputSize));
        this.c = parameter("C", uniform(random, outputSize, stateSize, stateSize));
        this.d = parameter("D", uniform(random, outputSize, inputSize, inputSize));
    }

    private static Tensor uniform(RandomGenerator random, int rows, int columns, int fanIn) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        return Tensor.uniform(random, -bound, bound, rows, columns);
    }

    /** a = sigmoid(θ), the per-channel decay, shape (N), each in (0, 1). */
    public Tensor decay() {
        return decayLogit.sigmoid();
    }

    /** The recurrent form: x (B, T, I) → y (B, T, O). */
    public Tensor forward(Tensor x) {
        return forward(x, Form.RECURRENT);
    }

    /**
     * x (B, T, I) → y (B, T, O), computed in the given form.
     *
     * @throws IllegalArgumentException if x is not (B, T, I)
     */
    public Tensor forward(Tensor x, Form form) {
        if (x.rank() != 3 || x.shape(2) != inputSize) {
            throw new IllegalArgumentException("DiagonalStateSpace: expected x (B, T, " + inputSize + "), got "
                    + java.util.Arrays.toString(x.shape()));
        }
        Tensor u = x.matmul(b.transpose());                     // (B, T, N): B·x_t for every t
        Tensor h = switch (form) {
            case RECURRENT -> recurrent(u);
            case CONVOLUTION -> convolution(u);
            case SCAN -> scan(u);
        };                                                      // (B, T, N)
        return h.matmul(c.transpose()).add(x.matmul(d.transpose())); // (B, T, O): C·h_t + D·x_t
    }

    /** h_t = a ⊙ h_{t-1} + u_t from h_0 = 0, one step at a time. */
    private Tensor recurrent(Tensor u) {                        // u (B, T, N)
        int batch = u.shape(0), time = u.shape(1);
        Tensor a = decay();                                     // (N)
        Tensor h = Tensor.zeros(batch, stateSize);              // (B, N)
        List<Tensor> states = new ArrayList<>(time);
        for (int t = 0; t < time; t++) {
            h = a.mul(h).add(u.select(1, t));                   // (B, N)
            states.add(h);
        }
        return Tensor.concat(1, states).reshape(batch, time, stateSize); // T × (B, N) → (B, T·N) → (B, T, N)
    }

    /** h_t = Σ_{k≤t} a^{t-k} ⊙ u_k: a lower-triangular (T × T) matrix of powers per channel. */
    private Tensor convolution(Tensor u) {                      // u (B, T, N)
        int time = u.shape(1);
        Tensor powers = lags(time).mul(decay().log())           // (T, T, N): (t-k)·log a
                .maskedFill(future(time), Float.NEGATIVE_INFINITY)
                .exp();                                         // a^(t-k) where k ≤ t, 0 where k > t
        return powers.permute(2, 0, 1)                          // (N, T, T)
                .matmul(u.permute(2, 1, 0))                     // (N, T, T)·(N, T, B) = (N, T, B)
                .permute(2, 1, 0);                              // (B, T, N)
    }

    /**
     * The same sum by an inclusive prefix scan. Element t holds a pair (A, h): the product of the
     * decays and the state of a segment of steps ending at t. Two adjacent segments combine as
     * (A₁, h₁) then (A₂, h₂) = (A₁·A₂, A₂·h₁ + h₂), an associative operation, so in round r every
     * element combines with the one 2^r steps before it, all at once: after ⌈log₂ T⌉ rounds each
     * segment reaches back to step 0.
     */
    private Tensor scan(Tensor u) {                             // u (B, T, N)
        int time = u.shape(1);
        Tensor h = u;                                           // (B, T, N): segments of length 1
        Tensor decays = decay().unsqueeze(0).expand(time, stateSize); // (T, N): A_t = a at every step
        for (int distance = 1; distance < time; distance *= 2) {
            Tensor earlierH = shift(h, 1, distance, 0f);        // h of the segment ending at t - distance
            Tensor earlierA = shift(decays, 0, distance, 1f);   // its decay; before step 0: the identity (1, 0)
            h = h.add(decays.mul(earlierH));                    // A₂·h₁ + h₂
            decays = decays.mul(earlierA);                      // A₁·A₂
        }
        return h;
    }

    /** x moved {@code distance} places forward along {@code axis}, the front filled with {@code fill}. */
    private static Tensor shift(Tensor x, int axis, int distance, float fill) {
        int[] padShape = x.shape();
        padShape[axis] = distance;
        return Tensor.concat(axis, Tensor.full(fill, padShape), x.slice(axis, 0, x.shape(axis) - distance));
    }

    /** (T, T, 1) with t - k at [t, k]. */
    private static Tensor lags(int time) {
        float[] values = new float[time * time];
        for (int t = 0; t < time; t++) {
            for (int k = 0; k < time; k++) {
                values[t * time + k] = t - k;
            }
        }
        return Tensor.of(values, time, time, 1);
    }

    /** (T, T, 1) with 1 where k &gt; t: the future, which a causal layer must not see. */
    private static Tensor future(int time) {
        return Tensor.ones(time, time).sub(Tensor.tril(time)).unsqueeze(2);
    }

    /**
     * The convolution kernel of the whole layer, K_k = C·diag(a^k)·B for k = 0 .. length-1, so that
     * y_t = Σ_{k≤t} K_{t-k}·x_k + D·x_t.
     *
     * @return (length, O, I)
     */
    public Tensor kernel(int length) {
        Tensor powers = Tensor.arange(length).unsqueeze(1).mul(decay().log()).exp(); // (length, N): a^k
        Tensor scaledB = powers.unsqueeze(2).mul(b);                                  // (length, N, I): diag(a^k)·B
        return c.matmul(scaledB);                                                     // (length, O, I)
    }

    /** I. */
    public int inputSize() {
        return inputSize;
    }

    /** N, the number of state channels. */
    public int stateSize() {
        return stateSize;
    }

    /** O. */
    public int outputSize() {
        return outputSize;
    }

    @Override
    protected String describe() {
        return "input=" + inputSize + ", state=" + stateSize + ", output=" + outputSize;
    }
}

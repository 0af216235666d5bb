package dev.minillm.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An optimizer (优化器) changes the parameters a little against their gradients, once per
 * training step:
 * <pre>{@code
 * var optimizer = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(model.parameters(), 0.1f), 1e-3f);
 * for (int step = 0; step < steps; step++) {
 *     optimizer.zeroGrad();
 *     Tensor loss = model.forward(x).crossEntropy(targets);
 *     loss.backward();
 *     Optimizer.clipGradNorm(model.parameters(), 1f);
 *     optimizer.setLearningRate(schedule.at(step));
 *     optimizer.step();
 * }
 * }</pre>
 * Updates happen in place on the parameters' storage, outside the graph. Parameters without a
 * gradient (not used in the loss) are left alone. The arithmetic follows PyTorch's implementations
 * step for step, so results agree with {@code torch.optim} to float rounding.
 */
public sealed interface Optimizer permits Optimizer.SGD, Optimizer.Adam, Optimizer.AdamW {

    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Clears the gradients of all parameters. */
    void zeroGrad();

    /** The current learning rate. */
    float learningRate();

    /** Sets the learning rate for the next steps (a schedule calls this every step). */
    void setLearningRate(float learningRate);

    /** How many steps have been taken. */
    int steps();

    /**
     * The running state that a checkpoint needs to continue training exactly: per parameter (by its
     * index in the optimizer's order) the momentum or moment estimates and the number of updates, and
     * the step count. Tensors are copies.
     */
    Map<String, Tensor> stateDict();

    /**
     * Restores a {@link #stateDict()} taken from an optimizer of the same kind over parameters of
     * the same shapes, in the same order.
     *
     * @throws IllegalArgumentException if a tensor is missing, unexpected or has another shape (the message names it)
     */
    void loadStateDict(Map<String, Tensor> state);

    /**
     * Parameters that share a weight decay. Weight decay (权重衰减) pulls weights towards 0 and
     * suits the matrices of linear layers and embeddings; biases and normalisation scales are
     * usually left out ({@link #decayMatricesOnly}).
     */
    record ParamGroup(List<Tensor> parameters, float weightDecay) {
        /** Copies the list and checks that the weight decay is not negative. */
        public ParamGroup {
            parameters = List.copyOf(parameters);
            if (!(weightDecay >= 0f)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
        }

        /** Two groups, as in nanoGPT: tensors with 2 or more axes decay, vectors (biases, norm scales) do not. */
        public static List<ParamGroup> decayMatricesOnly(List<Tensor> parameters, float weightDecay) {
            return List.of(new ParamGroup(parameters.stream().filter(p -> p.rank() >= 2).toList(), weightDecay),
                    new ParamGroup(parameters.stream().filter(p -> p.rank() < 2).toList(), 0f));
        }
    }

    /**
     * Scales all gradients down together when their global L2 norm √(Σ g²) exceeds {@code maxNorm},
     * so one bad batch cannot throw the weights far (as {@code torch.nn.utils.clip_grad_norm_}).
     *
     * @return the norm before clipping (worth logging: spikes show instability)
     */
    static float clipGradNorm(List<Tensor> parameters, float maxNorm) {
        double squares = 0;
        for (Tensor p : parameters) {
            if (p.grad != null) {
                for (float g : p.grad) {
                    squares += (double) g * g;
                }
            }
        }
        float norm = (float) Math.sqrt(squares);
        float scale = (float) (maxNorm / (norm + 1e-6));
        if (scale < 1f) {
            for (Tensor p : parameters) {
                if (p.grad != null) {
                    for (int i = 0; i < p.grad.length; i++) {
                        p.grad[i] *= scale;
                    }
                }
            }
        }
        return norm;
    }

    /**
     * Stochastic gradient descent, optionally with momentum μ: v = μ·v + g, p = p - lr·v (v = g on
     * the first step). Weight decay here is L2: g = g + λ·p.
     */
    final class SGD implements Optimizer {
        private final OptimizerState params;
        private final float momentum, weightDecay;
        private float learningRate;

        /** Plain SGD (momentum 0) or with momentum. */
        public SGD(List<Tensor> parameters, float learningRate, float momentum) {
            this(parameters, learningRate, momentum, 0f);
        }

        /** SGD with momentum and L2 weight decay. */
        public SGD(List<Tensor> parameters, float learningRate, float momentum, float weightDecay) {
            this.params = new OptimizerState(List.of(new ParamGroup(parameters, weightDecay)), momentum != 0f ? List.of("momentum") : List.of());
            this.learningRate = learningRate;
            this.momentum = momentum;
            this.weightDecay = weightDecay;
        }

        @Override
        public void step() {
            params.steps++;
            for (int i = 0; i < params.size(); i++) {
                float[] p = params.values(i), g = params.gradient(i);
                if (g == null) {
                    continue;
                }
                float[] velocity = momentum != 0f ? params.state(i, 0) : null;
                for (int j = 0; j < p.length; j++) {
                    float d = g[j] + weightDecay * p[j];
                    if (velocity != null) { // starts at 0, so the first step sets v = g
                        velocity[j] = momentum * velocity[j] + d;
                        d = velocity[j];
                    }
                    p[j] -= learningRate * d;
                }
            }
        }

        @Override public void zeroGrad() { params.zeroGrad(); }
        @Override public float learningRate() { return learningRate; }
        @Override public void setLearningRate(float learningRate) { this.learningRate = learningRate; }
        @Override public int steps() { return params.steps; }
        @Override public Map<String, Tensor> stateDict() { return params.stateDict(); }
        @Override public void loadStateDict(Map<String, Tensor> state) { params.loadStateDict(state); }
    }

    /**
     * Adam: running averages of the gradient (m, momentum) and of its square (v, scale), with bias
     * correction for their start at zero; each parameter moves by about lr·m/√v. Weight decay here
     * is L2 (added to the gradient), which Adam's scaling weakens; prefer {@link AdamW}.
     */
    final class Adam implements Optimizer {
        private final OptimizerState params;
        private final float beta1, beta2, eps;
        private float learningRate;

        /** Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8 and no weight decay. */
        public Adam(List<Tensor> parameters, float learningRate) {
            this(parameters, learningRate, 0.9f, 0.999f, 1e-8f, 0f);
        }

        /** Adam with every setting given; weight decay is L2. */
        public Adam(List<Tensor> parameters, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
            this.params = new OptimizerState(List.of(new ParamGroup(parameters, weightDecay)), List.of("m", "v"));
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override
        public void step() {
            params.steps++;
            for (int i = 0; i < params.size(); i++) {
                if (params.gradient(i) != null) {
                    adamUpdate(params, i, learningRate, beta1, beta2, eps, params.weightDecay(i), false);
                }
            }
        }

        @Override public void zeroGrad() { params.zeroGrad(); }
        @Override public float learningRate() { return learningRate; }
        @Override public void setLearningRate(float learningRate) { this.learningRate = learningRate; }
        @Override public int steps() { return params.steps; }
        @Override public Map<String, Tensor> stateDict() { return params.stateDict(); }
        @Override public void loadStateDict(Map<String, Tensor> state) { params.loadStateDict(state); }
    }

    /**
     * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019). Each step first
     * shrinks a decaying parameter, p = p·(1 - lr·λ), then applies the Adam update, so the decay
     * does not pass through Adam's per-parameter scaling. The optimizer of GPT training.
     */
    final class AdamW implements Optimizer {
        private final OptimizerState params;
        private final float beta1, beta2, eps;
        private float learningRate;

        /** AdamW with β1 = 0.9, β2 = 0.999, ε = 1e-8; weight decay per group. */
        public AdamW(List<ParamGroup> groups, float learningRate) {
            this(groups, learningRate, 0.9f, 0.999f, 1e-8f);
        }

        /** AdamW with every setting given (nanoGPT uses β2 = 0.95). */
        public AdamW(List<ParamGroup> groups, float learningRate, float beta1, float beta2, float eps) {
            this.params = new OptimizerState(groups, List.of("m", "v"));
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override
        public void step() {
            params.steps++;
            for (int i = 0; i < params.size(); i++) {
                if (params.gradient(i) != null) {
                    adamUpdate(params, i, learningRate, beta1, beta2, eps, params.weightDecay(i), true);
                }
            }
        }

        @Override public void zeroGrad() { params.zeroGrad(); }
        @Override public float learningRate() { return learningRate; }
        @Override public void setLearningRate(float learningRate) { this.learningRate = learningRate; }
        @Override public int steps() { return params.steps; }
        @Override public Map<String, Tensor> stateDict() { return params.stateDict(); }
        @Override public void loadStateDict(Map<String, Tensor> state) { params.loadStateDict(state); }
    }

    /** One Adam(W) update of parameter i, in the order of PyTorch's implementation. */
    private static void adamUpdate(OptimizerState params, int i, float lr, float beta1, float beta2, float eps,
                                   float weightDecay, boolean decoupled) {
        float[] p = params.values(i), g = params.gradient(i), m = params.state(i, 0), v = params.state(i, 1);
        int t = params.countStep(i); // per parameter: one that had no gradient for a while has its own count
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float shrink = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        for (int j = 0; j < p.length; j++) {
            p[j] *= shrink;
            float grad = g[j] + l2 * p[j];
            m[j] = beta1 * m[j] + (1 - beta1) * grad;
            v[j] = beta2 * v[j] + (1 - beta2) * grad * grad;
            p[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) / correction2 + eps);
        }
    }
}

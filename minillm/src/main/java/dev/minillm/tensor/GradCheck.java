package dev.minillm.tensor;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Gradient checking (梯度检验): compares the gradients backpropagation computes with finite
 * differences, the definition of a derivative evaluated numerically:
 * <pre>
 *   ∂L/∂x_j ≈ (L(x + ε·e_j) - L(x - ε·e_j)) / 2ε
 * </pre>
 * The op under test may return any shape; it is turned into a scalar L = Σ y·r with a fixed
 * random r, which checks the whole Jacobian-vector product, not just the sum of the outputs.
 *
 * <pre>{@code
 * var x = Tensor.randn(1, 3, 4).requiresGrad(true);
 * GradCheck.check(in -> in[0].tanh(), x).orThrow();
 * }</pre>
 *
 * <p>Everything here is float32, which has about 7 significant digits. A central difference loses
 * digits to cancellation (the two values of L agree in most digits), so ε cannot be tiny, and the
 * remaining error is ~ε² from truncation plus ~(rounding of L)/ε. {@link Tolerance#FLOAT32} is
 * chosen for that; a real bug gives errors of order 1, many times larger.
 */
public final class GradCheck {

    /**
     * A finite-difference step and how close the gradients must be: an element passes when
     * |analytic - numeric| ≤ atol + rtol · max(|analytic|, |numeric|).
     */
    public record Tolerance(float eps, double atol, double rtol) {
        /**
         * For float32 ops on inputs of order 1: ε = 3e-3 balances the truncation error (~ε², which
         * dominates at ε = 1e-2) against rounding (~1e-7·|L|/ε, which dominates at ε = 1e-3); the
         * errors of the library's ops then stay below 4e-4.
         */
        public static final Tolerance FLOAT32 = new Tolerance(3e-3f, 1e-3, 1e-2);
    }

    /**
     * The outcome: whether every element passed, the largest absolute and relative errors, how
     * many elements were checked, and the worst one.
     */
    public record Result(boolean passed, double maxAbsError, double maxRelError, int checked, String worst) {
        /** Returns this result when it passed, else throws an {@link AssertionError} describing the worst element. */
        public Result orThrow() {
            if (!passed) {
                throw new AssertionError(toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "gradient check %s: %d elements, max abs error %.2e, max rel error %.2e%s",
                    passed ? "passed" : "FAILED", checked, maxAbsError, maxRelError, passed ? "" : "; worst: " + worst);
        }
    }

    private static final long PROJECTION_SEED = 20240229;

    private GradCheck() {}

    /** Checks with {@link Tolerance#FLOAT32}. */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(Tolerance.FLOAT32, f, inputs);
    }

    /**
     * Checks the gradient of {@code f} with respect to every input that has {@code requiresGrad(true)};
     * the others are constants. Inputs must be dense leaf tensors (they are perturbed in place and
     * restored). {@code f} must be deterministic: build any random mask inside it from a fixed seed.
     * Afterwards each checked input's {@link Tensor#grad()} holds the analytic gradient.
     */
    public static Result check(Tolerance tolerance, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor input : inputs) {
            if (!input.isLeaf() || !input.isDense()) {
                throw new IllegalArgumentException("GradCheck: inputs must be dense leaf tensors (made with a factory "
                        + "such as Tensor.randn), got one of shape " + Shapes.str(input.shape));
            }
            input.zeroGrad();
        }
        Tensor output = f.apply(inputs);
        Tensor projection = Tensor.randn(new SplittableRandom(PROJECTION_SEED), output.shape);
        if (output.requiresGrad) {
            output.backward(projection);
        }

        double maxAbs = 0, maxRel = 0, worstRatio = -1;
        int checked = 0;
        String worst = "";
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (!x.requiresGrad) {
                continue;
            }
            float[] analytic = x.grad == null ? new float[x.size()] : x.grad.clone();
            for (int j = 0; j < x.size(); j++) {
                double numeric = centralDifference(f, inputs, x, j, tolerance.eps(), projection);
                double error = Math.abs(analytic[j] - numeric);
                double scale = Math.max(Math.abs(analytic[j]), Math.abs(numeric));
                double ratio = error / (tolerance.atol() + tolerance.rtol() * scale);
                maxAbs = Math.max(maxAbs, error);
                maxRel = Math.max(maxRel, scale == 0 ? 0 : error / scale);
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = String.format(Locale.ROOT, "input %d element %s: analytic %.6g, numeric %.6g", i,
                            Shapes.str(Autograd.unravel(j, x.shape)), analytic[j], numeric);
                }
                checked++;
            }
        }
        if (checked == 0) {
            throw new IllegalArgumentException("GradCheck: no input has requiresGrad(true), so there is nothing to check");
        }
        return new Result(worstRatio <= 1, maxAbs, maxRel, checked, worst);
    }

    /** (L(x_j + ε) - L(x_j - ε)) / (actual distance between the two points), with L = Σ f(x)·r in double. */
    private static double centralDifference(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor x, int j, float eps,
                                            Tensor projection) {
        float original = x.data[j];
        float up = original + eps, down = original - eps; // rounded to float: divide by the real distance below
        try (var _ = Autograd.noGrad()) {
            x.data[j] = up;
            double above = project(f.apply(inputs), projection);
            x.data[j] = down;
            double below = project(f.apply(inputs), projection);
            return (above - below) / ((double) up - down);
        } finally {
            x.data[j] = original;
        }
    }

    private static double project(Tensor y, Tensor r) {
        float[] values = y.toArray(), weights = r.dense();
        double sum = 0;
        for (int k = 0; k < values.length; k++) {
            sum += (double) values[k] * weights[k];
        }
        return sum;
    }
}

package dev.minillm.exercises.ch03;

/**
 * Chapter 3 exercises: the engine under every later model, in ten static methods on plain arrays.
 *
 * <p>Backpropagation by hand, the shape arithmetic of tensors (broadcasting, strides, views), a
 * numerically stable log-sum-exp and the gradient of cross-entropy, one step of SGD with momentum
 * and of AdamW, the warmup-cosine learning rate, and the matrix product. Each method's Javadoc
 * gives the task, the formula, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code EngineTest}).
 *
 * <p>Everything here is {@code double}, so your answers can be checked to 1e-12; the library does
 * the same in {@code float}. Compare your code with {@code dev.minillm.tensor} once it passes.
 */
public final class Engine {

    private Engine() {
    }

    /**
     * Exercise 1: backpropagation by hand through L = tanh(a·b + c) · a.
     *
     * <p>Compute the forward pass node by node (e = a·b, d = e + c, t = tanh(d), L = t·a), then walk
     * back from dL/dL = 1, applying each node's local derivative: for a product x·y the gradient
     * passes to x multiplied by y and to y multiplied by x; a sum passes it unchanged to both inputs;
     * tanh multiplies it by 1 − t². Note that {@code a} is used twice, in e and in L: its gradient is
     * the <em>sum</em> of both contributions (this is why gradients accumulate with +=).
     *
     * <p>Worked example: a = 2, b = −1, c = 2 gives d = 0 and t = 0, so dL/dt = a = 2,
     * dL/dd = 2·(1 − 0) = 2, hence dL/dc = 2, dL/db = 2·a = 4 and dL/da = t + 2·b = 0 − 2 = −2.
     *
     * <p>Hint: write it as in {@code dev.minillm.tensor.Value}: one variable for each node's value,
     * then one for each node's gradient, from L back to the leaves.
     *
     * @return {dL/da, dL/db, dL/dc}
     */
    public static double[] scalarGradients(double a, double b, double c) {
        // forward, one variable per node
        double e = a * b;
        double d = e + c;
        double t = Math.tanh(d);
        // backward, from dL/dL = 1
        double gradT = a;                    // L = t·a: dL/dt = a
        double gradA = t;                    // ... and the direct path dL/da = t
        double gradD = gradT * (1 - t * t);  // tanh' = 1 - t²
        double gradE = gradD;                // d = e + c passes the gradient unchanged
        double gradC = gradD;
        gradA += gradE * b;                  // e = a·b: the second path into a adds up
        double gradB = gradE * a;
        return new double[] {gradA, gradB, gradC};
    }

    /**
     * Exercise 2: the shape of {@code x + y} under broadcasting (NumPy and PyTorch rules).
     *
     * <p>Align the two shapes at their <em>last</em> axis; a missing leading dimension counts as 1.
     * Two dimensions fit when they are equal or one of them is 1, and the result takes the other one
     * (so 1 with 0 gives 0). Examples: [4, 1, 3] and [5, 3] give [4, 5, 3]; [3, 1] and [1, 4] give
     * [3, 4]; [] (a scalar) and [2, 3] give [2, 3]; [2, 3] and [2] do not fit.
     *
     * <p>Edge cases: the inputs are not changed; the result has the length of the longer shape.
     *
     * <p>Hint: loop over i = 1 .. max(rank) and look at {@code a[a.length - i]} (or 1 when i &gt; a.length).
     *
     * @throws IllegalArgumentException if two aligned dimensions differ and neither is 1; the
     *         message should name both shapes
     */
    public static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] result = new int[rank];
        for (int i = 1; i <= rank; i++) { // i-th axis from the end
            int da = i <= a.length ? a[a.length - i] : 1;
            int db = i <= b.length ? b[b.length - i] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + java.util.Arrays.toString(a) + " and "
                        + java.util.Arrays.toString(b) + " do not broadcast: axis " + -i + " has " + da + " vs " + db);
            }
            result[rank - i] = da == 1 ? db : da;
        }
        return result;
    }

    /**
     * Exercise 3: the row-major (C-order) strides of a freshly allocated tensor.
     *
     * <p>The stride of an axis is how far apart in the flat storage array two neighbours along that
     * axis are. In row-major order the last axis has stride 1 and every other axis has the product
     * of all later dimensions: shape [2, 3, 4] has strides [12, 4, 1], so element (i, j, k) sits
     * at index 12·i + 4·j + k. A scalar (shape []) has no strides.
     *
     * <p>Edge cases: a dimension of 1 gets a stride like any other ([1, 5, 1] gives [5, 1, 1]).
     *
     * <p>Hint: walk the axes from the last to the first, keeping a running product.
     */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int product = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            strides[axis] = product;
            product *= shape[axis];
        }
        return strides;
    }

    /**
     * Exercise 4: read a strided view into a new array, in row-major order of its shape.
     *
     * <p>A view is storage plus (offset, shape, strides): element (i₀, i₁, ...) of the view is
     * {@code data[offset + i₀·strides[0] + i₁·strides[1] + ...]}. Views are how a tensor library
     * transposes (swap two strides), slices (move the offset) and broadcasts (stride 0) without
     * copying. Examples on {@code data = {0, 1, 2, 3, 4, 5}}: the transpose of the 2×3 matrix is
     * shape [3, 2], strides [1, 3], and reads {0, 3, 1, 4, 2, 5}; shape [2, 3] with strides [0, 1]
     * repeats the first row: {0, 1, 2, 0, 1, 2}.
     *
     * <p>Edge cases: shape [] is a single element, {@code data[offset]}; a zero dimension gives an
     * empty array.
     *
     * <p>Hint: keep a multi-index ("odometer") that you advance like a car's mileage counter, last
     * axis fastest; or recurse over the axes.
     *
     * @throws IllegalArgumentException if shape and strides differ in length
     */
    public static double[] gather(double[] data, int offset, int[] shape, int[] strides) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape has " + shape.length + " axes but strides has " + strides.length);
        }
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] result = new double[size];
        int[] index = new int[shape.length]; // the odometer, last axis fastest
        for (int n = 0; n < size; n++) {
            int position = offset;
            for (int axis = 0; axis < shape.length; axis++) {
                position += index[axis] * strides[axis];
            }
            result[n] = data[position];
            for (int axis = shape.length - 1; axis >= 0; axis--) { // advance, carrying into earlier axes
                if (++index[axis] < shape[axis]) {
                    break;
                }
                index[axis] = 0;
            }
        }
        return result;
    }

    /**
     * Exercise 5: log Σ exp(xᵢ), without overflow or underflow.
     *
     * <p>exp(1000) is infinite in floating point and exp(−1000) is 0, so the direct formula fails for
     * large or very negative inputs. Subtract the maximum m first:
     * log Σ exp(xᵢ) = m + log Σ exp(xᵢ − m). Now every exponent is ≤ 0 and the largest term is 1.
     * Examples: {0, 0} gives ln 2; {1000, 1000} gives 1000 + ln 2; {−1000, −1000} gives −1000 + ln 2.
     *
     * <p>Edge cases: an empty array, and an array of only −∞ (every position masked), give −∞ (the
     * log of an empty sum); do not compute −∞ − (−∞), which is NaN.
     */
    public static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : x) {
            max = Math.max(max, value);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max; // empty, or everything masked: the log of an empty sum
        }
        double sum = 0;
        for (double value : x) {
            sum += Math.exp(value - max); // every exponent <= 0, the largest term is exactly 1
        }
        return max + Math.log(sum);
    }

    /**
     * Exercise 6: the gradient of the cross-entropy loss with respect to the logits.
     *
     * <p>For logits z and the correct class y, the loss is L = −log softmax(z)_y = logsumexp(z) − z_y,
     * and its gradient is ∂L/∂zⱼ = softmax(z)ⱼ − [j = y]: the predicted probabilities minus the
     * one-hot target. Example: z = {0, 0, 0, 0}, y = 1 gives {0.25, −0.75, 0.25, 0.25}. The entries
     * always sum to 0.
     *
     * <p>Edge cases: must work for logits like {1000, 0} (use exercise 5: softmax(z)ⱼ =
     * exp(zⱼ − logsumexp(z))).
     *
     * @throws IndexOutOfBoundsException if {@code target} is not in [0, logits.length)
     */
    public static double[] crossEntropyGradient(double[] logits, int target) {
        if (target < 0 || target >= logits.length) {
            throw new IndexOutOfBoundsException("target " + target + " is not a class in [0, " + logits.length + ")");
        }
        double logSum = logSumExp(logits);
        double[] gradient = new double[logits.length];
        for (int j = 0; j < logits.length; j++) {
            gradient[j] = Math.exp(logits[j] - logSum); // softmax, computed stably
        }
        gradient[target] -= 1;
        return gradient;
    }

    /**
     * Exercise 7: one step of SGD with momentum, in place (PyTorch's {@code torch.optim.SGD}).
     *
     * <p>For every element: v ← μ·v + g, then p ← p − lr·v. The velocity v remembers past gradients,
     * so steps grow along directions where the gradient keeps its sign and cancel where it flips.
     * With μ = 0 this is plain gradient descent. Example: p = {1, −2}, g = {0.5, 1}, v = {0, 0},
     * lr = 0.1, μ = 0.9 gives v = {0.5, 1} and p = {0.95, −2.1}; the same g again gives
     * v = {0.95, 1.9} and p = {0.855, −2.29}.
     *
     * @throws IllegalArgumentException if the three arrays differ in length
     */
    public static void sgdMomentumStep(double[] params, double[] grads, double[] velocity, double lr, double momentum) {
        if (grads.length != params.length || velocity.length != params.length) {
            throw new IllegalArgumentException("params, grads and velocity must have one length, got "
                    + params.length + ", " + grads.length + ", " + velocity.length);
        }
        for (int i = 0; i < params.length; i++) {
            velocity[i] = momentum * velocity[i] + grads[i];
            params[i] -= lr * velocity[i];
        }
    }

    /**
     * Exercise 8: one step of AdamW, in place (Loshchilov and Hutter; PyTorch's {@code torch.optim.AdamW}).
     *
     * <p>For step number t (1 for the first step) and every element:
     * <pre>
     *   p ← p·(1 − lr·λ)                        decoupled weight decay, before the update
     *   m ← β₁·m + (1 − β₁)·g                   running mean of the gradient
     *   v ← β₂·v + (1 − β₂)·g²                  running mean of its square
     *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   bias correction: m and v start at 0
     *   p ← p − lr·m̂ / (√v̂ + ε)
     * </pre>
     * On the first step m̂ = g and v̂ = g², so every parameter with a non-zero gradient moves by
     * about lr against the sign of its gradient, whatever the gradient's size.
     *
     * @param step t, counted from 1
     * @throws IllegalArgumentException if {@code step < 1} or the arrays differ in length
     */
    public static void adamWStep(double[] params, double[] grads, double[] m, double[] v, int step,
                                 double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (step < 1) {
            throw new IllegalArgumentException("step is counted from 1, got " + step);
        }
        if (grads.length != params.length || m.length != params.length || v.length != params.length) {
            throw new IllegalArgumentException("params, grads, m and v must have one length");
        }
        double correction1 = 1 - Math.pow(beta1, step), correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < params.length; i++) {
            params[i] *= 1 - lr * weightDecay; // decoupled: not part of the gradient
            m[i] = beta1 * m[i] + (1 - beta1) * grads[i];
            v[i] = beta2 * v[i] + (1 - beta2) * grads[i] * grads[i];
            double mHat = m[i] / correction1, vHat = v[i] / correction2;
            params[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    /**
     * Exercise 9: the learning rate at a step of a linear-warmup, cosine-decay schedule (as nanoGPT).
     *
     * <ul>
     *   <li>step &lt; warmupSteps: maxLr·(step + 1)/warmupSteps (so step 0 already has a small rate);</li>
     *   <li>warmupSteps ≤ step ≤ decaySteps: minLr + ½·(1 + cos(π·r))·(maxLr − minLr), with
     *       r = (step − warmupSteps)/(decaySteps − warmupSteps);</li>
     *   <li>step &gt; decaySteps: minLr.</li>
     * </ul>
     * Example: maxLr = 1, minLr = 0.1, warmup 10, decay 110: step 0 → 0.1, step 4 → 0.5, step 10 → 1,
     * step 60 (halfway) → 0.55, step 110 and later → 0.1.
     *
     * <p>Edge case: when decaySteps == warmupSteps there is no cosine part: return minLr from
     * warmupSteps on (do not divide by zero).
     *
     * @throws IllegalArgumentException unless 0 ≤ warmupSteps ≤ decaySteps and 0 ≤ minLr ≤ maxLr
     */
    public static double warmupCosine(int step, double maxLr, double minLr, int warmupSteps, int decaySteps) {
        if (warmupSteps < 0 || decaySteps < warmupSteps || !(minLr >= 0) || !(maxLr >= minLr)) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= decaySteps and 0 <= minLr <= maxLr, got warmup "
                    + warmupSteps + ", decay " + decaySteps + ", minLr " + minLr + ", maxLr " + maxLr);
        }
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step > decaySteps || decaySteps == warmupSteps) {
            return minLr;
        }
        double r = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
        return minLr + 0.5 * (1 + Math.cos(Math.PI * r)) * (maxLr - minLr);
    }

    /**
     * Exercise 10: the matrix product C = A·B, the textbook way.
     *
     * <p>A is m×k and B is k×n, as arrays of rows; C is m×n with C[i][j] = Σₚ A[i][p]·B[p][j]. This
     * is chapter 3's NAIVE kernel; the chapter explains why the loop order i-p-j is faster in Java,
     * and you may use it. Example: {{1, 2}, {3, 4}}·{{5, 6}, {7, 8}} = {{19, 22}, {43, 50}}.
     *
     * <p>Edge cases: the inputs are not changed; all rows of a matrix have the same length.
     *
     * @throws IllegalArgumentException if a row of A does not have as many entries as B has rows
     */
    public static double[][] matmul(double[][] a, double[][] b) {
        int m = a.length, k = b.length, n = k == 0 ? 0 : b[0].length;
        for (int i = 0; i < m; i++) {
            if (a[i].length != k) {
                throw new IllegalArgumentException("A's row " + i + " has " + a[i].length + " entries but B has "
                        + k + " rows");
            }
        }
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) { // i-p-j: the inner loop walks row p of B and row i of C
                double aip = a[i][p];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aip * b[p][j];
                }
            }
        }
        return c;
    }
}

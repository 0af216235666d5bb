package dev.minillm.ngram;

import java.util.Arrays;

/**
 * A way to turn n-gram counts into probabilities P(w | h), where h is the context of the last
 * {@code order - 1} tokens. Every estimate except {@link Mle} gives unseen events some probability.
 */
public sealed interface Smoothing {

    /**
     * P(next | context) under this estimate.
     *
     * @param counts the n-gram counts of the training text
     * @param order the model's order n; only the last n-1 ids of {@code context} are used
     * @param context token ids before the predicted one, padded with BOS at the start
     * @param next the id of the token whose probability is asked for
     */
    double probability(NgramCounts counts, int order, int[] context, int next);

    /** Short name for tables. */
    String label();

    /**
     * Maximum likelihood: c(h, w) / c(h). Anything not seen in training gets probability 0,
     * including every token after a context never seen (0/0 is taken as 0).
     */
    record Mle() implements Smoothing {
        @Override
        public double probability(NgramCounts counts, int order, int[] context, int next) {
            Continuations seen = counts.raw(order, context);
            return seen == null ? 0.0 : (double) seen.count(next) / seen.total();
        }

        @Override
        public String label() {
            return "MLE";
        }
    }

    /**
     * Add-k (Laplace when k = 1): pretend every token followed every context k more times,
     * (c(h, w) + k) / (c(h) + k V), with V the number of predictable tokens.
     */
    record AddK(double k) implements Smoothing {
        public AddK {
            if (!(k >= 0) || Double.isInfinite(k)) {
                throw new IllegalArgumentException("add-k smoothing needs a finite k >= 0, got " + k);
            }
        }

        @Override
        public double probability(NgramCounts counts, int order, int[] context, int next) {
            Continuations seen = counts.raw(order, context);
            long total = seen == null ? 0 : seen.total();
            int count = seen == null ? 0 : seen.count(next);
            double denominator = total + k * counts.vocabulary().predictableSize();
            return denominator == 0 ? 0.0 : (count + k) / denominator;
        }

        @Override
        public String label() {
            return "add-" + (k == Math.rint(k) ? String.valueOf((long) k) : String.valueOf(k));
        }
    }

    /**
     * Linear interpolation (Jelinek-Mercer): a weighted mix of the maximum-likelihood estimates of
     * every order, sum over k of lambda[k] * P_MLE(w | last k-1 tokens). lambda[0] weighs the
     * uniform distribution 1/V ("order 0"), so no token ever gets probability 0. When a context
     * was never seen, its weight moves to the next shorter context, so the mix still sums to 1.
     *
     * @param lambdas one weight per order 0..n, non-negative, summing to 1
     */
    record Interpolation(double... lambdas) implements Smoothing {
        public Interpolation {
            lambdas = lambdas.clone();
            double sum = Arrays.stream(lambdas).sum();
            if (lambdas.length < 2 || Arrays.stream(lambdas).anyMatch(l -> !(l >= 0)) || Math.abs(sum - 1) > 1e-9) {
                throw new IllegalArgumentException("interpolation needs weights for orders 0..n that are >= 0 and sum"
                        + " to 1, got " + Arrays.toString(lambdas) + " (sum " + sum + ")");
            }
        }

        /** Weights that grow with the order: lambda[k] proportional to 2^k, so longer contexts count more. */
        public static Interpolation favouringLongContexts(int order) {
            double[] lambdas = new double[order + 1];
            double sum = 0;
            for (int k = 0; k <= order; k++) {
                sum += lambdas[k] = Math.pow(2, k);
            }
            for (int k = 0; k <= order; k++) {
                lambdas[k] /= sum;
            }
            return new Interpolation(lambdas);
        }

        @Override
        public double probability(NgramCounts counts, int order, int[] context, int next) {
            if (lambdas.length != order + 1) {
                throw new IllegalArgumentException("an order-" + order + " model needs " + (order + 1)
                        + " interpolation weights (orders 0.." + order + "), got " + lambdas.length);
            }
            // A context never seen has no estimate: its weight moves down to the next shorter context.
            double p = 0;
            double carried = 0;
            for (int k = order; k >= 1; k--) {
                Continuations seen = counts.raw(k, context);
                double weight = lambdas[k] + carried;
                carried = seen == null ? weight : 0;
                if (seen != null) {
                    p += weight * seen.count(next) / seen.total();
                }
            }
            return p + (lambdas[0] + carried) / counts.vocabulary().predictableSize();
        }

        @Override
        public String label() {
            return "interpolated";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Interpolation other && Arrays.equals(lambdas, other.lambdas);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(lambdas);
        }

        @Override
        public String toString() {
            return "Interpolation" + Arrays.toString(lambdas);
        }
    }

    /**
     * Interpolated Kneser-Ney. Subtract a discount D from every seen count and give the saved mass
     * to the next lower order, whose counts are replaced by continuation counts: in how many
     * different contexts a token appeared, not how often. ("Francisco" is frequent but follows
     * almost only "San", so it makes a poor guess after a new word.) The lowest order falls back to
     * the uniform distribution, so unknown tokens get a little probability too.
     *
     * @param discount D in (0, 1), or NaN to estimate it per order as n1 / (n1 + 2 n2) from the
     *     counts of n-grams seen once (n1) and twice (n2)
     */
    record KneserNey(double discount) implements Smoothing {
        public KneserNey {
            if (!Double.isNaN(discount) && !(discount > 0 && discount < 1)) {
                throw new IllegalArgumentException("Kneser-Ney discount must be in (0, 1), got " + discount);
            }
        }

        /** Kneser-Ney with the discount of each order estimated from the counts. */
        public KneserNey() {
            this(Double.NaN);
        }

        @Override
        public double probability(NgramCounts counts, int order, int[] context, int next) {
            return probability(counts, order, order, context, next);
        }

        /** P_k(w | h) for k = level; the top level uses raw counts, lower ones continuation counts. */
        private double probability(NgramCounts counts, int top, int level, int[] context, int next) {
            double uniform = 1.0 / counts.vocabulary().predictableSize();
            if (level == 0) {
                return uniform;
            }
            double lower = probability(counts, top, level - 1, context, next);
            Continuations seen = level == top ? counts.raw(level, context) : counts.continuation(level, context);
            if (seen == null) {
                return lower; // context never seen: all mass goes to the shorter context
            }
            double d = discountFor(counts, level);
            return (Math.max(seen.count(next) - d, 0) + d * seen.distinct() * lower) / seen.total();
        }

        /** The fixed discount, or the one estimated from the counts of this order. */
        public double discountFor(NgramCounts counts, int order) {
            return Double.isNaN(discount) ? counts.estimatedDiscount(order) : discount;
        }

        @Override
        public String label() {
            return "Kneser-Ney";
        }
    }
}

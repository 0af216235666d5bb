package dev.minillm.nn;

import java.util.random.RandomGenerator;

/**
 * Drawing the next token from a model's logits. The temperature (温度) divides the logits before
 * the softmax: below 1 the likely tokens get likelier (safer, more repetitive text), above 1 the
 * distribution flattens (more surprising text); 0 means always the most likely token. Chapter 9
 * adds top-k, top-p and beam search.
 */
public final class Sampling {

    private Sampling() {}

    /**
     * One token id drawn from softmax(logits / temperature), or the arg max when the temperature is 0.
     *
     * @throws IllegalArgumentException if the temperature is negative or not finite, or there are no logits
     */
    public static int sample(float[] logits, float temperature, RandomGenerator random) {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("sample: no logits");
        }
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (temperature == 0f) {
            return best;
        }
        double[] p = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) { // subtract the maximum so exp never overflows
            p[i] = Math.exp((logits[i] - logits[best]) / (double) temperature);
            total += p[i];
        }
        double u = random.nextDouble() * total; // inverse CDF: walk until the running sum passes u
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return best; // only reached through rounding when u lands at the very end
    }
}

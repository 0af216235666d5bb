package dev.minillm.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every way to cut one word into pieces of a vocabulary, as a graph: the nodes are the positions
 * between characters 0..n, and an edge from {@code begin} to {@code end} is a piece that spells
 * those characters. A segmentation is a path from 0 to n; its log-probability under a unigram
 * model is the sum of its pieces' scores (log-probabilities).
 *
 * <p>A character that no one-character piece spells gets an <em>unknown</em> edge (piece -1) with
 * a penalty score, so a path always exists; the tokenizer writes it as bytes (byte fallback).
 */
final class Lattice {

    /** One edge: characters {@code [begin, end)} of the word, spelt by a piece (-1: an unknown character). */
    record Edge(int begin, int end, int piece) {}

    private final int length;
    /** endingAt.get(end): the edges that end at position end. */
    private final List<List<Edge>> endingAt = new ArrayList<>();

    /**
     * The lattice of {@code codePoints[from, to)}; a negative code point is a character no piece may contain.
     *
     * @param pieces    piece text to piece index
     * @param maxLength the longest piece, in characters
     * @param excluded  a piece to leave out (-1 for none): the lattice of a piece without itself
     */
    Lattice(int[] codePoints, int from, int to, Map<String, Integer> pieces, int maxLength, int excluded) {
        length = to - from;
        for (int i = 0; i <= length; i++) {
            endingAt.add(new ArrayList<>(2));
        }
        for (int begin = 0; begin < length; begin++) {
            boolean spelt = false;
            var text = new StringBuilder();
            for (int end = begin + 1; end <= Math.min(length, begin + maxLength); end++) {
                int cp = codePoints[from + end - 1];
                if (cp < 0) {
                    break;
                }
                text.appendCodePoint(cp);
                Integer piece = pieces.get(text.toString());
                if (piece != null && piece != excluded) {
                    endingAt.get(end).add(new Edge(begin, end, piece));
                    spelt |= end == begin + 1;
                }
            }
            if (!spelt) {
                endingAt.get(begin + 1).add(new Edge(begin, begin + 1, -1));
            }
        }
    }

    /**
     * The most probable segmentation (Viterbi): for each position, the best score of a path from 0
     * and the edge it arrives by; then walk back from the end.
     */
    List<Edge> viterbi(double[] scores, double unknownScore) {
        double[] best = new double[length + 1];
        Edge[] arrivedBy = new Edge[length + 1];
        for (int end = 1; end <= length; end++) {
            best[end] = Double.NEGATIVE_INFINITY;
            for (Edge edge : endingAt.get(end)) {
                double score = best[edge.begin()] + score(edge, scores, unknownScore);
                if (score > best[end]) {
                    best[end] = score;
                    arrivedBy[end] = edge;
                }
            }
        }
        List<Edge> path = new ArrayList<>();
        for (int at = length; at > 0; at = arrivedBy[at].begin()) {
            path.addFirst(arrivedBy[at]);
        }
        return path;
    }

    /**
     * The E-step of EM for one word: adds {@code weight} times the expected number of times each
     * piece is used, over all segmentations weighted by their probability, to {@code expected}.
     * Forward (alpha) and backward (beta) sums in log space; returns the word's log-likelihood.
     */
    double addExpectedCounts(double[] scores, double unknownScore, double weight, double[] expected) {
        double[] alpha = new double[length + 1]; // log P(all paths from 0 to i)
        double[] beta = new double[length + 1];  // log P(all paths from i to the end)
        java.util.Arrays.fill(alpha, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(beta, Double.NEGATIVE_INFINITY);
        alpha[0] = 0;
        beta[length] = 0;
        for (int end = 1; end <= length; end++) {
            for (Edge edge : endingAt.get(end)) {
                alpha[end] = logAdd(alpha[end], alpha[edge.begin()] + score(edge, scores, unknownScore));
            }
        }
        for (int end = length; end >= 1; end--) { // beta[end] is complete before its edges read it
            for (Edge edge : endingAt.get(end)) {
                beta[edge.begin()] = logAdd(beta[edge.begin()], score(edge, scores, unknownScore) + beta[end]);
            }
        }
        double logZ = alpha[length];
        for (int end = 1; end <= length; end++) {
            for (Edge edge : endingAt.get(end)) {
                if (edge.piece() >= 0) {
                    double logPosterior = alpha[edge.begin()] + scores[edge.piece()] + beta[end] - logZ;
                    expected[edge.piece()] += weight * Math.exp(logPosterior);
                }
            }
        }
        return logZ;
    }

    private static double score(Edge edge, double[] scores, double unknownScore) {
        return edge.piece() >= 0 ? scores[edge.piece()] : unknownScore;
    }

    /** log(e^a + e^b) without overflow. */
    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double max = Math.max(a, b);
        return max + Math.log1p(Math.exp(-Math.abs(a - b)));
    }
}

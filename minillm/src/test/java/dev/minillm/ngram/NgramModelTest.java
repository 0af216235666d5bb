package dev.minillm.ngram;

import dev.minillm.common.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class NgramModelTest {

    /** Words: "the cat sat" / "the cat ran" / "a dog sat". */
    static final Corpus PETS = Corpus.of("pets", "the cat sat\n\nthe cat ran\n\na dog sat");

    static NgramModel words(int order, Smoothing smoothing) {
        return NgramModel.train(PETS, Level.WORD, order, smoothing);
    }

    @Test
    void maximumLikelihoodIsCountOverContextCount() {
        var bigram = words(2, new Smoothing.Mle());
        assertThat(bigram.probability(List.of("the"), "cat")).isEqualTo(1.0);
        assertThat(bigram.probability(List.of("cat"), "sat")).isEqualTo(0.5);
        assertThat(bigram.probability(List.of("cat"), "dog")).isEqualTo(0.0);
        // The first word follows <s>: 2 of 3 sequences start with "the".
        assertThat(bigram.probability(List.of(), "the")).isCloseTo(2 / 3.0, within(1e-12));
        var unigram = words(1, new Smoothing.Mle());
        // 9 words + 3 end-of-sequence tokens = 12 predicted positions; "sat" is 2 of them.
        assertThat(unigram.probability(List.of(), "sat")).isCloseTo(2 / 12.0, within(1e-12));
        assertThat(unigram.probability(List.of(), Vocabulary.EOS)).isCloseTo(3 / 12.0, within(1e-12));
    }

    @Test
    void maximumLikelihoodGivesUnseenContextsNothing() {
        var trigram = words(3, new Smoothing.Mle());
        assertThat(trigram.probability(List.of("dog", "cat"), "sat")).isZero();
        assertThatThrownBy(() -> trigram.sample("dog cat", 1, 5))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never saw");
    }

    @Test
    void addKFollowsItsFormula() {
        var model = words(2, new Smoothing.AddK(0.5));
        int v = model.vocabulary().predictableSize(); // 6 words + </s> + <unk> = 8
        assertThat(v).isEqualTo(8);
        assertThat(model.probability(List.of("cat"), "sat")).isCloseTo((1 + 0.5) / (2 + 0.5 * v), within(1e-12));
        assertThat(model.probability(List.of("zebra"), "sat")).isCloseTo(1.0 / v, within(1e-12));
    }

    @Test
    void interpolationMixesOrdersAndPassesWeightDownFromUnseenContexts() {
        var model = words(2, new Smoothing.Interpolation(0.2, 0.3, 0.5));
        int v = model.vocabulary().predictableSize();
        double unigram = 2 / 12.0;
        assertThat(model.probability(List.of("cat"), "sat")).isCloseTo(0.2 / v + 0.3 * unigram + 0.5 * 0.5, within(1e-12));
        // "zebra" is <unk>, a context never seen: its 0.5 goes to the unigram estimate.
        assertThat(model.probability(List.of("zebra"), "sat")).isCloseTo(0.2 / v + 0.8 * unigram, within(1e-12));
    }

    static Stream<Smoothing> distributions() {
        return Stream.of(new Smoothing.AddK(1), new Smoothing.AddK(0.01), new Smoothing.KneserNey(),
                new Smoothing.KneserNey(0.5), Smoothing.Interpolation.favouringLongContexts(3));
    }

    @ParameterizedTest
    @MethodSource("distributions")
    void everyEstimateIsAProbabilityDistributionOverTheNextToken(Smoothing smoothing) {
        var model = NgramModel.train(Corpus.english().split(10).validation(), Level.CHAR, 3, smoothing);
        for (List<String> context : List.of(List.of("t", "h"), List.of("q", "z"), List.<String>of(), List.of(" ", "a"))) {
            double sum = IntStream.range(Vocabulary.EOS_ID, model.vocabulary().size())
                    .mapToDouble(id -> model.probability(context, model.vocabulary().token(id))).sum();
            assertThat(sum).as("%s after %s", smoothing.label(), context).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void kneserNeyUsesContinuationCountsForLowerOrders() {
        // "francisco" is frequent but follows only "san"; "dog" is rarer but follows many words.
        var corpus = Corpus.of("kn", "san francisco", "san francisco", "san francisco", "san francisco",
                "a dog", "the dog", "my dog", "his dog");
        var counts = NgramModel.train(corpus, Level.WORD, 2, new Smoothing.KneserNey()).counts();
        var vocabulary = counts.vocabulary();
        var unigramContinuations = counts.continuation(1, new int[0]);
        assertThat(unigramContinuations.count(vocabulary.id("francisco"))).isEqualTo(1);
        assertThat(unigramContinuations.count(vocabulary.id("dog"))).isEqualTo(4);
        var model = NgramModel.train(corpus, Level.WORD, 2, new Smoothing.KneserNey());
        // After a context never seen, only the continuation counts speak: "dog" is the better guess,
        // although raw counts (4 and 4) cannot tell the two apart.
        assertThat(model.probability(List.of("zebra"), "francisco"))
                .isLessThan(model.probability(List.of("zebra"), "dog") / 2);
        assertThat(new Smoothing.KneserNey().discountFor(counts, 2)).isBetween(0.05, 0.95);
    }

    @Test
    void perplexityOfAUniformGuessIsTheVocabularySize() {
        var model = words(1, new Smoothing.AddK(1e9)); // k so large that counts no longer matter
        var evaluation = model.evaluate(PETS);
        assertThat(evaluation.perplexity()).isCloseTo(model.vocabulary().predictableSize(), within(1e-3));
        assertThat(evaluation.tokens()).isEqualTo(12);
        assertThat(evaluation.bitsPerToken()).isCloseTo(Math.log(8) / Math.log(2), within(1e-6));
    }

    @Test
    void unseenHeldOutTokensMakeMaximumLikelihoodPerplexityInfinite() {
        var model = words(2, new Smoothing.Mle());
        var evaluation = model.evaluate(Corpus.of("new", "the zebra sat"));
        assertThat(evaluation.perplexity()).isInfinite();
        assertThat(evaluation.unknownTokens()).isEqualTo(1);
        assertThat(evaluation.zeroProbabilityTokens()).isEqualTo(2); // zebra after the; sat after <unk>
        assertThat(model.with(2, new Smoothing.KneserNey()).perplexity(Corpus.of("new", "the zebra sat"))).isFinite();
    }

    @Test
    void logProbabilityOfATextIsTheChainRuleSum() {
        var bigram = words(2, new Smoothing.Mle());
        // P(the | <s>) P(cat | the) P(sat | cat) P(</s> | sat) = 2/3 * 1 * 1/2 * 1
        assertThat(bigram.logProbability("the cat sat")).isCloseTo(Math.log(2 / 3.0 * 0.5), within(1e-12));
        assertThat(bigram.logProbability("sat cat the")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void theSameSeedGivesTheSameText() {
        var model = NgramModel.train(Corpus.english(), Level.CHAR, 4, new Smoothing.KneserNey());
        assertThat(model.sample(7, 120)).isEqualTo(model.sample(7, 120));
        assertThat(model.sample(7, 120)).isNotEqualTo(model.sample(8, 120));
        assertThat(model.sample("The ", 3, 40)).startsWith("The ");
    }

    @Test
    void maximumLikelihoodSamplesOnlyContainSeenNgrams() {
        var model = words(2, new Smoothing.Mle());
        for (long seed = 0; seed < 20; seed++) {
            String text = model.sample(seed, 10);
            assertThat(List.of("the cat sat", "the cat ran", "a dog sat")).contains(text);
        }
    }

    @Test
    void mostLikelyNextIsSortedAndNeverOffersBeginOfSequence() {
        var predictions = words(2, new Smoothing.KneserNey()).mostLikelyNext(List.of("the"), 3);
        assertThat(predictions).hasSize(3);
        assertThat(predictions.getFirst().token()).isEqualTo("cat");
        assertThat(predictions).extracting(NgramModel.Prediction::token).doesNotContain(Vocabulary.BOS);
        assertThat(predictions.get(0).probability()).isGreaterThanOrEqualTo(predictions.get(1).probability());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> words(0, new Smoothing.Mle())).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Smoothing.AddK(-1)).hasMessageContaining("k >= 0");
        assertThatThrownBy(() -> new Smoothing.KneserNey(1.5)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> new Smoothing.Interpolation(0.5, 0.6)).hasMessageContaining("sum");
        assertThatThrownBy(() -> words(3, new Smoothing.Interpolation(0.5, 0.5)).probability(List.of("a"), "dog"))
                .hasMessageContaining("needs 4 interpolation weights");
        assertThatThrownBy(() -> words(2, new Smoothing.Mle()).probability(List.of(), Vocabulary.BOS))
                .hasMessageContaining("never predicts");
        assertThatThrownBy(() -> words(2, new Smoothing.Mle()).with(3, new Smoothing.Mle()))
                .hasMessageContaining("counts up to that order");
        assertThatThrownBy(() -> NgramModel.train(Corpus.of("blank", "x"), Level.WORD, 2, new Smoothing.Mle())
                .evaluate(Corpus.of("punctuation only", "   ")))
                .hasMessageContaining("empty");
    }

    @Test
    void unknownTokensReadAsUnk() {
        var model = words(1, new Smoothing.AddK(1));
        assertThat(model.vocabulary().id("zebra")).isEqualTo(Vocabulary.UNK_ID);
        assertThat(model.probability(List.of(), "zebra")).isEqualTo(model.probability(List.of(), Vocabulary.UNK));
        assertThat(model.probability(List.of(), "zebra")).isPositive();
    }
}

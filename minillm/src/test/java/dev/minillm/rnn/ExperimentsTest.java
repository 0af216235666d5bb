package dev.minillm.rnn;

import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tokenize.CharTokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The chapter's two gradient experiments, on small sizes. */
class ExperimentsTest {

    @Test
    void gradientsVanishFasterThroughAPlainRnnThanThroughAnLstm() {
        var config = VanishingGradients.Config.defaults().withLength(40);
        var table = VanishingGradients.measure(config);
        assertThat(table.columnNames()).containsExactly("step", "steps back", "RNN", "LSTM", "GRU");
        assertThat(table.rowCount()).isEqualTo(40);
        double rnnFirst = table.doubleColumn("RNN").get(0), rnnLast = table.doubleColumn("RNN").get(39);
        double lstmFirst = table.doubleColumn("LSTM").get(0), lstmLast = table.doubleColumn("LSTM").get(39);
        assertThat(rnnFirst / rnnLast).as("RNN: 39 steps back").isLessThan(1e-8);
        assertThat(lstmFirst / lstmLast).as("LSTM keeps far more").isGreaterThan(1000 * rnnFirst / rnnLast);
        var chart = VanishingGradients.chart(table);
        assertThat(chart.getSeriesMap().keySet()).containsExactly("RNN", "LSTM", "GRU");
        assertThat(Plots.image(chart).getWidth()).isEqualTo(720);
        assertThat(VanishingGradients.measure(config).doubleColumn("GRU").asDoubleArray())
                .as("deterministic").containsExactly(table.doubleColumn("GRU").asDoubleArray());
    }

    @Test
    void clippingTamesTheExplodingGradientsOfLargeRecurrentWeights() {
        var corpus = Corpus.english();
        var tokenizer = CharTokenizer.train(corpus.text());
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        var defaults = ClippingExperiment.Config.defaults(tokenizer.vocabSize());
        var config = new ClippingExperiment.Config(defaults.model(), defaults.recurrentScale(),
                defaults.training().withMaxSteps(40).withEvaluation(20, 2), defaults.clipNorm());
        var result = ClippingExperiment.run(data, config);
        double start = result.clipped().history().entries().getFirst().trainLoss();
        double worstUnclipped = result.unclipped().history().entries().stream()
                .mapToDouble(e -> Double.isNaN(e.trainLoss()) ? Double.POSITIVE_INFINITY : e.trainLoss()).max().orElseThrow();
        double worstClipped = result.clipped().history().entries().stream()
                .mapToDouble(e -> Double.isNaN(e.trainLoss()) ? 0 : e.trainLoss()).max().orElseThrow();
        assertThat(worstUnclipped).as("without clipping the loss explodes").isGreaterThan(start + 3);
        assertThat(worstClipped).as("with clipping it does not").isLessThan(start + 0.5);
        assertThat(result.clipped().stop()).isEqualTo(Trainer.Stop.MAX_STEPS);
        assertThat(result.table().columnNames()).containsExactly("step", "loss (no clipping)", "grad norm (no clipping)",
                "loss (clipped)", "grad norm (clipped)");
        assertThat(result.lossChart().getSeriesMap().keySet()).containsExactly("no clipping", "clipped");
        assertThat(Plots.image(result.gradNormChart()).getHeight()).isEqualTo(400);
    }
}

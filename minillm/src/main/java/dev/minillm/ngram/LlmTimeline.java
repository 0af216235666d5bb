package dev.minillm.ngram;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Milestones of large language models, with their published parameter counts: the history the
 * chapter opens with. Unknown sizes (models whose makers never said) are left empty.
 */
public final class LlmTimeline {

    /**
     * One milestone.
     *
     * @param parametersBillions the largest published size in billions of parameters, or null
     *     when it was never disclosed
     */
    public record Milestone(int year, String model, String organisation, Double parametersBillions, String known) {}

    private static final List<Milestone> MILESTONES = List.of(
            new Milestone(2017, "Transformer", "Google", null, "self-attention replaces recurrence"),
            new Milestone(2018, "GPT", "OpenAI", 0.117, "generative pretraining, left-to-right"),
            new Milestone(2018, "BERT", "Google", 0.34, "bidirectional encoder, masked language model"),
            new Milestone(2019, "GPT-2", "OpenAI", 1.5, "zero-shot tasks from a bigger decoder"),
            new Milestone(2019, "XLNet", "Google/CMU", 0.34, "permutation language modelling"),
            new Milestone(2019, "RoBERTa", "Facebook", 0.355, "BERT trained longer and better"),
            new Milestone(2019, "T5", "Google", 11.0, "every task as text-to-text"),
            new Milestone(2020, "GPT-3", "OpenAI", 175.0, "few-shot learning from the prompt"),
            new Milestone(2021, "Codex", "OpenAI", 12.0, "code generation"),
            new Milestone(2022, "PaLM", "Google", 540.0, "one model, many languages and tasks"),
            new Milestone(2022, "Chinchilla", "DeepMind", 70.0, "compute-optimal: fewer parameters, more tokens"),
            new Milestone(2022, "BLOOM", "BigScience", 176.0, "open multilingual model"),
            new Milestone(2022, "ChatGPT", "OpenAI", null, "chat tuning with RLHF reaches the public"),
            new Milestone(2023, "GPT-4", "OpenAI", null, "multimodal, expert-level exams"),
            new Milestone(2023, "Llama 2", "Meta", 70.0, "open weights, 7B to 70B"),
            new Milestone(2023, "Claude", "Anthropic", null, "constitutional AI for safety"),
            new Milestone(2023, "Mistral 7B", "Mistral AI", 7.3, "small model, strong results"),
            new Milestone(2023, "Falcon", "TII", 180.0, "open weights up to 180B"),
            new Milestone(2023, "Qwen", "Alibaba", 72.0, "open models, strong in Chinese"),
            new Milestone(2023, "Gemini", "Google", null, "multimodal from the start"),
            new Milestone(2024, "Claude 3", "Anthropic", null, "vision and tool use"),
            new Milestone(2024, "Llama 3", "Meta", 70.0, "open weights, 8B and 70B"),
            new Milestone(2024, "GPT-4o", "OpenAI", null, "real-time text, audio and vision"));

    private LlmTimeline() {}

    public static List<Milestone> milestones() {
        return MILESTONES;
    }

    /** The milestones as a table: year, model, organisation, parameters (billions), what it showed. */
    public static Table table() {
        var parameters = DoubleColumn.create("parameters (B)");
        MILESTONES.forEach(m -> {
            if (m.parametersBillions() == null) {
                parameters.appendMissing();
            } else {
                parameters.append(m.parametersBillions());
            }
        });
        return Table.create("LLM milestones").addColumns(
                IntColumn.create("year", MILESTONES.stream().mapToInt(Milestone::year).toArray()),
                StringColumn.create("model", MILESTONES.stream().map(Milestone::model)),
                StringColumn.create("organisation", MILESTONES.stream().map(Milestone::organisation)),
                parameters,
                StringColumn.create("known for", MILESTONES.stream().map(Milestone::known)));
    }

    /** Parameter count against year on a log scale, one colour per organisation, models labelled. */
    public static XYChart chart() {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title("Parameters of published language models").xAxisTitle("year")
                .yAxisTitle("parameters, billions (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(10);
        Map<String, List<Milestone>> byOrganisation = new LinkedHashMap<>();
        MILESTONES.stream().filter(m -> m.parametersBillions() != null)
                .forEach(m -> byOrganisation.computeIfAbsent(m.organisation(), o -> new java.util.ArrayList<>()).add(m));
        byOrganisation.forEach((organisation, models) -> chart.addSeries(organisation,
                        models.stream().mapToDouble(Milestone::year).toArray(),
                        models.stream().mapToDouble(Milestone::parametersBillions).toArray())
                .setMarker(SeriesMarkers.CIRCLE));
        // Labels go above their point, or below it when a labelled point of the same year is close by.
        List<Milestone> labelled = new java.util.ArrayList<>();
        for (Milestone m : MILESTONES) {
            if (m.parametersBillions() == null) {
                continue;
            }
            boolean crowded = labelled.stream().anyMatch(other -> other.year() == m.year()
                    && Math.abs(Math.log10(other.parametersBillions() / m.parametersBillions())) < 0.2);
            double y = m.parametersBillions() * (crowded ? 0.62 : 1.3);
            chart.addAnnotation(new org.knowm.xchart.AnnotationText(m.model(), m.year() + 0.1, y, false));
            labelled.add(m);
        }
        return chart;
    }
}

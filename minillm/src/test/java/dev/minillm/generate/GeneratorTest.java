package dev.minillm.generate;

import dev.minillm.tokenize.ByteTokenizer;
import dev.minillm.tokenize.CharTokenizer;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTest {

    private final GPT gpt = new GPT(GPTConfig.tiny(), 3);

    @Test
    void greedyGenerationIsTheGptsOwnGreedyGeneration() {
        int[] prompt = {1, 2, 3};
        var g = new Generator(new GptModel(gpt)).generate(prompt, GenerationSettings.of(20, SamplerSettings.greedy()), 0);
        assertThat(g.tokens()).containsExactly(gpt.generate(prompt, 20, 0f, 0, 0));
        assertThat(g.stop()).isEqualTo(Generation.Stop.MAX_TOKENS);
        assertThat(g.modelCalls()).as("the prompt, then one call per new token but the last").isEqualTo(20);
        assertThat(g.text()).isNull();
    }

    @Test
    void theSameSeedGivesTheSameTokensAndEachTokenIsStreamed() {
        var generator = new Generator(new GptModel(gpt));
        var settings = GenerationSettings.of(30, SamplerSettings.temperature(1f).withTopK(10).withTopP(0.9f));
        List<Integer> streamed = new ArrayList<>();
        var a = generator.generate(new int[] {7}, settings, 42, streamed::add);
        var b = generator.generate(new int[] {7}, settings, 42);
        var c = generator.generate(new int[] {7}, settings, 43);
        assertThat(a.tokens()).containsExactly(b.tokens()).isNotEqualTo(c.tokens());
        assertThat(streamed).containsExactlyElementsOf(java.util.Arrays.stream(a.tokens()).boxed().toList());
    }

    @Test
    void aStopTokenEndsTheTextAndIsNotPartOfIt() {
        var model = TableModel.cycle(4, 1, 2, 3, 0);     // 0 → 1 → 2 → 3 → 0
        var g = new Generator(model).generate(new int[] {0}, GenerationSettings.of(10, SamplerSettings.greedy())
                .withStopTokens(3), 0);
        assertThat(g.tokens()).containsExactly(1, 2);
        assertThat(g.stop()).isEqualTo(Generation.Stop.STOP_TOKEN);
    }

    @Test
    void aStopStringSplitOverTokensIsHeldBackAndCut() {
        var tokenizer = CharTokenizer.train("ab.\n");              // ids by first appearance? use encode to be sure
        int a = tokenizer.encode("a")[0], b = tokenizer.encode("b")[0], dot = tokenizer.encode(".")[0],
                nl = tokenizer.encode("\n")[0];
        int[] next = new int[tokenizer.vocabSize()];
        next[a] = b;
        next[b] = dot;
        next[dot] = nl;
        next[nl] = a;                                              // "ab.\nab.\n..."
        var generator = new Generator(TableModel.cycle(tokenizer.vocabSize(), next), tokenizer);
        List<String> pieces = new ArrayList<>();
        var g = generator.generate("a", GenerationSettings.of(20, SamplerSettings.greedy()).withStopStrings(".\na"), 0,
                pieces::add);
        assertThat(g.text()).isEqualTo("b");
        assertThat(g.stop()).isEqualTo(Generation.Stop.STOP_STRING);
        assertThat(String.join("", pieces)).as("the '.' and the newline were held back, never shown").isEqualTo("b");

        var whole = generator.generate("a", GenerationSettings.of(6, SamplerSettings.greedy()).withStopStrings("zz"), 0,
                pieces::add);
        assertThat(whole.text()).isEqualTo("b.\nab.");
        assertThat(whole.stop()).isEqualTo(Generation.Stop.MAX_TOKENS);
    }

    @Test
    void streamedTextNeverShowsHalfAUtf8Character() {
        var tokenizer = new ByteTokenizer();
        byte[] bytes = "中文好".getBytes(StandardCharsets.UTF_8);    // 9 bytes, 3 per character
        int[] next = new int[tokenizer.vocabSize()];
        for (int i = 0; i < bytes.length - 1; i++) {
            next[bytes[i] & 0xFF] = bytes[i + 1] & 0xFF;
        }
        var generator = new Generator(TableModel.cycle(tokenizer.vocabSize(), next), tokenizer);
        List<String> pieces = new ArrayList<>();
        var g = generator.generate("中", GenerationSettings.of(6,
                SamplerSettings.greedy()), 0, pieces::add);
        assertThat(g.text()).isEqualTo("文好");
        assertThat(pieces).containsExactly("文", "好");
    }

    @Test
    void badInputIsRefused() {
        var generator = new Generator(new GptModel(gpt));
        var settings = GenerationSettings.of(5, SamplerSettings.greedy());
        assertThatThrownBy(() -> generator.generate(new int[0], settings, 0)).hasMessageContaining("prompt is empty");
        assertThatThrownBy(() -> generator.generate(new int[] {50}, settings, 0)).hasMessageContaining("token id 50");
        assertThatThrownBy(() -> generator.generate("text", settings, 0)).hasMessageContaining("need a tokenizer");
        assertThatThrownBy(() -> generator.generate(new int[] {1}, settings.withStopStrings("x"), 0))
                .hasMessageContaining("stop strings need a tokenizer");
        assertThatThrownBy(() -> GenerationSettings.of(-1, SamplerSettings.greedy())).hasMessageContaining("maxNewTokens");
        assertThatThrownBy(() -> new Generator(new GptModel(gpt), new ByteTokenizer()))
                .hasMessageContaining("256 tokens but the model only 50");
    }
}

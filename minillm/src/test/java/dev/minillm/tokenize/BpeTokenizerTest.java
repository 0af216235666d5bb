package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTokenizerTest {

    @Property(tries = 1000)
    void theFastEncoderGivesTheReferenceIds(@ForAll("strings") String text) {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        assertThat(gpt2.encode(text)).isEqualTo(gpt2.encodePlain(text));
    }

    @Provide
    Arbitrary<String> strings() {
        return TokenizerArbitraries.anyStrings();
    }

    @Test
    void theFastEncoderGivesTheReferenceIdsOnWholeCorpora() {
        BpeTokenizer gpt2 = TestFiles.fullGpt2();
        for (String text : List.of(Corpus.english().text(), Corpus.chinese().text(), TestFiles.read(TestFiles.resource("mixed.txt")))) {
            assertThat(gpt2.encode(text)).isEqualTo(gpt2.encodePlain(text));
            assertThat(gpt2.encode(text)).as("second time, from the cache").isEqualTo(gpt2.encodePlain(text));
        }
    }

    @Test
    void cachedIdsAreNeverHandedOut() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        int[] first = gpt2.encode("Hello world");
        first[0] = -7;
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
    }

    @Test
    void aBatchIsEncodedInParallelInInputOrder() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        List<String> documents = Corpus.english().documents();
        List<int[]> batch = gpt2.encodeBatch(documents);
        assertThat(batch).hasSameSizeAs(documents);
        for (int i = 0; i < documents.size(); i++) {
            assertThat(batch.get(i)).isEqualTo(gpt2.encode(documents.get(i)));
        }
        assertThat(gpt2.encodeBatch(List.of())).isEmpty();
    }

    @Test
    void decodingIdsThatCutACharacterGivesReplacementCharacters() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        int[] ids = gpt2.encode("😉");
        assertThat(ids).hasSizeGreaterThan(1);
        assertThat(gpt2.decode(new int[] {ids[0]})).isEqualTo("\uFFFD");
        assertThat(gpt2.decode(new int[] {ids[1], ids[0]})).contains("\uFFFD");
        assertThat(gpt2.decodeBytes(ids)).isEqualTo(Utf8.encode("😉"));
        assertThat(gpt2.decode(new int[0])).isEmpty();
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        assertThatThrownBy(() -> gpt2.decode(new int[] {50257})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 50257 is not in the vocabulary [0, 50257)");
        assertThatThrownBy(() -> gpt2.decode(new int[] {-1})).hasMessageContaining("token id -1");
        assertThatThrownBy(() -> gpt2.token(49999)).hasMessageContaining("not used by this vocabulary"); // not in the excerpt
        assertThatThrownBy(() -> gpt2.tokenBytes(50256)).hasMessageContaining("special token <|endoftext|>, which has no bytes");
    }

    @Test
    void unknownSpecialTokensAreRejected() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        assertThatThrownBy(() -> gpt2.encode("hi <|im_start|>", Set.of("<|im_start|>")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown special token '<|im_start|>'").hasMessageContaining("[<|endoftext|>]");
        BpeTokenizer plain = BpeTokenizer.train("some text", 260);
        assertThatThrownBy(() -> plain.encode("x", Set.of("<|endoftext|>"))).hasMessageContaining("none");
        assertThat(gpt2.encode("hi", Set.of())).containsExactly(gpt2.encode("hi"));
    }

    @Test
    void aMergeMustMakeATokenOfTheVocabulary() {
        byte[][] bytes = new byte[256][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
        }
        assertThatThrownBy(() -> new BpeTokenizer(bytes, List.<int[]>of(new int[] {'a', 'b'}), java.util.Map.of()))
                .hasMessageContaining("merge 0 (a b) makes 'ab', which is not in the vocabulary");
        byte[][] withWords = java.util.Arrays.copyOf(bytes, 258);
        withWords[256] = new byte[] {'a', 'b'};
        withWords[257] = new byte[] {'a', 'b', 'c'};
        assertThatThrownBy(() -> new BpeTokenizer(withWords, List.of(new int[] {256, 'c'}, new int[] {'a', 'b'}), java.util.Map.of()))
                .hasMessageContaining("merge 0 (ab c) uses 'ab' before any merge makes it");
        assertThat(new BpeTokenizer(withWords, List.of(new int[] {'a', 'b'}, new int[] {256, 'c'}), java.util.Map.of())
                .encode("xabcab")).containsExactly('x', 257, 256);
        byte[][] missingByte = java.util.Arrays.copyOf(bytes, 256);
        missingByte[7] = null;
        assertThatThrownBy(() -> new BpeTokenizer(missingByte, List.of(), java.util.Map.of())).hasMessageContaining("no token for byte 0x07");
    }

    @Test
    void describesItself() {
        assertThat(TestFiles.gpt2Excerpt().lossless()).isTrue();
        assertThat(TestFiles.gpt2Excerpt()).hasToString("byte-level BPE (50,257 tokens)");
    }
}

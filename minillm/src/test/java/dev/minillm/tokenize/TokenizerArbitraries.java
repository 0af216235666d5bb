package dev.minillm.tokenize;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Random strings for the property tests: valid Unicode, with the characters tokenizers trip on. */
final class TokenizerArbitraries {

    private TokenizerArbitraries() {}

    /** Characters where tokenizers differ: spaces of every kind, apostrophes, digits, marks, the SentencePiece ▁. */
    private static final int[] TRICKY = {' ', ' ', ' ', '\n', '\t', '\r', '\u000B', '\f', '\u00A0', '\u0085', '\u2003', '\u3000',
            '\uFEFF', '\u2028', '\'', 's', 't', 'l', 'r', 'e', 'v', 'd', 'm', 'A', '0', '9', '.', ',', '!', '"', '_', '-',
            '\u2581', 'é', '\u0301', 'ß', 'ｆ', '你', '好', '。', '٣', 'Ⅻ', '½', 0x1F609, 0x1F3FD, 0x200D, 0x1F468, 0x10348,
            0x20000, 0xE000, 0xFFFD, 0xFFFF, 0x10FFFF, 0};

    /** Strings of valid Unicode (no lone surrogates): mostly tricky characters, some ASCII, some anything. */
    static Arbitrary<String> unicodeStrings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.of(java.util.Arrays.stream(TRICKY).boxed().toList())),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x20, 0x7E)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
        return codePoint.list().ofMaxSize(40).map(cps -> {
            var text = new StringBuilder();
            cps.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    /** Any UTF-16 strings, lone surrogates included, for the pre-tokenizer (which must split them like JavaScript). */
    static Arbitrary<String> anyStrings() {
        Arbitrary<Character> unit = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, unicodeStrings().filter(s -> !s.isEmpty()).map(s -> s.charAt(0))),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, unicodeStrings()),
                net.jqwik.api.Tuple.of(1, unit.list().ofMaxSize(30).map(units -> {
                    var text = new StringBuilder();
                    units.forEach(text::append);
                    return text.toString();
                })));
    }
}

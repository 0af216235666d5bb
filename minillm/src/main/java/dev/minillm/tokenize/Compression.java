package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * How many tokens a tokenizer needs for a corpus: fewer tokens per character means shorter
 * sequences for the model, so more text fits in its context and each step covers more.
 *
 * <pre>{@code
 * Compression.table(List.of(
 *         Compression.measure(gpt2, Corpus.english()),
 *         Compression.measure(gpt2, Corpus.chinese())))   // GPT-2 needs far more tokens per Chinese character
 * }</pre>
 *
 * @param tokenizer  the tokenizer's description ({@code toString()})
 * @param corpus     the corpus name
 * @param characters Unicode characters (code points) in the corpus
 * @param bytes      UTF-8 bytes in the corpus
 * @param tokens     tokens the tokenizer made of it
 */
public record Compression(String tokenizer, String corpus, long characters, long bytes, long tokens) {

    /** Encodes every document of the corpus (in parallel) and counts. */
    public static Compression measure(Tokenizer tokenizer, Corpus corpus) {
        long characters = 0;
        long bytes = 0;
        for (String document : corpus.documents()) {
            characters += document.codePointCount(0, document.length());
            bytes += Utf8.encode(document).length;
        }
        long tokens = tokenizer.encodeBatch(corpus.documents()).stream().mapToLong(ids -> ids.length).sum();
        return new Compression(tokenizer.toString(), corpus.name(), characters, bytes, tokens);
    }

    /** Tokens per character: 1 for a character tokenizer, about 0.25 for GPT-2 on English prose. */
    public double tokensPerCharacter() {
        return (double) tokens / characters;
    }

    /** UTF-8 bytes per token, the usual "compression ratio" of a tokenizer. */
    public double bytesPerToken() {
        return (double) bytes / tokens;
    }

    /** The measurements as a table, one row each, for a notebook. */
    public static Table table(List<Compression> rows) {
        return Table.create("Tokens per character",
                StringColumn.create("tokenizer", rows.stream().map(Compression::tokenizer).toList()),
                StringColumn.create("corpus", rows.stream().map(Compression::corpus).toList()),
                LongColumn.create("characters", rows.stream().mapToLong(Compression::characters).toArray()),
                LongColumn.create("tokens", rows.stream().mapToLong(Compression::tokens).toArray()),
                DoubleColumn.create("tokens/char", rows.stream().mapToDouble(r -> round(r.tokensPerCharacter())).toArray()),
                DoubleColumn.create("bytes/token", rows.stream().mapToDouble(r -> round(r.bytesPerToken())).toArray()));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

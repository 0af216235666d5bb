/**
 * Chapter 2: tokenization. Text becomes the integer ids a model reads, and ids become text again.
 *
 * <p>One sealed interface, {@link dev.minillm.tokenize.Tokenizer}, and six kinds of tokenizer,
 * from the simplest to the one GPT-2 uses:
 * <ul>
 *   <li>{@link dev.minillm.tokenize.CharTokenizer}: one id per character seen in training;</li>
 *   <li>{@link dev.minillm.tokenize.WordTokenizer}: one id per word (cut by a regular expression);</li>
 *   <li>{@link dev.minillm.tokenize.ByteTokenizer}: one id per UTF-8 byte, nothing unknown;</li>
 *   <li>{@link dev.minillm.tokenize.BpeTokenizer}: byte-level byte-pair encoding, trained by
 *       {@link dev.minillm.tokenize.BpeTrainer}, or GPT-2's own read by {@link dev.minillm.tokenize.Gpt2}
 *       (same ids as OpenAI's encoder), with GPT-2's pre-tokenization {@link dev.minillm.tokenize.Gpt2Pattern}
 *       and byte alphabet {@link dev.minillm.tokenize.ByteLevel};</li>
 *   <li>{@link dev.minillm.tokenize.WordPieceTokenizer}: BERT's greedy longest-match pieces;</li>
 *   <li>{@link dev.minillm.tokenize.UnigramTokenizer}: SentencePiece's unigram model, trained by EM
 *       with pruning ({@link dev.minillm.tokenize.UnigramTrainer}), Viterbi segmentation, byte fallback.</li>
 * </ul>
 *
 * <p>{@link dev.minillm.tokenize.Compression} measures tokens per character on a corpus;
 * {@link dev.minillm.tokenize.Utf8} decodes broken UTF-8 the way Python and JavaScript do. Every
 * tokenizer saves to and loads from one JSON file format. Speed figures: {@code bin/minillm bench tokenizer}.
 */
package dev.minillm.tokenize;

/**
 * Chapter 2: tokenization. Character, word, byte, byte-level BPE (GPT-2 compatible), WordPiece and
 * Unigram tokenizers behind one {@code Tokenizer} interface.
 */
package dev.minillm.tokenize;

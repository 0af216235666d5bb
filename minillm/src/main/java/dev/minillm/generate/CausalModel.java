package dev.minillm.generate;

/**
 * A causal language model as a decoder sees it: something that reads tokens one after another and,
 * after each, gives logits for the token that follows. Every decoding method of chapter 9 (greedy,
 * sampling, beam search, speculative decoding) talks to a model only through this interface, so a
 * faster implementation of the same model (the KV cache of chapter 10) plugs in without changing them.
 */
public interface CausalModel {

    /** The number of token ids the model reads and scores (ids are 0..vocabSize-1). */
    int vocabSize();

    /** The longest run of tokens the model attends to at once (a Transformer's block size). */
    int contextLength();

    /** A new, empty sequence to grow token by token. */
    Session start();
}

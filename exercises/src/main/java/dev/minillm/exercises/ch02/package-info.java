/** Chapter 2 exercises: byte-level BPE from pair counts to decoding, GPT-2's byte alphabet, WordPiece and unigram segmentation. */
package dev.minillm.exercises.ch02;

/**
 * Chapter 0, the course platform: corpora, progress bars, plots and the SIMD switch. Every chapter
 * may use this package; it uses none of them.
 */
package dev.minillm.common;

/** Chapter 10 exercises: KV-cache memory, attention against a cache, the online softmax, paged blocks, batching schedules and a tensor-parallel product. */
package dev.minillm.exercises.ch10;

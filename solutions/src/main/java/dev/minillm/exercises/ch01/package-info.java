/** Chapter 1 exercises: counting, estimating, scoring and sampling with n-grams. */
package dev.minillm.exercises.ch01;

/** The command line: {@code ./minillm <command>}. It may use every chapter's package. */
package dev.minillm.cli;

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A command's printout (the bench commands print to System.out) and its exit code. */
record Printed(int code, String out, String err) {

  /** Runs the CLI in this JVM with System.out captured. */
  static Printed run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Outcome outcome;
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      outcome = Outcome.run(args);
    } finally {
      System.setOut(original);
    }
    return new Printed(outcome.code(), captured.toString(StandardCharsets.UTF_8), outcome.err());
  }

  /** The last line of the printout, read as JSON (what {@code --json} prints). */
  JsonNode lastLineJson() throws IOException {
    String[] lines = out.strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }
}

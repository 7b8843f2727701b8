// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Eve authors' Pong protocol file on a real ROM, run only when {@code ALE_ROM_DIR} holds
 * {@code pong.bin} (never shipped): {@code ALE_ROM_DIR=/path/to/roms mvn -pl cli test
 * -Dtest=PongProtocolRomTest}. One iteration with the authors' network, and test episodes at
 * iterations 0 and 1 (the file's schedule is every 40; set to every 1 here to keep it short).
 */
class PongProtocolRomTest {

  @TempDir Path tmp;

  @Test
  void shortAuthorsPongRunLogsTestEpisodes() throws IOException {
    String romDir = System.getenv("ALE_ROM_DIR");
    boolean present = romDir != null && Files.isRegularFile(Path.of(romDir, "pong.bin"));
    if (!present) {
      System.err.println(
          "PongProtocolRomTest skipped: set ALE_ROM_DIR to a folder with pong.bin to run it");
    }
    assumeTrue(present, "ALE_ROM_DIR has no pong.bin");
    Path dir = tmp.resolve("pong");
    CommandLine cli = AmpleCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("train", "../configs/pong-v4-eve.conf", "--run-dir", dir.toString(),
        "--set", "train.agent-steps=1024", "--set", "train.eval-every=1",
        "--set", "train.gradstats-every=0");
    assertEquals(0, code, err.toString());
    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      lines.add(json.readTree(line));
    }
    assertEquals(2, lines.size(), "iteration 0's test line and iteration 1");
    for (int k = 0; k < 2; k++) {
      JsonNode line = lines.get(k);
      assertEquals(k, line.get("iteration").asInt());
      assertEquals(k * 1024L, line.get("agent_steps").asLong());
      double score = line.get("eval_return").asDouble();
      // A whole unclipped game: the first side to 21 points ends it.
      assertTrue(score >= -21 && score <= 21 && Math.abs(score) >= 1, "eval_return " + score);
      assertTrue(line.get("eval_length").asInt() > 700, "a whole game: " + line);
    }
  }
}

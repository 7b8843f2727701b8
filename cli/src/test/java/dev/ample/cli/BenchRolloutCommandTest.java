// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ample bench rollout} on the built-in Catch at tiny sizes: the {@code --json} last line
 * carries every figure, each positive and finite (no timing is asserted), and bad input gets one
 * line naming the fix.
 */
class BenchRolloutCommandTest {

  /** The command's printout (the bench commands print to System.out) and its exit code. */
  private record Printed(int code, String out, String err) {}

  private static Printed bench(String... args) {
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

  @Test
  void jsonLastLineHasEveryFigurePositiveAndFinite() throws Exception {
    Printed p = bench("bench", "rollout", "--json", "--rounds", "2", "--iterations", "1",
        "--warmup", "1", "--set", "env.num-envs=4", "--set", "train.runners=2",
        "--set", "ppo.rollout-steps=8", "--set", "ppo.minibatch-size=16",
        "--set", "ppo.epochs=1");
    assertEquals(0, p.code(), p.err() + p.out());
    String[] lines = p.out().strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    for (String key : List.of("bare_loop_steps_per_s", "actor_steps_per_s", "actor_over_bare",
        "iteration_s", "collect_s", "learn_s", "learn_step_ms", "bench_learner_step_ms")) {
      assertTrue(json.has(key), key + " missing from " + json);
      double v = json.get(key).asDouble();
      assertTrue(v > 0 && Double.isFinite(v), key + " = " + v);
    }
    assertEquals("catch", json.get("env").asText());
    assertEquals(4, json.get("num_envs").asInt());
    assertEquals(2, json.get("rounds").asInt());
    assertEquals(2, json.get("optimizer_steps_per_iteration").asInt());
    assertTrue(p.out().contains("median of 2 rounds of 8 steps x 4 envs"), p.out());
  }

  @Test
  void badCountsAreRefusedInOneLine() {
    Printed p = bench("bench", "rollout", "--rounds", "0");
    assertEquals(2, p.code(), p.out());
    assertEquals("ample: --rounds and --iterations must be >= 1, --warmup >= 0", p.err().strip());
  }

  @Test
  void romDirAwayFromTheRepositoryRootNamesTheConfigToGive() {
    // Tests run in cli/, where configs/pong-v4-eve.conf is not.
    Printed p = bench("bench", "rollout", "--rom-dir", "/nonexistent");
    assertEquals(2, p.code(), p.out());
    assertTrue(p.err().strip().endsWith("give the Pong config with --config FILE"), p.err());
  }
}

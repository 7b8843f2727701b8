// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ample bench iterations} on the built-in Catch at tiny sizes: one run per optimizer in
 * the given order, every figure positive and finite and consistent with the others (no timing is
 * asserted), and bad input refused in one line.
 */
class BenchIterationsCommandTest {

  private static final String[] TINY = {"--set", "env.num-envs=4", "--set", "train.runners=2",
      "--set", "ppo.rollout-steps=8", "--set", "ppo.minibatch-size=16", "--set", "ppo.epochs=1"};

  private static Printed bench(String... args) {
    String[] all = new String[2 + args.length + TINY.length];
    all[0] = "bench";
    all[1] = "iterations";
    System.arraycopy(args, 0, all, 2, args.length);
    System.arraycopy(TINY, 0, all, 2 + args.length, TINY.length);
    return Printed.run(all);
  }

  @Test
  void eachOptimizerGetsItsIterationsAndItsRatioToTheFirst() throws Exception {
    Printed p = bench("--json", "--optimizers", "eve,adam,sgd", "--iterations", "3",
        "--warmup", "1");
    assertEquals(0, p.code(), p.err() + p.out());
    JsonNode json = p.lastLineJson();
    assertEquals("catch", json.get("env").asText());
    assertEquals(3, json.get("iterations").asInt());
    assertEquals(2, json.get("optimizer_steps_per_iteration").asInt());
    JsonNode runs = json.get("runs");
    assertEquals(3, runs.size());
    List<String> names = List.of("eve", "adam", "sgd");
    double first = runs.get(0).get("iteration_s").asDouble();
    for (int i = 0; i < 3; i++) {
      JsonNode run = runs.get(i);
      assertEquals(names.get(i), run.get("optimizer").asText());
      for (String key : List.of("iteration_s", "collect_s", "learn_s", "learn_step_ms",
          "agent_steps_per_s", "iteration_over_first", "learn_over_first",
          "paired_iteration_over_first")) {
        double v = run.get(key).asDouble();
        assertTrue(v > 0 && Double.isFinite(v), names.get(i) + " " + key + " = " + v);
      }
      double total = run.get("iteration_s").asDouble();
      // 4 envs x 8 steps per iteration; the seconds are rounded to 3 decimals (±0.0005 s).
      double rounding = 0.0006 / total + 0.0006 / first;
      assertEquals(32 / total, run.get("agent_steps_per_s").asDouble(), 32 / total * rounding);
      assertEquals(total / first, run.get("iteration_over_first").asDouble(),
          total / first * rounding + 0.001);
      assertEquals(run.get("learn_s").asDouble() * 1e3 / 2, run.get("learn_step_ms").asDouble(),
          1.0);
      assertTrue(run.get("collect_s").asDouble() <= total && run.get("learn_s").asDouble()
          <= total + 0.002, run.toString());
    }
    assertEquals(1.0, runs.get(0).get("iteration_over_first").asDouble());
    assertTrue(p.out().contains("eve / adam / sgd interleaved, 3 iterations each after 1 warm-up"),
        p.out());
  }

  @Test
  void oneOptimizerOrOneTwiceIsRefusedInOneLine() {
    for (String given : List.of("adam", "adam,adam")) {
      Printed p = bench("--optimizers", given);
      assertEquals(2, p.code(), p.out());
      assertEquals("ample: --optimizers " + given
          + ": give two or more, each once (e.g. --optimizers adam,eve)", p.err().strip());
    }
  }

  @Test
  void anUnknownOptimizerIsNamed() {
    Printed p = bench("--optimizers", "adam,nosuch");
    assertEquals(2, p.code(), p.out());
    assertTrue(p.err().strip().startsWith("ample: --optimizers nosuch: "), p.err());
  }
}

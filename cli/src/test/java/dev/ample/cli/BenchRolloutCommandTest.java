// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ample bench rollout} on the built-in Catch at tiny sizes: the {@code --json} last line
 * carries every figure, each positive and finite (no timing is asserted), and bad input gets one
 * line naming the fix.
 */
class BenchRolloutCommandTest {

  @Test
  void jsonLastLineHasEveryFigurePositiveAndFinite() throws Exception {
    Printed p = Printed.run("bench", "rollout", "--json", "--rounds", "2", "--iterations", "1",
        "--warmup", "1", "--set", "env.num-envs=4", "--set", "train.runners=2",
        "--set", "ppo.rollout-steps=8", "--set", "ppo.minibatch-size=16",
        "--set", "ppo.epochs=1");
    assertEquals(0, p.code(), p.err() + p.out());
    JsonNode json = p.lastLineJson();
    for (String key : List.of("bare_loop_steps_per_s", "actor_steps_per_s", "actor_over_bare",
        "iteration_s", "collect_s", "learn_s", "learn_step_ms", "bench_learner_step_ms",
        "bench_learner_engine_ms", "learn_step_over_bench_learner",
        "double_buffered_steps_per_s", "double_buffered_over_actor")) {
      assertTrue(json.has(key), key + " missing from " + json);
      double v = json.get(key).asDouble();
      assertTrue(v > 0 && Double.isFinite(v), key + " = " + v);
    }
    assertEquals("catch", json.get("env").asText());
    assertEquals(4, json.get("num_envs").asInt());
    assertEquals(2, json.get("rounds").asInt());
    assertEquals(2, json.get("optimizer_steps_per_iteration").asInt());
    assertTrue(p.out().contains("median of 2 rounds of 8 steps x 4 envs"), p.out());
    // The step alone is the learner's whole step: the engine, then the optimizer's update.
    assertTrue(json.get("bench_learner_engine_ms").asDouble()
        <= json.get("bench_learner_step_ms").asDouble(), json.toString());
    assertTrue(p.out().contains("= engine "), p.out());
  }

  @Test
  void badCountsAreRefusedInOneLine() {
    Printed p = Printed.run("bench", "rollout", "--rounds", "0");
    assertEquals(2, p.code(), p.out());
    assertEquals("ample: --rounds and --iterations must be >= 1, --warmup >= 0", p.err().strip());
  }

  @Test
  void romDirAwayFromTheRepositoryRootNamesTheConfigToGive() {
    // Tests run in cli/, where configs/pong-v4-eve.conf is not.
    Printed p = Printed.run("bench", "rollout", "--rom-dir", "/nonexistent");
    assertEquals(2, p.code(), p.out());
    assertTrue(p.err().strip().endsWith("give the Pong config with --config FILE"), p.err());
  }
}

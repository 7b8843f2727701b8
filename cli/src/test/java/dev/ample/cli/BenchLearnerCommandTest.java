// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ample bench learner} at a tiny batch: the engine modes and, per optimizer, the whole
 * learner step (engine, update, parameter addition) are in the {@code --json} line, positive and
 * finite (no timing is asserted); an unknown optimizer is refused before any work.
 */
class BenchLearnerCommandTest {

  @Test
  void learnerStepsPerOptimizerComeWithTheEngineModes() throws Exception {
    Printed p = Printed.run("bench", "learner", "--json", "--batch", "2", "--repeats", "1",
        "--warmup", "0", "--padding", "valid");
    assertEquals(0, p.code(), p.err() + p.out());
    JsonNode json = p.lastLineJson();
    for (String key : List.of("mean_only_ms", "second_moment_ms", "all_stats_ms", "adam_step_ms",
        "adam_step_update_ms", "eve_step_ms", "eve_step_update_ms", "eve_over_adam_step")) {
      assertTrue(json.has(key), key + " missing from " + json);
      double v = json.get(key).asDouble();
      assertTrue(v > 0 && Double.isFinite(v), key + " = " + v);
    }
    assertTrue(json.get("adam_step_update_ms").asDouble() < json.get("adam_step_ms").asDouble());
    assertTrue(p.out().contains("eve learner step"), p.out());
  }

  @Test
  void noneTimesTheEngineModesOnly() throws Exception {
    Printed p = Printed.run("bench", "learner", "--json", "--batch", "2", "--repeats", "1",
        "--warmup", "0", "--padding", "valid", "--optimizers", "none");
    assertEquals(0, p.code(), p.err() + p.out());
    JsonNode json = p.lastLineJson();
    assertTrue(json.has("second_moment_ms"), json.toString());
    assertFalse(json.has("adam_step_ms"), json.toString());
  }

  @Test
  void anUnknownOptimizerIsRefusedInOneLine() {
    Printed p = Printed.run("bench", "learner", "--optimizers", "adma");
    assertEquals(2, p.code(), p.out());
    assertTrue(p.err().strip().startsWith("ample: "), p.err());
    assertTrue(p.err().contains("adma"), p.err());
    assertEquals("", p.out(), "no work before the refusal");
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static dev.ample.tests.AmpleCli.iterationsInOrder;
import static dev.ample.tests.AmpleCli.lines;
import static dev.ample.tests.AmpleCli.small;
import static dev.ample.tests.AmpleCli.temporaries;
import static dev.ample.tests.AmpleCli.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} mid-run, a last metrics line cut mid-write, then {@code --resume}: the logs read
 * as one uninterrupted run (no iteration or optimizer step twice, agent steps monotonic), the run
 * continues from its checkpoint to the budget, and the stale lock of the killed process is taken
 * over.
 */
class KillAndResumeTest {

  @TempDir Path tmp;

  @Test
  void resumeAfterKillNineLeavesLogsAsOneRun() throws Exception {
    Path run = tmp.resolve("run");
    List<String> settings = small("train.agent-steps=256000", "train.checkpoint-every=3",
        "train.gradstats-every=2");
    AmpleCli.Child child = AmpleCli.start(tmp, List.of(), train(run, settings));
    AmpleCli.awaitMetrics(child, run, 8); // iteration 7 logged: past the checkpoint of 6
    child.kill();
    List<Long> before = iterationsInOrder(run);
    // As if the machine died mid-write: half a line at the end.
    Files.writeString(run.resolve("metrics.jsonl"), "{\"iteration\":" + (before.size() + 1)
        + ",\"agent_st", StandardOpenOption.APPEND);

    AmpleCli.Done resumed = AmpleCli.run(tmp, train(run, List.of("--set",
        "train.agent-steps=" + 256 * 30), "--resume")).assertOk();
    assertTrue(resumed.out().contains("metrics.jsonl cut back to iteration"), resumed.out());

    List<Long> iterations = iterationsInOrder(run);
    assertEquals(1, iterations.get(0));
    assertEquals(30, iterations.get(iterations.size() - 1), "ran on to the budget");
    List<JsonNode> metrics = lines(run.resolve("metrics.jsonl"));
    assertEquals(256 * 30, metrics.get(metrics.size() - 1).get("agent_steps").asLong());
    assertEquals(30 * 12, metrics.get(metrics.size() - 1).get("optimizer_steps").asLong());

    // gradstats: every second optimizer step, each once, for every tensor.
    List<JsonNode> gradstats = lines(run.resolve("gradstats.jsonl"));
    TreeSet<String> tensors = new TreeSet<>();
    gradstats.forEach(g -> tensors.add(g.get("tensor").asText()));
    List<Long> steps = new ArrayList<>();
    long last = 0;
    for (JsonNode g : gradstats) {
      long step = g.get("step").asLong();
      assertTrue(step >= last, "gradstats steps in order: " + step + " after " + last);
      if (step != last) {
        steps.add(step);
      }
      last = step;
    }
    List<Long> expected = new ArrayList<>();
    for (long s = 2; s <= 360; s += 2) {
      expected.add(s);
    }
    assertEquals(expected, steps, "each sampled step once");
    assertEquals(expected.size() * tensors.size(), gradstats.size(), "each tensor once a step");

    List<JsonNode> invocations = lines(run.resolve("invocations.jsonl"));
    assertEquals(2, invocations.size(), "the first start and the resume");
    assertTrue(invocations.get(1).get("resume").asBoolean());
    assertTrue(invocations.get(1).get("overrides").toString().contains("train.agent-steps"));
    assertTrue(temporaries(run).isEmpty(), "no .tmp left: " + temporaries(run));

    // TensorBoard: the killed start's events past the checkpoint were cut, so every tag reads
    // as one curve over both event files, and iterations 1..30 appear once each.
    var scalars = TensorBoardEvents.scalars(run.resolve("tb"));
    TensorBoardEvents.assertOneCurvePerTag(scalars);
    List<Float> tbIterations = TensorBoardEvents.values(scalars, "time/iteration");
    List<Float> expectedIterations = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      expectedIterations.add((float) i);
    }
    assertEquals(expectedIterations, tbIterations);
    assertTrue(TensorBoardEvents.values(scalars, "gradstats/" + tensors.first() + "/snr_median")
        .size() == expected.size(), "each sampled gradstats step once in TensorBoard");
  }
}

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up, simulated by the test hook {@code -Dample.faults.diskFullAfterBytes=N}
 * (writes fail once N bytes were written, after writing what fits, as on a full disk): the run
 * stops with one line naming the file and the last good checkpoint, every log line is whole, no
 * {@code .tmp} is left, and the run resumes (or, with no checkpoint yet, restarts) once there is
 * room again.
 */
class FullDiskTest {

  @TempDir Path tmp;

  private static List<String> full(long bytes) {
    return List.of("-Dample.faults.diskFullAfterBytes=" + bytes);
  }

  @Test
  void aFullDiskInGradstatsStopsAtOnceAndTheStartCanBeRetried() throws Exception {
    Path run = tmp.resolve("run");
    String[] args = train(run, small("train.agent-steps=" + 256 * 20, "train.gradstats-every=1"));
    AmpleCli.Child child = AmpleCli.start(tmp, full(60_000), args);
    child.await().assertRefused("cannot write " + run.resolve("gradstats.jsonl"),
        "No space left on device", "No checkpoint was written yet");
    lines(run.resolve("gradstats.jsonl")); // every line whole
    iterationsInOrder(run);
    assertTrue(temporaries(run).isEmpty(), "no .tmp: " + temporaries(run));

    AmpleCli.run(tmp, args).assertOk(); // a start without a checkpoint is accepted again
    assertEquals(20, iterationsInOrder(run).size());
  }

  @Test
  void aFullDiskAtACheckpointNamesTheLastGoodOneAndTheRunResumes() throws Exception {
    Path run = tmp.resolve("run");
    // One Catch checkpoint is ~95 kB: the first fits, the second does not.
    AmpleCli.Child child = AmpleCli.start(tmp, full(150_000), train(run, small(
        "train.agent-steps=" + 256 * 20, "train.checkpoint-every=2", "train.gradstats-every=0")));
    child.await().assertRefused("cannot write " + run.resolve("checkpoints/iter-000004.ckpt"),
        "No space left on device",
        "Last good checkpoint: " + run.resolve("checkpoints/iter-000002.ckpt"));
    assertTrue(temporaries(run).isEmpty(), "no .tmp holding the space: " + temporaries(run));
    assertEquals(List.of(1L, 2L, 3L, 4L), iterationsInOrder(run));

    // Room again; resumed with twice the rollout: the budget is agent steps, never passed.
    AmpleCli.run(tmp, train(run, List.of("--set", "ppo.rollout-steps=64",
        "--set", "train.agent-steps=3000"), "--resume")).assertOk();
    List<JsonNode> metrics = lines(run.resolve("metrics.jsonl"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), iterationsInOrder(run),
        "2 x 256, then floor((3000 - 512) / 512) = 4 iterations of 512");
    assertEquals(2560, metrics.get(metrics.size() - 1).get("agent_steps").asLong());
    assertTrue(Files.readString(run.resolve("config.conf")).contains("rollout-steps=64"),
        "config.conf holds the configuration the run continued with");
  }
}

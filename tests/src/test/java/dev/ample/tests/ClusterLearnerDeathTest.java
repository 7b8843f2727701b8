// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner of a cluster run dies ({@code kill -9}) after a few checkpoints: its newest
 * checkpoint stays intact, and its worker neither exits at once nor lingers. Resumed in time, the
 * learner takes the worker back and finishes the run with it; never resumed, the worker exits 2
 * after {@code --learner-timeout}.
 */
class ClusterLearnerDeathTest {

  @TempDir Path tmp;

  @Test
  void aResumedLearnerTakesItsWorkerBack() throws Exception {
    String join = "127.0.0.1:" + ClusterRuns.freePort();
    Path run = tmp.resolve("run");
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      AmpleCli.Child learner = learner(run, join);
      children.add(learner);
      AmpleCli.Child worker = worker(join, "60");
      children.add(worker);
      ClusterRuns.awaitLine(learner, run, m -> m.get("iteration").asLong() >= 5);
      learner.kill();
      Path newest = newestCheckpoint(run);
      awaitOutput(worker, "lost the learner at " + join + "; trying to rejoin for 60 s");
      assertTrue(worker.process().isAlive(), "the worker waits for the learner to come back");

      AmpleCli.Child resumed = AmpleCli.start(tmp, List.of(), "train", "--run-dir",
          run.toString(), "--resume");
      children.add(resumed);
      AmpleCli.Done done = resumed.await().assertOk();
      long checkpointed = Long.parseLong(newest.getFileName().toString().replaceAll("\\D", ""));
      assertTrue(checkpointed >= 4, "killed after iteration 5: " + newest);
      assertTrue(done.out().contains("from " + newest.getFileName() + " (iteration "
          + checkpointed + ","), "resumed from the newest checkpoint: " + done.out());
      AmpleCli.Done served = worker.await().assertOk();
      assertTrue(served.out().contains("the learner ended the run"), served.out());

      List<Long> iterations = AmpleCli.iterationsInOrder(run);
      assertEquals(List.of(1L, ITERATIONS), List.of(iterations.get(0),
          iterations.get(iterations.size() - 1)), "the whole budget, each iteration once");
      // Cut back to the checkpoint on resume, the log's later lines are the resumed learner's.
      List<JsonNode> afterResume = AmpleCli.lines(run.resolve("metrics.jsonl")).stream()
          .filter(m -> m.get("iteration").asLong() > checkpointed).toList();
      assertEquals(ITERATIONS - checkpointed, afterResume.size());
      for (JsonNode m : afterResume) {
        JsonNode workerSteps = m.get("worker_steps");
        assertEquals(1, workerSteps.size(), "the worker's fragment: " + m);
        workerSteps.forEach(steps -> assertEquals(64, steps.asLong(), "its 32 x 2 steps: " + m));
      }
      assertTrue(AmpleCli.temporaries(run).isEmpty(), "no .tmp left: "
          + AmpleCli.temporaries(run));
      ClusterRuns.assertNoProcessLeft(children);
    } finally {
      children.forEach(c -> c.process().destroyForcibly());
    }
  }

  @Test
  void aWorkerWhoseLearnerNeverComesBackExits() throws Exception {
    String join = "127.0.0.1:" + ClusterRuns.freePort();
    Path run = tmp.resolve("run");
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      AmpleCli.Child learner = learner(run, join);
      children.add(learner);
      // The worker tries for 10 s at the start too: the learner must be listening by then.
      awaitOutput(learner, "cluster: learner at " + join);
      AmpleCli.Child worker = worker(join, "10");
      children.add(worker);
      ClusterRuns.awaitLine(learner, run,
          m -> m.get("iteration").asLong() >= 3 && m.get("worker_steps").size() == 1);
      learner.kill(); // after the checkpoint of iteration 2
      long killed = System.nanoTime();
      awaitOutput(worker, "lost the learner at " + join + "; trying to rejoin for 10 s");
      long lost = System.nanoTime();
      AmpleCli.Done gone = worker.await();
      long exited = System.nanoTime();
      gone.assertRefused("the learner at " + join + " did not come back within 10 s");
      assertTrue(exited - lost > 9_000_000_000L, "tried to rejoin for about 10 s, not "
          + (exited - lost) / 1e9 + " s");
      // Failure detection (3 s + 2 s), the 10 s of trying, two actor systems' starts and ends.
      assertTrue(exited - killed < 40_000_000_000L, "the worker took "
          + (exited - killed) / 1e9 + " s to exit");
      newestCheckpoint(run); // the learner's checkpoints stayed
      ClusterRuns.assertNoProcessLeft(children);
    } finally {
      children.forEach(c -> c.process().destroyForcibly());
    }
  }

  /** 2 learner envs + one worker's 2, T = 32: 128 steps an iteration; a checkpoint every 2. */
  private static final long ITERATIONS = 24;

  private AmpleCli.Child learner(Path run, String join) throws Exception {
    return ClusterRuns.learner(tmp, run, join, 1, "train.checkpoint-every=2",
        "train.agent-steps=" + 128 * ITERATIONS, "cluster.unreachable-after=3s",
        "cluster.down-after=2s");
  }

  private AmpleCli.Child worker(String join, String learnerTimeout) throws Exception {
    return AmpleCli.start(tmp, List.of(), "worker", "--join", join, "--envs", "2",
        "--learner-timeout", learnerTimeout, "--unreachable-after", "3", "--down-after", "2");
  }

  /** Waits until {@code child} has printed {@code text}. */
  private static void awaitOutput(AmpleCli.Child child, String text) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      boolean alive = child.process().isAlive(); // first: a dead child's output is all there
      if (Files.readString(child.out()).contains(text)) {
        return;
      }
      if (!alive || System.nanoTime() > deadline) {
        fail("no '" + text + "' from " + child.out() + ": " + Files.readString(child.out())
            + Files.readString(child.err()));
      }
      Thread.sleep(200);
    }
  }

  /** The newest checkpoint file of a run, which must have one. */
  private static Path newestCheckpoint(Path run) throws IOException {
    try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted()
          .reduce((older, newer) -> newer).orElseThrow(() -> new AssertionError(
              "no checkpoint in " + run));
    }
  }
}

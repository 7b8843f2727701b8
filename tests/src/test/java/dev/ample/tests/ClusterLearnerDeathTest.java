// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner of a cluster run dies ({@code kill -9}): its last checkpoint stays intact, and its
 * worker neither exits at once nor lingers. Resumed in time, the learner takes the worker back and
 * finishes the run with it; never resumed, the worker exits 2 after {@code --learner-timeout}.
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
      JsonNode served = ClusterRuns.awaitLine(learner, run,
          m -> m.get("iteration").asLong() >= 5 && m.get("worker_steps").size() == 1);
      learner.kill();
      awaitOutput(worker, "lost the learner at " + join);
      assertTrue(worker.process().isAlive(), "the worker waits for the learner to come back");

      AmpleCli.Child resumed = AmpleCli.start(tmp, List.of(), "train", "--run-dir",
          run.toString(), "--resume");
      children.add(resumed);
      long killedAfter = served.get("iteration").asLong();
      ClusterRuns.awaitLine(resumed, run, m -> m.get("iteration").asLong() > killedAfter
          && m.get("worker_steps").size() == 1);
      AmpleCli.Done done = resumed.await().assertOk();
      assertTrue(done.out().contains("resum"), done.out());
      AmpleCli.Done served2 = worker.await().assertOk();
      assertTrue(served2.out().contains("the learner ended the run"), served2.out());
      List<Long> iterations = AmpleCli.iterationsInOrder(run);
      assertEquals(ITERATIONS, iterations.get(iterations.size() - 1), "the whole budget, once");
      assertNoProcessLeft(children);
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
      AmpleCli.Done gone = worker.await();
      double seconds = (System.nanoTime() - killed) / 1e9;
      assertEquals(2, gone.code(), gone.err());
      assertTrue(gone.err().contains("the learner at " + join + " did not come back within 10 s"),
          gone.err());
      // Failure detection (3 s + 2 s), the 10 s of trying, the actor systems' shutdowns.
      assertTrue(seconds < 60, "the worker took " + seconds + " s to exit");
      assertTrue(Files.list(run.resolve("checkpoints")).findAny().isPresent(),
          "the learner's checkpoints are there");
      assertNoProcessLeft(children);
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

  private static void awaitOutput(AmpleCli.Child child, String text) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.readString(child.out()).contains(text)) {
      if (System.nanoTime() > deadline || !child.process().isAlive()) {
        fail("no '" + text + "' from " + child.out() + ": " + Files.readString(child.out())
            + Files.readString(child.err()));
      }
      Thread.sleep(200);
    }
  }

  private static void assertNoProcessLeft(List<AmpleCli.Child> children) {
    for (AmpleCli.Child c : children) {
      assertFalse(c.process().isAlive(), "every JVM exited");
    }
    assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
        "no process of this test is left");
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that stays a member but stops answering (its JVM frozen with SIGSTOP, heartbeats
 * within {@code unreachable-after}): each iteration goes on without it after {@code
 * cluster.fragment-timeout} and counts its fragment as dropped; once it runs again (SIGCONT) its
 * late fragments, of versions whose rounds have ended, are dropped and counted too, and it is used
 * again. With {@code train.overlap = true} throughout, every iteration's experience is one update
 * old (policy lag 1), the workers' included.
 */
class ClusterSlowWorkerTest {

  @TempDir Path tmp;

  @Test
  void aSilentWorkerIsLeftOutItsLateFragmentsDroppedAndItIsUsedAgain() throws Exception {
    String join = "127.0.0.1:" + ClusterRuns.freePort();
    Path run = tmp.resolve("run");
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      // 2 learner envs + one worker's 2, T = 32: 128 steps an iteration, 2 minibatches of 64.
      AmpleCli.Child learner = ClusterRuns.learner(tmp, run, join, 1, "train.overlap=true",
          "train.agent-steps=" + 128 * 60, "cluster.fragment-timeout=2s",
          "cluster.wait-for-workers=1s", "cluster.unreachable-after=60s");
      children.add(learner);
      AmpleCli.Child worker = AmpleCli.start(tmp, List.of(), "worker", "--join", join,
          "--envs", "2", "--unreachable-after", "60");
      children.add(worker);

      JsonNode served = ClusterRuns.awaitLine(learner, run,
          m -> m.get("worker_steps").size() == 1);
      signal(worker, "STOP");
      long stoppedAt = served.get("iteration").asLong();
      JsonNode silent = ClusterRuns.awaitLine(learner, run,
          m -> m.get("iteration").asLong() > stoppedAt + 1 && m.get("worker_steps").isEmpty());
      assertEquals(1, silent.get("workers_alive").asInt(), "still a member: " + silent);
      assertEquals(64, silent.get("agent_steps").asLong()
          - ClusterRuns.previous(run, silent).get("agent_steps").asLong(), "the learner's envs");
      signal(worker, "CONT");
      long resumedAt = silent.get("iteration").asLong();
      ClusterRuns.awaitLine(learner, run, m -> m.get("iteration").asLong() > resumedAt
          && m.get("worker_steps").size() == 1);

      learner.await().assertOk();
      worker.await().assertOk();
      List<JsonNode> metrics = AmpleCli.lines(run.resolve("metrics.jsonl"));
      long silentIterations = metrics.stream().filter(m -> m.get("worker_steps").isEmpty())
          .count();
      long dropped = metrics.stream().mapToLong(m -> m.get("dropped_fragments").asLong()).sum();
      assertTrue(dropped > silentIterations, "each silent iteration's fragment and the late ones"
          + " dropped: " + dropped + " dropped, " + silentIterations + " silent iterations");
      for (JsonNode m : metrics.subList(1, metrics.size())) {
        assertEquals(1, m.get("policy_lag").asLong(), "overlapped: " + m);
      }
    } finally {
      for (AmpleCli.Child c : children) {
        c.process().destroyForcibly();
      }
    }
  }

  private static void signal(AmpleCli.Child child, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(child.process().pid()))
        .inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }
}

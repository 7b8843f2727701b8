// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs on loopback, the real CLI in each: a learner ({@code ./ample train} with {@code
 * cluster.enabled}) and two workers ({@code ./ample worker --join}) on the built-in CartPole.
 * Both workers' steps reach the metrics; one is killed with {@code kill -9} and training goes on
 * without it within {@code cluster.wait-for-workers}; it is restarted, rejoins and is used again;
 * the run ends, the workers exit with it, and no process is left behind.
 */
class ClusterRolloutTest {

  @TempDir Path tmp;

  @Test
  void workersJoinDieRejoinAndLeaveNothingBehind() throws Exception {
    int port = ClusterRuns.freePort();
    Path run = tmp.resolve("run");
    String join = "127.0.0.1:" + port;
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      // 2 learner envs + 2 x 2 worker envs, T = 32: 192 steps an iteration, 3 minibatches of 64.
      AmpleCli.Child learner = ClusterRuns.learner(tmp, run, join, 2,
          "train.agent-steps=" + 192 * 40, "cluster.wait-for-workers=4s",
          "cluster.unreachable-after=3s", "cluster.down-after=2s");
      children.add(learner);
      AmpleCli.Child first = worker(join);
      AmpleCli.Child second = worker(join);
      children.add(first);
      children.add(second);

      JsonNode both = ClusterRuns.awaitLine(learner, run, m -> m.get("worker_steps").size() == 2);
      assertEquals(192, both.get("agent_steps").asLong() / both.get("iteration").asLong());
      assertEquals(64, both.get("local_steps").asLong());
      both.get("worker_steps").forEach(steps -> assertEquals(64, steps.asLong()));
      long killedAt = both.get("iteration").asLong();

      first.kill();
      JsonNode without = ClusterRuns.awaitLine(learner, run, m -> m.get("iteration").asLong() > killedAt
          && m.get("worker_steps").size() == 1 && m.get("workers_alive").asInt() == 1);
      assertEquals(64 + 64, without.get("agent_steps").asLong()
          - ClusterRuns.previous(run, without).get("agent_steps").asLong(), "an iteration of 4 envs");

      AmpleCli.Child restarted = worker(join);
      children.add(restarted);
      long restartedAt = without.get("iteration").asLong();
      ClusterRuns.awaitLine(learner, run, m -> m.get("iteration").asLong() > restartedAt
          && m.get("worker_steps").size() == 2);

      learner.await().assertOk();
      second.await().assertOk();
      AmpleCli.Done again = restarted.await().assertOk();
      assertTrue(again.out().contains("the learner ended the run"), again.out());
      List<JsonNode> metrics = AmpleCli.lines(run.resolve("metrics.jsonl"));
      assertEquals(40, metrics.get(metrics.size() - 1).get("iteration").asLong());
      assertTrue(metrics.stream().anyMatch(m -> m.get("dropped_fragments").asInt() > 0
          || m.get("worker_steps").size() == 1), "the killed worker's absence is in the metrics");
      ClusterRuns.assertNoProcessLeft(children);
    } finally {
      for (AmpleCli.Child c : children) {
        c.process().descendants().forEach(ProcessHandle::destroyForcibly);
        c.process().destroyForcibly();
      }
    }
  }

  /**
   * A worker whose {@code --envs} would break the learner's minibatches exits 2 naming the fix;
   * the learner, which never got it, gives up after {@code cluster.start-timeout} saying why.
   */
  @Test
  void aWorkerWhoseEnvsBreakTheMinibatchesIsRefused() throws Exception {
    String join = "127.0.0.1:" + ClusterRuns.freePort();
    Path run = tmp.resolve("refusing");
    AmpleCli.Child learner = ClusterRuns.learner(tmp, run, join, 1, "cluster.start-timeout=20s");
    try {
      AmpleCli.Done refused = AmpleCli.start(tmp, List.of(), "worker", "--join", join,
          "--envs", "3").await();
      refused.assertRefused("32 x 3 = 96 is not a multiple of the learner's"
          + " ppo.minibatch-size = 64", "--envs K");
      learner.await().assertRefused("fewer than cluster.min-workers = 1 workers joined");
    } finally {
      learner.process().destroyForcibly();
    }
  }

  private AmpleCli.Child worker(String join) throws IOException {
    return AmpleCli.start(tmp, List.of(), "worker", "--join", join, "--envs", "2",
        "--learner-timeout", "30", "--unreachable-after", "3", "--down-after", "2");
  }
}

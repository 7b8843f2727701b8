// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synchronous cluster protocol learns: the built-in CartPole trained with two remote workers
 * (the learner's 4 envs + 2 x 2 on the workers) reaches the mean return of the same config on the
 * local rollout (8 envs on the learner), within the same budget. The seeds of the workers' envs
 * differ from the local run's, so the two runs differ; the test allows for that (measured here,
 * loaded machine: local 86.7, cluster 95.2 after 30,720 agent steps; random play is about 22).
 */
class ClusterLearnsTest {

  private static final List<String> CARTPOLE = List.of("--set", "env.id=cartpole",
      "--set", "ppo.rollout-steps=64", "--set", "ppo.minibatch-size=128",
      "--set", "train.agent-steps=" + 512 * 60, "--set", "train.eval-every=0",
      "--set", "train.gradstats-every=0", "--set", "train.runners=1");

  @TempDir Path tmp;

  @Test
  void twoRemoteWorkersLearnAsTheLocalRolloutDoes() throws Exception {
    Path local = tmp.resolve("local");
    List<String> localArgs = new ArrayList<>(List.of("train", "--run-dir", local.toString(),
        "--set", "env.num-envs=8"));
    localArgs.addAll(CARTPOLE);
    AmpleCli.run(tmp, localArgs.toArray(String[]::new)).assertOk();

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String join = "127.0.0.1:" + port;
    Path cluster = tmp.resolve("cluster");
    List<String> clusterArgs = new ArrayList<>(List.of("train", "--run-dir", cluster.toString(),
        "--set", "env.num-envs=4", "--set", "cluster.enabled=true",
        "--set", "cluster.bind=\"" + join + "\"", "--set", "cluster.min-workers=2",
        "--set", "cluster.envs-per-worker=2"));
    clusterArgs.addAll(CARTPOLE);
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      children.add(AmpleCli.start(tmp, List.of(), clusterArgs.toArray(String[]::new)));
      for (int w = 0; w < 2; w++) {
        children.add(AmpleCli.start(tmp, List.of(), "worker", "--join", join));
      }
      for (AmpleCli.Child c : children) {
        c.await().assertOk();
      }
    } finally {
      children.forEach(c -> c.process().destroyForcibly());
    }

    JsonNode last = last(local);
    JsonNode clustered = last(cluster);
    assertEquals(last.get("agent_steps").asLong(), clustered.get("agent_steps").asLong(),
        "the same budget");
    assertEquals(2, clustered.get("worker_steps").size(), "both workers in the last iteration");
    double localReturn = last.get("episode_return_mean").asDouble();
    double clusterReturn = clustered.get("episode_return_mean").asDouble();
    System.out.printf("CartPole, %d agent steps: local rollout %.1f, two remote workers %.1f%n",
        last.get("agent_steps").asLong(), localReturn, clusterReturn);
    assertTrue(localReturn > 60, "the local rollout learns: " + localReturn);
    assertTrue(clusterReturn > 0.75 * localReturn, "the cluster learns as well: " + clusterReturn
        + " vs local " + localReturn);
  }

  private static JsonNode last(Path run) throws Exception {
    List<JsonNode> lines = AmpleCli.lines(run.resolve("metrics.jsonl"));
    return lines.get(lines.size() - 1);
  }
}

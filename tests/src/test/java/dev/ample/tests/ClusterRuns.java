// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Watching a cluster run's learner while its workers come and go. */
final class ClusterRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterRuns() {}

  /**
   * Starts {@code ./ample train} as a cluster's learner on the built-in CartPole: 2 envs of its
   * own, T = 32, minibatches of 64, workers of 2 envs each ({@code --envs 2}), no test episodes
   * or gradient statistics.
   *
   * @param settings further {@code key=value} settings (each after a {@code --set})
   */
  static AmpleCli.Child learner(Path logs, Path run, String join, int minWorkers,
      String... settings) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--run-dir", run.toString()));
    List<String> all = new ArrayList<>(List.of("env.id=cartpole", "env.num-envs=2",
        "ppo.rollout-steps=32", "ppo.minibatch-size=64", "train.runners=1", "train.eval-every=0",
        "train.gradstats-every=0", "cluster.enabled=true", "cluster.bind=\"" + join + "\"",
        "cluster.min-workers=" + minWorkers, "cluster.envs-per-worker=2"));
    all.addAll(List.of(settings));
    for (String setting : all) {
      args.addAll(List.of("--set", setting));
    }
    return AmpleCli.start(logs, List.of(), args.toArray(String[]::new));
  }

  /** The first metrics line of a cluster run that satisfies {@code test}, waiting for it. */
  static JsonNode awaitLine(AmpleCli.Child learner, Path run, Predicate<JsonNode> test)
      throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (JsonNode m : wholeLines(run.resolve("metrics.jsonl"))) {
        if (m.has("worker_steps") && test.test(m)) {
          return m;
        }
      }
      if (!learner.process().isAlive()) {
        fail("the learner exited early: " + Files.readString(learner.err())
            + Files.readString(learner.out()));
      }
      Thread.sleep(200);
    }
    return fail("no such metrics line in 180 s: " + Files.readString(learner.out()));
  }

  /** The metrics line of the iteration before {@code line}'s. */
  static JsonNode previous(Path run, JsonNode line) throws IOException {
    long iteration = line.get("iteration").asLong();
    return AmpleCli.lines(run.resolve("metrics.jsonl")).stream()
        .filter(m -> m.get("iteration").asLong() == iteration - 1).findFirst().orElseThrow();
  }

  /** A port free now, for a learner's {@code cluster.bind}. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Every child has exited, and nothing it started (a JVM, a Python env) is left. */
  static void assertNoProcessLeft(List<AmpleCli.Child> children) {
    for (AmpleCli.Child c : children) {
      assertFalse(c.process().isAlive(), "every JVM exited");
    }
    assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
        "no process of this test is left (JVM or Python)");
  }

  /** The lines written so far, without a last one still being written. */
  private static List<JsonNode> wholeLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text = Files.readString(file);
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}

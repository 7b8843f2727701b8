// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ample.rollout.cluster.ClusterTls;
import dev.ample.rollout.cluster.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands with {@code cluster.tls}: a learner ({@code ./ample train}) and a worker ({@code
 * ./ample worker --tls-...}) holding README's keytool material train together over mutual TLS,
 * while a worker with another keytool run's material is kept out (its handshake fails, it exits 2
 * and never gets a slot); the stores' password is in no file of the run directory and on no
 * console. Without TLS a node refuses to bind or join anything but loopback.
 */
class ClusterTlsCliTest {

  @TempDir Path tmp;

  @Test
  void aWorkerWithTheClustersKeyTrainsAndAStrangerIsKeptOut() throws Exception {
    ClusterTls material = TlsMaterial.make(Files.createDirectory(tmp.resolve("cluster-key")));
    ClusterTls stranger = TlsMaterial.make(Files.createDirectory(tmp.resolve("other-key")));
    String password = Files.readAllLines(material.passwordFile()).get(0);
    String join = "127.0.0.1:" + ClusterRuns.freePort();
    Path run = tmp.resolve("run");
    List<AmpleCli.Child> children = new ArrayList<>();
    try {
      // 2 learner envs + one worker's 2, T = 32: 128 steps an iteration, 2 minibatches of 64.
      AmpleCli.Child learner = ClusterRuns.learner(tmp, run, join, 1,
          "train.agent-steps=" + 128 * 6,
          "cluster.tls.key-store=\"" + material.keyStore() + "\"",
          "cluster.tls.password-file=\"" + material.passwordFile() + "\"");
      children.add(learner);

      AmpleCli.Child intruder = worker(join, stranger, "8");
      children.add(intruder);
      AmpleCli.Done refused = intruder.await();
      assertEquals(2, refused.code(), "the stranger exits 2:\n" + refused.err());
      String line = refused.err().lines().filter(l -> l.startsWith("ample:")).findFirst()
          .orElse(refused.err());
      assertTrue(line.contains("the learner at " + join + " does not accept this worker's TLS"
          + " material (PKIX path validation failed"), line);

      AmpleCli.Child worker = worker(join, material, "60");
      children.add(worker);
      AmpleCli.Done trained = learner.await().assertOk();
      AmpleCli.Done served = worker.await().assertOk();
      assertTrue(trained.out().contains("cluster: learner at " + join + " (mutual TLS)"),
          trained.out());
      assertTrue(served.out().contains("(mutual TLS,"), served.out());
      assertTrue(served.out().contains("the learner ended the run"), served.out());
      assertEquals(1, trained.out().lines().filter(l -> l.contains(" joined (slot ")).count(),
          "one worker joined, not the stranger:\n" + trained.out());

      List<JsonNode> metrics = AmpleCli.lines(run.resolve("metrics.jsonl"));
      assertEquals(6, metrics.size());
      for (JsonNode m : metrics) {
        assertEquals(1, m.get("worker_steps").size(), m.toString());
        m.get("worker_steps").forEach(steps -> assertEquals(64, steps.asLong()));
      }

      for (AmpleCli.Done done : List.of(refused, trained, served)) {
        assertFalse((done.out() + done.err()).contains(password), "the password on a console");
      }
      try (Stream<Path> files = Files.walk(run)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
              .contains(password), "the password in " + file);
        }
      }
      assertTrue(Files.readString(run.resolve("config.conf")).contains(
          material.passwordFile().toString()), "config.conf names the password file");
    } finally {
      for (AmpleCli.Child c : children) {
        c.process().destroyForcibly();
      }
    }
  }

  @Test
  void withoutTlsNoNodeBindsOrJoinsBeyondLoopback() throws Exception {
    AmpleCli.run(tmp, "worker", "--join", "10.1.2.3:25520", "--bind", "10.1.2.4:0")
        .assertRefused("10.1.2.4:0 is not a loopback address", "--tls-key-store");
    AmpleCli.run(tmp, "worker", "--join", "10.1.2.3:25520")
        .assertRefused("is on another machine, but this node listens on 127.0.0.1:0");
    AmpleCli.run(tmp, "worker", "--join", "127.0.0.1:25520", "--bind", "0.0.0.0:0")
        .assertRefused("0.0.0.0:0 is not a loopback address");
    AmpleCli.run(tmp, "worker", "--join", "10.1.2.3:25520", "--tls-key-store", "k.p12")
        .assertRefused("--tls-password-file");
    Path run = tmp.resolve("run");
    AmpleCli.run(tmp, AmpleCli.train(run, List.of("--set", "cluster.enabled=true",
            "--set", "cluster.bind=\"0.0.0.0:25520\"")))
        .assertRefused("0.0.0.0:25520 is not a loopback address", "cluster.tls.key-store");
    assertFalse(Files.exists(run), "a refused start leaves no run directory");
  }

  private AmpleCli.Child worker(String join, ClusterTls tls, String learnerTimeout)
      throws IOException {
    return AmpleCli.start(tmp, List.of(), "worker", "--join", join, "--envs", "2",
        "--learner-timeout", learnerTimeout, "--tls-key-store", tls.keyStore().toString(),
        "--tls-password-file", tls.passwordFile().toString());
  }
}

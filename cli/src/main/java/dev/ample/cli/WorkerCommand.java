// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.typesafe.config.ConfigFactory;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.rollout.cluster.ClusterNode;
import dev.ample.rollout.cluster.ClusterTls;
import dev.ample.rollout.cluster.RolloutWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ample worker}: a rollout worker node ({@link RolloutWorker}). It needs no config file:
 * the learner sends the run's env config and network section when the worker joins.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a learner (./ample train with cluster.enabled = true) as a rollout worker: join its"
          + " cluster, build the run's envs, collect a T x K fragment per iteration with the"
          + " newest weights, until the learner ends the run.",
      "Prints one line per fragment. Exits 0 when the learner ends the run; when the learner is"
          + " lost it tries to rejoin for --learner-timeout, then exits 2."
    })
public final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--join", required = true, paramLabel = "HOST:PORT",
      description = "the learner's cluster.bind address")
  String join;

  @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "where this worker listens (default ${DEFAULT-VALUE}: any free port)")
  String bind;

  @Option(names = "--envs", paramLabel = "K",
      description = "envs on this worker (default: the learner's cluster.envs-per-worker)")
  Integer envs;

  @Option(names = "--runners", paramLabel = "R", defaultValue = "1",
      description = "EnvRunner actors the envs are split over (default ${DEFAULT-VALUE})")
  int runners;

  @Option(names = "--rom-dir", paramLabel = "DIR",
      description = "ROM folder on this machine (default: the learner's env.rom-dir)")
  Path romDir;

  @Option(names = "--learner-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "how long to try to reach the learner, at the start and after losing it"
          + " (default ${DEFAULT-VALUE})")
  long learnerTimeout;

  @Option(names = "--unreachable-after", paramLabel = "SECONDS", defaultValue = "5",
      description = "heartbeat pause after which the learner counts as unreachable")
  long unreachableAfter;

  @Option(names = "--down-after", paramLabel = "SECONDS", defaultValue = "5",
      description = "an unreachable learner is given up after this much more")
  long downAfter;

  @Option(names = "--compress", defaultValue = "false",
      description = "deflate fragments (a win on links slower than about 2.4 Gbit/s; off on"
          + " one host)")
  boolean compress;

  @Option(names = "--tls-key-store", paramLabel = "FILE",
      description = "PKCS12 key store with the cluster's key (the learner's cluster.tls.key-store;"
          + " needed to bind or join beyond 127.0.0.1)")
  Path tlsKeyStore;

  @Option(names = "--tls-password-file", paramLabel = "FILE",
      description = "file whose first line is the key store's password")
  Path tlsPasswordFile;

  @Option(names = "--tls-trust-store", paramLabel = "FILE",
      description = "certificates accepted from the other nodes (default: the key store)")
  Path tlsTrustStore;

  @Override
  public Integer call() {
    if (learnerTimeout < 1 || unreachableAfter < 1 || downAfter < 1) {
      throw new IllegalArgumentException("--learner-timeout, --unreachable-after and"
          + " --down-after must be >= 1 s");
    }
    ClusterNode node = new ClusterNode(ClusterNode.WORKER_ROLE,
        ClusterNode.HostPort.parse(bind, "--bind"), ClusterNode.HostPort.parse(join, "--join"),
        Duration.ofSeconds(unreachableAfter), Duration.ofSeconds(downAfter),
        Duration.ofSeconds(learnerTimeout), compress, tls());
    System.out.println("worker: joining the learner at " + node.learner() + " (" + node.transport()
        + ", trying for " + learnerTimeout + " s)");
    return RolloutWorker.run(new RolloutWorker.Settings(node, envs, runners, romDir),
        (network, space, numActions) -> NetworkSettings.from(ConfigFactory.parseString(network))
            .architecture(space, numActions),
        System.out::println);
  }

  /** The {@code --tls-*} options as {@code cluster.tls}, or null when none is given. */
  private ClusterTls tls() {
    if (tlsKeyStore == null && tlsPasswordFile == null && tlsTrustStore == null) {
      return null;
    }
    if (tlsKeyStore == null || tlsPasswordFile == null) {
      throw new IllegalArgumentException("TLS needs both --tls-key-store and --tls-password-file"
          + " (the files the learner's cluster.tls names, copied to this machine)");
    }
    return new ClusterTls(tlsKeyStore, tlsTrustStore == null ? tlsKeyStore : tlsTrustStore,
        tlsPasswordFile);
  }
}

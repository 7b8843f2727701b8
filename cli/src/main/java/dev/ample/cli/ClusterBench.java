// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutEnvs;
import dev.ample.rollout.cluster.ClusterNode;
import dev.ample.rollout.cluster.ClusterRollout;
import dev.ample.rollout.cluster.RolloutWorker;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./ample bench rollout --cluster}: collect throughput of the learner's envs alone (its
 * {@link LocalRollout}) against the same envs plus one worker node with as many envs, in this
 * JVM, joined over Artery TCP on loopback (its fragments really cross the wire serializer and a
 * socket), alternating round by round. Collect only, no learning.
 */
final class ClusterBench {

  private ClusterBench() {}

  static void run(ExperimentSettings experiment, int rounds, int warmup, ObjectNode out)
      throws IOException {
    TrainSettings train = experiment.train();
    EnvConfig env = experiment.env();
    Device device = train.djlDevice();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ClusterNode.HostPort learnerAddress = new ClusterNode.HostPort("127.0.0.1", port);
    Duration timeout = Duration.ofSeconds(60);
    ClusterNode learnerNode = new ClusterNode(ClusterNode.LEARNER_ROLE, learnerAddress,
        learnerAddress, Duration.ofSeconds(10), Duration.ofSeconds(5), timeout, false, null);
    ClusterNode workerNode = new ClusterNode(ClusterNode.WORKER_ROLE,
        new ClusterNode.HostPort("127.0.0.1", 0), learnerAddress, Duration.ofSeconds(10),
        Duration.ofSeconds(5), timeout, false, null);
    RolloutEnvs envs = RolloutEnvs.open(env, train.runners());
    ObservationSpace space = envs.observationSpace();
    int numActions = envs.numActions();
    int steps = train.rolloutSteps();
    NetworkSettings network = experiment.network();
    Thread worker = new Thread(() -> RolloutWorker.run(new RolloutWorker.Settings(workerNode,
            env.numEnvs(), train.runners(), null),
        (config, s, a) -> NetworkSettings.from(ConfigFactory.parseString(config))
            .architecture(s, a), line -> { }), "bench-worker");
    worker.setDaemon(true);
    try (NDManager base = NDManager.newBaseManager(device)) {
      PolicyValueNetwork net = network.create(space, numActions, train.seed(), base);
      PolicySnapshot policy = PolicySnapshot.of(0, net);
      try (Agent agent = Agent.create(() -> network.architecture(space, numActions), space,
          policy, device)) {
        LocalRollout local = LocalRollout.start(envs, agent, train.seed());
        worker.start();
        try (ClusterRollout cluster = ClusterRollout.start(local,
            new ClusterRollout.Settings(learnerNode, 1, timeout, timeout, timeout),
            new ClusterRollout.Assignment(env, network.toHocon(), train.ppo().minibatchSize(),
                train.seed()), steps, line -> { })) {
          List<Double> localRates = new ArrayList<>();
          List<Double> clusterRates = new ArrayList<>();
          List<Double> bytes = new ArrayList<>();
          List<Double> decodeMs = new ArrayList<>();
          for (int r = -warmup; r < rounds; r++) {
            double localS = 0;
            double clusterS = 0;
            ClusterRollout.Collected collected = null;
            for (int k = 0; k < 2; k++) {
              long t0 = System.nanoTime();
              if ((k == 0) == (Math.floorMod(r, 2) == 0)) {
                local.collect(steps, policy);
                localS = (System.nanoTime() - t0) / 1e9;
              } else {
                collected = cluster.collect(steps, policy);
                clusterS = (System.nanoTime() - t0) / 1e9;
              }
            }
            if (r >= 0) {
              localRates.add((double) steps * env.numEnvs() / localS);
              clusterRates.add(collected.batch().agentSteps() / clusterS);
              bytes.add((double) collected.stats().fragmentBytes());
              decodeMs.add(collected.stats().decodeMs()
                  / Math.max(1, collected.stats().fragments()));
            }
          }
          double a = BenchRolloutCommand.median(localRates);
          double b = BenchRolloutCommand.median(clusterRates);
          System.out.printf("ample bench rollout --cluster: %s, learner %d envs on %d runners;"
                  + " + one worker node (same JVM, Artery TCP on loopback, %d envs, its own"
                  + " network); median of %d rounds of %d steps (after %d warm-up)%n", env.id(),
              env.numEnvs(), train.runners(), env.numEnvs(), rounds, steps, warmup);
          System.out.printf("(a) learner's envs alone:        %,.0f steps/s%n", a);
          System.out.printf("(b) learner + one worker:        %,.0f steps/s (%.2fx)%n", b, b / a);
          System.out.printf("fragment on the wire: %,.0f bytes per iteration, decoded in %.2f ms"
              + " (wire serializer, learner side)%n", BenchRolloutCommand.median(bytes),
              BenchRolloutCommand.median(decodeMs));
          System.out.println("both nodes share this machine's cores: (b) over (a) shows the"
              + " protocol's overhead and what a second node's envs add when cores are free,"
              + " not the speed-up of a second machine");
          out.put("local_steps_per_s", BenchRolloutCommand.round(a));
          out.put("cluster_steps_per_s", BenchRolloutCommand.round(b));
          out.put("cluster_over_local", BenchRolloutCommand.round(b / a));
          out.put("fragment_bytes_per_iteration", Math.round(BenchRolloutCommand.median(bytes)));
          out.put("fragment_decode_ms", BenchRolloutCommand.round(
              BenchRolloutCommand.median(decodeMs)));
        }
      }
    }
    try {
      worker.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

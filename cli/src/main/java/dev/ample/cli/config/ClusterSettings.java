// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.ample.rollout.cluster.ClusterNode;
import dev.ample.rollout.cluster.ClusterRollout;
import dev.ample.rollout.cluster.ClusterTls;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code cluster} section: whether {@code ./ample train} is the learner node of a rollout
 * cluster, and how it treats its workers ({@code ./ample worker --join}).
 *
 * @param enabled false: the single-node rollout, the rest of the section unread
 * @param bind the learner's host:port, which workers join
 * @param minWorkers workers the start and every iteration wait for
 * @param startTimeout how long the start waits for them (it fails without them)
 * @param waitForWorkers how long an iteration waits for them, then goes on with those it has
 * @param envsPerWorker envs of a worker started without {@code --envs}; the budget counts
 *     {@code min-workers} such workers per iteration
 * @param fragmentTimeout how long an iteration waits for a joined worker's fragment
 * @param unreachableAfter heartbeats may pause this long before a node counts as unreachable
 * @param downAfter an unreachable worker is downed (its fragment dropped) after this much more
 * @param tls mutual TLS between the nodes ({@code cluster.tls}), or null (plain TCP, loopback
 *     only: an enabled cluster with another {@code bind} is refused here)
 */
public record ClusterSettings(boolean enabled, ClusterNode.HostPort bind, int minWorkers,
    Duration startTimeout, Duration waitForWorkers, int envsPerWorker, Duration fragmentTimeout,
    Duration unreachableAfter, Duration downAfter, ClusterTls tls) {

  private static final Set<String> KEYS = Set.of("enabled", "bind", "min-workers",
      "start-timeout", "wait-for-workers", "envs-per-worker", "fragment-timeout", "unreachable-after",
      "down-after", "tls");
  private static final Set<String> TLS_KEYS = Set.of("key-store", "trust-store", "password-file");

  public ClusterSettings {
    require(minWorkers >= 0, "cluster.min-workers must be >= 0, got " + minWorkers);
    require(envsPerWorker >= 1, "cluster.envs-per-worker must be >= 1, got " + envsPerWorker);
    for (Duration d : new Duration[] {startTimeout, waitForWorkers, fragmentTimeout, unreachableAfter,
        downAfter}) {
      require(!d.isNegative() && !d.isZero(), "cluster timeouts must be positive (e.g. 10s),"
          + " got " + d);
    }
    if (enabled) {
      // A bind beyond loopback without TLS fails here, before anything starts.
      learnerNode(bind, unreachableAfter, downAfter, startTimeout, tls);
    }
  }

  /** Parses {@code ample.cluster} of a config from {@link ExperimentConfigs#load}. */
  public static ClusterSettings from(Config resolved) {
    try {
      Config c = resolved.getConfig("ample.cluster");
      ConfigKeys.requireKnown(c, KEYS, "cluster");
      return new ClusterSettings(c.getBoolean("enabled"),
          ClusterNode.HostPort.parse(c.getString("bind"), "cluster.bind"),
          c.getInt("min-workers"), c.getDuration("start-timeout"),
          c.getDuration("wait-for-workers"),
          c.getInt("envs-per-worker"), c.getDuration("fragment-timeout"),
          c.getDuration("unreachable-after"), c.getDuration("down-after"), tls(c));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("config section cluster: " + e.getMessage()
          + " (see the Cluster rollouts section of README.md)", e);
    }
  }

  /** {@code cluster.tls}, or null when the section is empty (the default). */
  private static ClusterTls tls(Config cluster) {
    Config tls = cluster.getConfig("tls");
    if (tls.isEmpty()) {
      return null;
    }
    ConfigKeys.requireKnown(tls, TLS_KEYS, "cluster.tls");
    return ClusterTls.from(tls);
  }

  /** Envs the budget counts per iteration on top of the learner's own. */
  public int nominalWorkerEnvs() {
    return enabled ? minWorkers * envsPerWorker : 0;
  }

  /** The learner node's settings. */
  public ClusterRollout.Settings learner() {
    ClusterNode node = learnerNode(bind, unreachableAfter, downAfter, startTimeout, tls);
    return new ClusterRollout.Settings(node, minWorkers, startTimeout, waitForWorkers,
        fragmentTimeout);
  }

  private static ClusterNode learnerNode(ClusterNode.HostPort bind, Duration unreachableAfter,
      Duration downAfter, Duration startTimeout, ClusterTls tls) {
    return new ClusterNode(ClusterNode.LEARNER_ROLE, bind, bind, unreachableAfter, downAfter,
        startTimeout, false, tls);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.ample.rollout.AkkaBase;
import dev.ample.rollout.wire.WireSerializer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * One node of a rollout cluster (the learner or a worker) and the Akka config it runs with, made
 * in one place ({@link #akkaConfig()}): Artery TCP on {@code bind}, the learner's address as the
 * one seed node, the wire serializer with Java serialization off, and the split-brain resolver in
 * {@code keep-oldest} mode on the {@value #LEARNER_ROLE} role with {@code down-if-alone = off}:
 * the learner is the cluster's first and so oldest member, so its side of any partition survives,
 * an unreachable worker is downed by it, and a worker cut off from the learner downs itself (its
 * actor system then ends, which is how a worker notices that the learner is gone).
 *
 * @param role {@value #LEARNER_ROLE} or {@value #WORKER_ROLE}
 * @param bind host and port this node listens on (port 0: any free one)
 * @param learner the learner's host and port (a learner passes its own {@code bind})
 * @param unreachableAfter heartbeats may pause this long before a node counts as unreachable
 *     (the failure detector's acceptable heartbeat pause)
 * @param downAfter an unreachable node is downed once the membership was stable this long (the
 *     split-brain resolver's {@code stable-after})
 * @param joinTimeout a node that cannot join the learner within this time ends its actor system
 * @param compressFragments deflate the fragments this node sends ({@code ample.wire})
 * @param tls mutual TLS between the nodes ({@code cluster.tls}), or null for plain TCP, which is
 *     allowed on loopback addresses only: a node that binds or joins another address without TLS
 *     is refused, as anyone who reaches its port could otherwise join the cluster
 */
public record ClusterNode(String role, HostPort bind, HostPort learner, Duration unreachableAfter,
    Duration downAfter, Duration joinTimeout, boolean compressFragments, ClusterTls tls) {

  /** Every node's actor system is called this: Akka addresses carry it. */
  public static final String SYSTEM_NAME = "ample";
  public static final String LEARNER_ROLE = "learner";
  public static final String WORKER_ROLE = "worker";

  public ClusterNode {
    if (!role.equals(LEARNER_ROLE) && !role.equals(WORKER_ROLE)) {
      throw new IllegalArgumentException("a cluster node is a learner or a worker, not " + role);
    }
    for (Duration d : List.of(unreachableAfter, downAfter, joinTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("cluster timeouts must be positive, got " + d);
      }
    }
    if (bind.isLoopback() && !learner.isLoopback()) {
      throw new IllegalArgumentException("the learner " + learner + " is on another machine, but"
          + " this node listens on " + bind + ", which only this machine reaches; bind an"
          + " address of this machine that the learner reaches (./ample worker --bind HOST:PORT)");
    }
    if (tls == null) {
      for (HostPort address : List.of(bind, learner)) {
        if (!address.isLoopback()) {
          throw new IllegalArgumentException(address + " is not a loopback address, and a"
              + " cluster reachable from other machines needs mutual TLS: cluster.tls.key-store"
              + " and cluster.tls.password-file in the learner's config, --tls-key-store and"
              + " --tls-password-file for ./ample worker (README: \"Running workers on other"
              + " machines, safely\"); or bind and join 127.0.0.1 on one machine");
        }
      }
    }
  }

  /** A {@code host:port} pair as users type it. */
  public record HostPort(String host, int port) {
    public HostPort {
      if (host.isBlank() || port < 0 || port > 65535) {
        throw new IllegalArgumentException("'" + host + ":" + port + "' is not a host:port");
      }
    }

    /**
     * Parses {@code HOST:PORT} (e.g. {@code 127.0.0.1:25520}).
     *
     * @param what the option or key, for the error line
     */
    public static HostPort parse(String text, String what) {
      int colon = text.lastIndexOf(':');
      try {
        if (colon > 0) {
          return new HostPort(text.substring(0, colon),
              Integer.parseInt(text.substring(colon + 1)));
        }
      } catch (IllegalArgumentException e) {
        // the line below names the fix
      }
      throw new IllegalArgumentException(what + " = '" + text + "' is not HOST:PORT (e.g."
          + " 127.0.0.1:25520)");
    }

    /**
     * Whether the host is this machine's loopback interface, which other machines cannot reach
     * ({@code localhost}, {@code 127.x.x.x}, {@code ::1}); a host name that does not resolve
     * counts as not loopback.
     */
    public boolean isLoopback() {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * The node's whole Akka config: this block over the wire serializer's ({@link
   * WireSerializer#akkaConfig()}) over Akka's reference config. Transport {@code tcp}, or with
   * {@link #tls} Artery's {@code tls-tcp} and its key stores ({@link ClusterTls#arteryFragment()},
   * which checks the files first and holds the stores' password: never log or render this config).
   */
  public Config akkaConfig() {
    // A peer that leaves or dies makes Artery's streams warn about aborted connections, which
    // the cluster's own lines (a worker left, was downed) already say.
    if (System.getProperty("org.slf4j.simpleLogger.log.akka.stream.Materializer") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.akka.stream.Materializer", "error");
    }
    Config node = ConfigFactory.parseString(String.join("\n",
        AkkaBase.config(),
        AkkaBase.pinnedDispatcher(WORKER_DISPATCHER),
        "akka {",
        "  actor.provider = cluster",
        "  remote.artery.transport = tcp",
        "  remote.artery.log-received-messages = off",
        "  cluster {",
        "    downing-provider-class = \"akka.cluster.sbr.SplitBrainResolverProvider\"",
        "    split-brain-resolver.active-strategy = keep-oldest",
        "    split-brain-resolver.keep-oldest.down-if-alone = off",
        "    split-brain-resolver.keep-oldest.role = " + LEARNER_ROLE,
        "    jmx.enabled = off",
        "    log-info = off",
        "  }",
        "}"))
        .withValue("akka.remote.artery.canonical.hostname", value(bind.host()))
        .withValue("akka.remote.artery.canonical.port", value(bind.port()))
        .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)))
        .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(
            "akka://" + SYSTEM_NAME + "@" + learner.host() + ":" + learner.port())))
        .withValue("akka.cluster.failure-detector.acceptable-heartbeat-pause",
            value(unreachableAfter.toMillis() + "ms"))
        .withValue("akka.cluster.split-brain-resolver.stable-after",
            value(downAfter.toMillis() + "ms"))
        .withValue("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes",
            value(joinTimeout.toMillis() + "ms"))
        .withValue("ample.wire.compress-fragments", value(compressFragments));
    Config transport = tls == null ? ConfigFactory.empty() : tls.arteryFragment();
    return transport.withFallback(node).withFallback(WireSerializer.akkaConfig())
        .withFallback(ConfigFactory.defaultReference(ClusterNode.class.getClassLoader()));
  }

  /** How the node talks to the others, for its start line. */
  public String transport() {
    return tls == null ? "plain TCP, this machine only" : "mutual TLS";
  }

  /** The pinned dispatcher a worker's endpoint runs on (it builds envs, which blocks). */
  static final String WORKER_DISPATCHER = "ample-worker-pinned";

  private static com.typesafe.config.ConfigValue value(Object v) {
    return ConfigValueFactory.fromAnyRef(v);
  }
}

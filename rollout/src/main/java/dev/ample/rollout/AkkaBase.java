// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

/**
 * What every ample actor system shares, the local rollout's and a cluster node's alike: logging
 * through slf4j at WARNING, no dead-letter chatter, daemon threads, and no JVM exit or shutdown
 * hook of Akka's own (the commands own the lifecycle: Akka's hook would race the trainer's Ctrl-C
 * handling), plus pinned dispatchers for actors that block in env steps or inference.
 */
public final class AkkaBase {

  private static final String SIMPLE_LOGGER_AKKA = "org.slf4j.simpleLogger.log.akka";

  private AkkaBase() {}

  /**
   * The shared HOCON block. Akka's Slf4jLogger announces itself at INFO whatever akka.loglevel
   * says, so under slf4j-simple (the cli's binding) this also keeps the akka.* loggers at WARN
   * unless the user chose a level.
   */
  public static String config() {
    if (System.getProperty(SIMPLE_LOGGER_AKKA) == null) {
      System.setProperty(SIMPLE_LOGGER_AKKA, "warn");
    }
    return String.join("\n",
        "akka {",
        "  loglevel = WARNING",
        "  stdout-loglevel = WARNING",
        "  loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
        "  logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
        "  log-dead-letters = off",
        "  log-dead-letters-during-shutdown = off",
        "  daemonic = on",
        "  coordinated-shutdown.exit-jvm = off",
        "  coordinated-shutdown.run-by-jvm-shutdown-hook = off",
        "}");
  }

  /**
   * A pinned dispatcher (one thread per actor) named {@code name}, whose threads stay across idle
   * learner updates (stable threads for DJL and the envs).
   */
  public static String pinnedDispatcher(String name) {
    return String.join("\n",
        name + " {",
        "  type = PinnedDispatcher",
        "  executor = thread-pool-executor",
        "  thread-pool-executor.allow-core-timeout = off",
        "}");
  }
}

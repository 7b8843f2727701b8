// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real {@code ample} command in a child JVM, started as {@code ./ample} starts it (its main
 * class, DJL offline) on this module's test classpath, which holds every module and the native
 * libraries. A child can be killed ({@code kill -9}), stopped (SIGTERM, as Ctrl-C) or run while
 * another one holds the same run directory, which an in-process call cannot do.
 */
final class AmpleCli {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private AmpleCli() {}

  /** A started child; its stdout and stderr go to files. */
  record Child(Process process, Path out, Path err) {
    /** Waits for the child to exit. */
    Done await() throws IOException, InterruptedException {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("ample did not finish within " + TIMEOUT + ": " + Files.readString(err));
      }
      return new Done(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code kill -9}: the process gets no chance to clean up. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** What a finished child printed and returned. */
  record Done(int code, String out, String err) {
    /** The {@code ample:} error line; fails unless there is exactly one and no stack trace. */
    String errorLine() {
      List<String> lines = err.lines().filter(l -> l.startsWith("ample")).toList();
      assertEquals(1, lines.size(), "one error line:\n" + err);
      assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace:\n" + err);
      return lines.get(0);
    }

    Done assertOk() {
      assertEquals(0, code, "exit status; stderr:\n" + err + "\nstdout:\n" + out);
      return this;
    }

    /** Exit status 2 with one error line holding every {@code expected} text. */
    String assertRefused(String... expected) {
      assertEquals(2, code, "exit status; stderr:\n" + err + "\nstdout:\n" + out);
      String line = errorLine();
      for (String e : expected) {
        assertTrue(line.contains(e), "'" + e + "' in: " + line);
      }
      return line;
    }
  }

  /**
   * Starts {@code ample args...}.
   *
   * @param logs where the child's stdout and stderr files go
   * @param jvmOptions extra JVM options, e.g. the full-disk hook
   */
  static Child start(Path logs, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dai.djl.offline=true",
        // One intra-op thread: two children may share the machine's cores.
        "-Dai.djl.pytorch.num_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
        "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.add("dev.ample.cli.AmpleCommand");
    command.addAll(List.of(args));
    int n = COUNT.incrementAndGet();
    Files.createDirectories(logs);
    Path out = logs.resolve("ample-" + n + ".out");
    Path err = logs.resolve("ample-" + n + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().remove("ALE_ROM_DIR"); // a missing ROM must stay missing
    return new Child(builder.start(), out, err);
  }

  static Done run(Path logs, String... args) throws IOException, InterruptedException {
    return start(logs, List.of(), args).await();
  }

  /** Small Catch runs: 8 envs x 32 steps = 256 agent steps and 3 x 4 optimizer steps each. */
  static List<String> small(String... more) {
    List<String> args = new ArrayList<>(List.of("--set", "ppo.rollout-steps=32",
        "--set", "ppo.minibatch-size=64", "--set", "train.eval-every=0"));
    for (String s : more) {
      args.addAll(List.of("--set", s));
    }
    return args;
  }

  static String[] train(Path runDir, List<String> settings, String... flags) {
    List<String> args = new ArrayList<>(List.of("train", "--run-dir", runDir.toString()));
    args.addAll(List.of(flags));
    args.addAll(settings);
    return args.toArray(String[]::new);
  }

  /** Every line of a JSON-lines log, each of which must parse (no half lines). */
  static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text = Files.readString(file);
    assertTrue(text.isEmpty() || text.endsWith("\n"), file + " ends in a whole line");
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** The metrics lines' iterations, checked to be 0, 1, 2, ... with agent_steps growing. */
  static List<Long> iterationsInOrder(Path runDir) throws IOException {
    List<Long> iterations = new ArrayList<>();
    long steps = -1;
    for (JsonNode line : lines(runDir.resolve("metrics.jsonl"))) {
      iterations.add(line.get("iteration").asLong());
      assertTrue(line.get("agent_steps").asLong() >= steps, "agent_steps monotonic: " + line);
      steps = line.get("agent_steps").asLong();
    }
    for (int i = 0; i < iterations.size(); i++) {
      assertEquals(iterations.get(0) + i, iterations.get(i),
          "iterations strictly increasing, none twice: " + iterations);
    }
    return iterations;
  }

  /** Every file under {@code dir} whose name ends in {@code .tmp}. */
  static List<Path> temporaries(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  /** Waits until the run has logged {@code count} lines of metrics (it is training). */
  static void awaitMetrics(Child child, Path runDir, int count) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Path metrics = runDir.resolve("metrics.jsonl");
    while (!Files.exists(metrics) || Files.readAllLines(metrics).size() < count) {
      if (!child.process().isAlive()) {
        fail("ample exited early: " + Files.readString(child.err()));
      }
      if (System.nanoTime() > deadline) {
        fail("no " + count + " metrics lines in " + TIMEOUT);
      }
      Thread.sleep(20);
    }
  }
}

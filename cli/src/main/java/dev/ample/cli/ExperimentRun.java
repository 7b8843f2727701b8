// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ample.cli.config.ExperimentSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer x seed run of {@code ./ample experiment}: an ordinary run directory {@code
 * EXP/<optimizer>-s<seed>/} trained by a child process of the same JVM command ({@code ample
 * train}, its output appended to {@code EXP/logs/<name>.log}), so runs are isolated from each
 * other and from the experiment's own process.
 *
 * @param settings the run's configuration (the experiment's, with its optimizer and seed)
 * @param overrides the {@code --set} options that make it from the experiment's config
 */
record ExperimentRun(String optimizer, long seed, Path dir, Path log, ExperimentSettings settings,
    List<String> overrides) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a run stands on disk before the experiment (re)starts it. */
  enum State {
    /** No checkpoint: started afresh (a failed start's leftovers are accepted by train). */
    NEW,
    /** A checkpoint short of the budget: continued with {@code --resume}. */
    INTERRUPTED,
    /** Its newest checkpoint reached the budget: nothing to do. */
    FINISHED
  }

  String name() {
    return dir.getFileName().toString();
  }

  /** The agent steps the run ends at: the whole iterations that fit in the budget. */
  long budget() {
    long perIteration = settings.agentStepsPerIteration();
    return settings.train().agentSteps() / perIteration * perIteration;
  }

  /**
   * From the newest checkpoint's iteration (its name) and the metrics line of that iteration:
   * finished when no whole iteration is left after it. A metrics line past the checkpoint (a run
   * killed before its last checkpoint) does not count: resume cuts it.
   */
  State state() throws IOException {
    Path checkpoint = new RunFiles(dir).newestCheckpointOrNull();
    if (checkpoint == null) {
      return State.NEW;
    }
    long iteration = RunFiles.iterationOf(checkpoint);
    long steps = -1;
    Path metrics = dir.resolve(RunDirectory.METRICS);
    if (Files.isRegularFile(metrics)) {
      for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
        JsonNode node = parse(line);
        if (node != null && node.path("iteration").asLong(-1) == iteration) {
          steps = node.path("agent_steps").asLong(-1);
        }
      }
    }
    return steps >= 0 && settings.iterationsLeft(steps) == 0 ? State.FINISHED : State.INTERRUPTED;
  }

  /** The JVM option that sets PyTorch's intra-op threads (DJL reads it at engine start). */
  static final String THREADS_OPTION = "-Dai.djl.pytorch.num_threads=";

  /**
   * The child process's command line: this JVM's java, options and class path.
   *
   * @param threads PyTorch threads for the child (intra-op; inter-op 1), or 0 for PyTorch's
   *     default (one per core); an option the user gave this JVM wins
   */
  List<String> command(Path configFile, State state, int threads) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments(), threads));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        AmpleCommand.class.getName()));
    command.addAll(trainArgs(configFile, state));
    return command;
  }

  /** {@code train ...} as a user would type it after {@code ./ample}. */
  List<String> trainArgs(Path configFile, State state) {
    List<String> args = new ArrayList<>(List.of("train"));
    if (state == State.NEW && configFile != null) {
      args.add(configFile.toString());
    }
    args.addAll(List.of("--run-dir", dir.toString()));
    if (state == State.INTERRUPTED) {
      args.add("--resume"); // the run's own config.conf, with the same overrides
    }
    for (String o : overrides) {
      args.addAll(List.of("--set", o));
    }
    return args;
  }

  /** This JVM's options for a child, with {@code threads} (as for {@link #command}) added. */
  static List<String> jvmOptions(List<String> inherited, int threads) {
    List<String> options = new ArrayList<>(inherited);
    if (threads > 0 && inherited.stream().noneMatch(o -> o.startsWith(THREADS_OPTION))) {
      options.addAll(List.of(THREADS_OPTION + threads, "-Dai.djl.pytorch.num_interop_threads=1"));
    }
    return options;
  }

  /**
   * Starts the child; its output is appended to {@link #log} after a header line.
   *
   * @param threads as for {@link #command}
   */
  Process start(Path configFile, State state, int threads) throws IOException {
    Files.createDirectories(log.getParent());
    Files.writeString(log, "== " + Instant.now() + " ./ample " + String.join(" ",
            trainArgs(configFile, state)) + System.lineSeparator(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder child = new ProcessBuilder(command(configFile, state, threads));
    if (threads > 0) {
      child.environment().putIfAbsent("OMP_NUM_THREADS", Integer.toString(threads));
    }
    return child
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectErrorStream(true)
        .start();
  }

  /** The last line of the log that names the problem ({@code ample: ...}), or its last line. */
  String failureLine() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("ample")) {
          return lines.get(i);
        }
      }
      return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return null; // a line cut off mid-write
    }
  }
}

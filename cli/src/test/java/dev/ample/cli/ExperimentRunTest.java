// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The child command line of an experiment's run: what it trains and with how many threads. */
class ExperimentRunTest {

  private static final ExperimentRun RUN = new ExperimentRun("eve", 2, Path.of("exp/eve-s2"),
      Path.of("exp/logs/eve-s2.log"),
      ExperimentSettings.from(ExperimentConfigs.load(null, List.of())), List.of("train.seed=2"));

  @Test
  void runsSideBySideShareTheCoresOutAsPyTorchThreads() {
    assertEquals(List.of("-Xmx1g", "-Dai.djl.pytorch.num_threads=3",
            "-Dai.djl.pytorch.num_interop_threads=1"),
        ExperimentRun.jvmOptions(List.of("-Xmx1g"), 3));
    assertEquals(List.of("-Xmx1g"), ExperimentRun.jvmOptions(List.of("-Xmx1g"), 0),
        "0: PyTorch's default");
    assertEquals(List.of("-Dai.djl.pytorch.num_threads=2"),
        ExperimentRun.jvmOptions(List.of("-Dai.djl.pytorch.num_threads=2"), 3),
        "the user's own setting wins");
    List<String> command = RUN.command(null, ExperimentRun.State.NEW, 1);
    assertEquals(List.of("train", "--run-dir", "exp/eve-s2", "--set", "train.seed=2"),
        command.subList(command.indexOf(AmpleCommand.class.getName()) + 1, command.size()));
  }

  @Test
  void threadsPerRunDivideTheCoresByTheRunsAtOnce() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(0, threadsFor("--parallel", "1"));
    assertEquals(Math.max(1, cores / 2), threadsFor("--parallel", "2"));
    assertEquals(1, threadsFor("--parallel", String.valueOf(cores * 4)));
  }

  private static int threadsFor(String... args) {
    ExperimentCommand command = new ExperimentCommand();
    new CommandLine(command).parseArgs(args);
    return command.threadsPerRun();
  }
}

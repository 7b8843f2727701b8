// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ample bench ...}: benchmark commands that print figures (never timed unit tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures; --json makes the last line one JSON object.",
    subcommands = {BenchOptimCommand.class, BenchLearnerCommand.class, BenchEnvsCommand.class,
      BenchCheckpointCommand.class, BenchRolloutCommand.class, BenchIterationsCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ample} command. Each sub-command lives in its own class. */
@Command(
    name = "ample",
    mixinStandardHelpOptions = true,
    version = "ample 0.1.0",
    description = "Train reinforcement-learning agents on Atari with per-example gradient optimizers.",
    subcommands = {
      CommandLine.HelpCommand.class,
      ConfigCommand.class,
      OptimizersCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      WorkerCommand.class,
      EvalCommand.class,
      PlotCommand.class,
      ExperimentCommand.class
    })
public final class AmpleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with ample's option and error handling (also what tests run). */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AmpleCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // A user error (bad option, unknown optimizer...) or a file-system error (unwritable, full)
    // is one clear line, not a stack trace.
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
              || ex instanceof IOException || ex instanceof UncheckedIOException) {
            commandLine.getErr().println("ample: " + ex.getMessage());
            return 2;
          }
          throw ex;
        });
    return cli;
  }
}

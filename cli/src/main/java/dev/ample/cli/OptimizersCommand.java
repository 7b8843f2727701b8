// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import dev.ample.optim.Hyperparameter;
import dev.ample.optim.Optimizers;
import dev.ample.optim.Statistic;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code ample optimizers}: every registered optimizer, its hyperparameters and statistics. */
@Command(
    name = "optimizers",
    mixinStandardHelpOptions = true,
    description = "List every optimizer: hyperparameters (default, allowed range) and the statistics it needs.")
public final class OptimizersCommand implements Runnable {

  @Override
  public void run() {
    for (Optimizers.Spec spec : Optimizers.specs()) {
      String stats = spec.statistics().stream().sorted().map(Statistic::name).collect(Collectors.joining(", "));
      System.out.printf("%s%n  %s%n  needs: %s%n", spec.name(), spec.doc(), stats);
      for (Hyperparameter h : spec.hyperparameters()) {
        System.out.printf("    %-20s %-10s %-12s %s%n", h.key(), h.defaultText(), h.range(), h.doc());
      }
      System.out.println();
    }
  }
}

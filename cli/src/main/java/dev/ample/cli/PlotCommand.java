// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import dev.ample.cli.plot.RunLog;
import dev.ample.cli.plot.TrainingFigures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ample plot}: PNG figures of one or more runs ({@link TrainingFigures}). */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = {
      "PNG figures of training runs from their metrics.jsonl and gradstats.jsonl: episode return,"
          + " PPO losses, update step length, per-tensor gradient statistics. Several runs are"
          + " overlaid, grouped by optimizer (mean ± std when a group has 2 or more runs).",
      "Prints the files written."
    })
public final class PlotCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories of"
      + " ./ample train")
  List<Path> runDirs;

  @Option(names = "--out", paramLabel = "DIR", description = "where the PNGs go (default:"
      + " RUN_DIR/plots/ for one run; for several, plots-<time>/ beside the first RUN_DIR)")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    List<RunLog> runs = new ArrayList<>();
    for (Path dir : runDirs) {
      RunLog run = RunLog.read(dir);
      if (!run.hasGradStats()) {
        console.println("note: no per-tensor figures for " + run.name() + ": "
            + run.missingGradStatsReason());
      }
      runs.add(run);
    }
    for (Path file : TrainingFigures.write(runs, out != null ? out : defaultOut())) {
      console.println(file);
    }
    console.flush();
    return 0;
  }

  private Path defaultOut() {
    if (runDirs.size() == 1) {
      return runDirs.get(0).resolve("plots");
    }
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path parent = runDirs.get(0).toAbsolutePath().normalize().getParent();
    return parent.resolve("plots-" + time);
  }

  /**
   * The figures of a run that {@code ./ample train} has just finished, in {@code <run>/plots/}.
   * The run is complete on disk by then, so whatever breaks here (a missing font library is an
   * Error) is one warning line, not a failed run.
   */
  static void plotFinishedRun(Path runDir) {
    Path plots = runDir.resolve(RunDirectory.PLOTS);
    try {
      int figures = TrainingFigures.write(List.of(RunLog.read(runDir)), plots).size();
      System.out.printf("plots: %d figures in %s%n", figures, plots);
    } catch (Exception | Error e) {
      System.err.println("warning: no plots written (" + e + "); draw them later with"
          + " ./ample plot " + runDir);
    }
  }
}

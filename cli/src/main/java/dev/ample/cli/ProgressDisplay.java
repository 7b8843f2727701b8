// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A live progress bar of one training run on a terminal ({@code me.tongfei:progressbar}): agent
 * steps of the budget, steps/s, ETA, and the last training and test return. Several bars (one per
 * run of {@code ./ample experiment}) stack, one line each. Where the output is not a terminal
 * (CI, {@code nohup}, a redirect) no bar is drawn and the commands print plain lines instead.
 */
final class ProgressDisplay implements AutoCloseable {
  private final ProgressBar bar;

  private ProgressDisplay(ProgressBar bar) {
    this.bar = bar;
  }

  /** Whether standard output is a terminal a bar can redraw (else: plain lines). */
  static boolean onTerminal() {
    return System.console() != null;
  }

  /**
   * A bar on standard error that starts at {@code startSteps} (a resumed run) after {@code
   * secondsBefore} of earlier training; steps/s and the ETA count from now.
   */
  static ProgressDisplay bar(String name, long startSteps, long totalSteps, double secondsBefore) {
    return new ProgressDisplay(new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(totalSteps)
        .startsFrom(startSteps, Duration.ofMillis(Math.round(secondsBefore * 1000)))
        .setUnit(" steps", 1)
        .showSpeed(new DecimalFormat("#,##0"))
        .setSpeedUnit(ChronoUnit.SECONDS)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new InteractiveConsoleProgressBarConsumer(System.err))
        .build());
  }

  /**
   * The run has reached {@code agentSteps}.
   *
   * @param trainReturn mean return of the last 100 training episodes, NaN before the first
   * @param testReturn the last test episodes' mean return, NaN before the first test
   */
  void update(long agentSteps, double trainReturn, double testReturn) {
    bar.stepTo(agentSteps);
    bar.setExtraMessage("  return " + MetricsLog.format(trainReturn)
        + (Double.isNaN(testReturn) ? "" : "  test " + MetricsLog.format(testReturn)));
  }

  /** Says what the bar ends on (e.g. done, failed) instead of the returns. */
  void finish(String what) {
    bar.setExtraMessage("  " + what);
    bar.refresh();
  }

  @Override
  public void close() {
    bar.close();
  }
}

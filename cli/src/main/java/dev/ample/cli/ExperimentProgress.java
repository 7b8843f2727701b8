// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ./ample experiment} shows while its runs train: on a terminal one {@link
 * ProgressDisplay} bar per run, else a plain line per run every {@link #LINE_EVERY_SECONDS} (and
 * when it starts or ends). It reads each run's {@code metrics.jsonl} as it grows (the children's
 * own output goes to their log files), so it needs nothing from the children but their files.
 */
final class ExperimentProgress implements AutoCloseable {
  static final double LINE_EVERY_SECONDS = 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean bars;
  private final Map<String, Watched> runs = new LinkedHashMap<>();

  /** One run's metrics as far as read, and its bar. */
  private static final class Watched {
    final ExperimentRun run;
    ProgressDisplay bar;
    long offset;
    long agentSteps;
    double wallSeconds;
    double trainReturn = Double.NaN;
    double testReturn = Double.NaN;
    long lastPrinted = Long.MIN_VALUE;
    boolean changed;

    Watched(ExperimentRun run) {
      this.run = run;
    }
  }

  ExperimentProgress(Iterable<ExperimentRun> all, boolean bars) {
    this.bars = bars;
    for (ExperimentRun r : all) {
      runs.put(r.name(), new Watched(r));
    }
  }

  /** The run starts (or is found finished): its bar appears, or a line says so. */
  synchronized void started(ExperimentRun run, String what) {
    Watched w = runs.get(run.name());
    read(w);
    if (bars) {
      w.bar = ProgressDisplay.bar(run.name(), w.agentSteps, run.budget(), w.wallSeconds);
      w.bar.update(w.agentSteps, w.trainReturn, w.testReturn);
    } else {
      System.out.println(run.name() + ": " + what + " (" + describe(w) + "), log " + run.log());
      w.lastPrinted = System.nanoTime();
    }
  }

  /** Reads what every run wrote since the last call and redraws or prints. */
  synchronized void poll() {
    long now = System.nanoTime();
    for (Watched w : runs.values()) {
      boolean running = w.bar != null
          || (w.lastPrinted != Long.MIN_VALUE && w.lastPrinted != Long.MAX_VALUE);
      if (!running) {
        continue; // not started, or ended
      }
      read(w);
      if (w.bar != null) {
        w.bar.update(w.agentSteps, w.trainReturn, w.testReturn);
      } else if (w.changed && (now - w.lastPrinted) / 1e9 >= LINE_EVERY_SECONDS) {
        System.out.println(w.run.name() + ": " + describe(w));
        w.lastPrinted = now;
        w.changed = false;
      }
    }
  }

  /** The run's child ended, or the run was found finished: {@code what} says how. */
  synchronized void ended(ExperimentRun run, String what) {
    Watched w = runs.get(run.name());
    read(w);
    if (bars && w.bar == null) { // found finished: never started here
      w.bar = ProgressDisplay.bar(run.name(), w.agentSteps, run.budget(), w.wallSeconds);
    }
    if (w.bar != null) {
      w.bar.update(w.agentSteps, w.trainReturn, w.testReturn);
      w.bar.finish(what);
      w.bar.close();
      w.bar = null;
    } else {
      System.out.println(run.name() + ": " + what + " (" + describe(w) + ")");
    }
    w.lastPrinted = Long.MAX_VALUE; // not polled again
  }

  private static String describe(Watched w) {
    return String.format("%,d of %,d agent steps, return %s%s", w.agentSteps, w.run.budget(),
        MetricsLog.format(w.trainReturn),
        Double.isNaN(w.testReturn) ? "" : ", test " + MetricsLog.format(w.testReturn));
  }

  /** Reads the whole lines appended since the last read (from the start if the file shrank). */
  private static void read(Watched w) {
    Path metrics = w.run.dir().resolve(RunDirectory.METRICS);
    try {
      if (!Files.isRegularFile(metrics)) {
        return;
      }
      try (RandomAccessFile f = new RandomAccessFile(metrics.toFile(), "r")) {
        if (f.length() < w.offset) {
          w.offset = 0; // cut back by a resume: read it again
        }
        byte[] bytes = new byte[(int) Math.min(f.length() - w.offset, 64 << 20)];
        f.seek(w.offset);
        f.readFully(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
          return;
        }
        w.offset += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
        for (String line : text.substring(0, end).split("\n")) {
          if (!line.isBlank()) {
            take(w, JSON.readTree(line));
          }
        }
      }
    } catch (IOException e) {
      // A display only: the run's own process reports its errors.
    }
  }

  private static void take(Watched w, JsonNode line) {
    w.agentSteps = line.path("agent_steps").asLong(w.agentSteps);
    w.wallSeconds = line.path("wall_seconds").asDouble(w.wallSeconds);
    JsonNode ret = line.get("episode_return_mean");
    if (ret != null && ret.isNumber()) {
      w.trainReturn = ret.asDouble();
    }
    JsonNode test = line.get("eval_return");
    if (test != null && test.isNumber()) {
      w.testReturn = test.asDouble();
    }
    w.changed = true;
  }

  @Override
  public synchronized void close() {
    for (Watched w : runs.values()) {
      if (w.bar != null) {
        w.bar.close();
        w.bar = null;
      }
    }
  }
}

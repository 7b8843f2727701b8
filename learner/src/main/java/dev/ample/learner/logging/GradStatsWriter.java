// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.logging;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.optim.GradientStats;
import dev.ample.optim.Statistic;
import dev.ample.optim.TensorStats;
import dev.ample.learner.io.JsonLines;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes per-example gradient statistics, one JSON object per parameter tensor per sampled
 * optimizer step, to {@code gradstats.jsonl} (DESIGN.md §2). Fields: {@code step}, {@code tensor},
 * {@code batch}, {@code mean_grad_norm} (|mu|), {@code second_moment_mean} (mean of s), {@code
 * variance_mean} (mean of s - mu^2), {@code snr_median} and {@code snr_mean} (of mu^2/var over
 * elements with var > 0), {@code sign_agreement} (mean |mean_i sign(g_i)|), {@code
 * example_norm_mean/p50/p90} (of |g_i|), {@code update_norm}. A statistic that was not computed is
 * written as null. A step's lines are written whole or not at all ({@link JsonLines}). A {@link
 * Listener} sees every record once it is written (TensorBoard mirrors them).
 */
public final class GradStatsWriter implements Closeable {

  /** Receives each record written: its step, tensor and numeric fields (nulls left out). */
  @FunctionalInterface
  public interface Listener {
    void record(long step, String tensor, Map<String, Double> values);
  }

  private final Path file;
  private final int every;
  private final Listener listener;
  private JsonLines out;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param file the JSON-lines file, appended to; opened (created) at the first sampled step, so
   *     that building a learner with this writer leaves no file behind
   * @param every write on steps that are multiples of this (>= 1)
   */
  public GradStatsWriter(Path file, int every) {
    this(file, every, (step, tensor, values) -> { });
  }

  /**
   * @param file the JSON-lines file, appended to; opened at the first sampled step
   * @param every write on steps that are multiples of this (>= 1)
   * @param listener called with every record written
   */
  public GradStatsWriter(Path file, int every, Listener listener) {
    if (every < 1) {
      throw new IllegalArgumentException("gradstats every must be >= 1, got " + every);
    }
    this.file = file;
    this.every = every;
    this.listener = listener;
  }

  /** Whether step {@code step} is sampled. */
  public boolean due(long step) {
    return step % every == 0;
  }

  /** The statistics to compute for {@code step} so that its record is complete. */
  public Set<Statistic> statisticsFor(long step) {
    return due(step) ? EnumSet.allOf(Statistic.class) : EnumSet.of(Statistic.MEAN);
  }

  /**
   * Writes one line per tensor when the step is sampled.
   *
   * @throws UncheckedIOException naming the file and the cause (a full disk); none of the step's
   *     lines was written then
   */
  public void write(long step, List<String> names, GradientStats stats, List<NDArray> updates) {
    if (!due(step)) {
      return;
    }
    try {
      List<String> lines = new ArrayList<>(stats.size());
      List<ObjectNode> records = new ArrayList<>(stats.size());
      for (int j = 0; j < stats.size(); j++) {
        ObjectNode record = record(step, names.get(j), stats.batchSize(), stats.get(j),
            updates == null ? null : updates.get(j));
        records.add(record);
        lines.add(mapper.writeValueAsString(record));
      }
      if (out == null) {
        out = JsonLines.append(file);
      }
      out.write(lines);
      for (int j = 0; j < records.size(); j++) {
        listener.record(step, names.get(j), numericFields(records.get(j)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private ObjectNode record(long step, String name, int batch, TensorStats t, NDArray update) {
    ObjectNode o = mapper.createObjectNode();
    o.put("step", step);
    o.put("tensor", name);
    o.put("batch", batch);
    float[] mu = t.mean().toFloatArray();
    o.put("mean_grad_norm", Math.sqrt(sumSquares(mu)));
    if (t.secondMoment() != null) {
      float[] s = t.secondMoment().toFloatArray();
      double sm = 0;
      double var = 0;
      double[] snr = new double[s.length];
      int n = 0;
      for (int k = 0; k < s.length; k++) {
        double m2 = (double) mu[k] * mu[k];
        double v = Math.max(0, s[k] - m2);
        sm += s[k];
        var += v;
        if (v > 0) {
          snr[n++] = m2 / v;
        }
      }
      o.put("second_moment_mean", sm / s.length);
      o.put("variance_mean", var / s.length);
      double[] r = Arrays.copyOf(snr, n);
      putOrNull(o, "snr_median", n == 0 ? Double.NaN : quantile(r, 0.5));
      putOrNull(o, "snr_mean", n == 0 ? Double.NaN : Arrays.stream(r).average().orElse(0));
    } else {
      o.putNull("second_moment_mean");
      o.putNull("variance_mean");
      o.putNull("snr_median");
      o.putNull("snr_mean");
    }
    if (t.signMean() != null) {
      float[] sg = t.signMean().toFloatArray();
      double a = 0;
      for (float v : sg) {
        a += Math.abs(v);
      }
      o.put("sign_agreement", a / sg.length);
    } else {
      o.putNull("sign_agreement");
    }
    if (t.exampleSquaredNorms() != null) {
      double[] norms =
          toDoubles(t.exampleSquaredNorms().toFloatArray());
      for (int i = 0; i < norms.length; i++) {
        norms[i] = Math.sqrt(Math.max(0, norms[i]));
      }
      o.put("example_norm_mean", Arrays.stream(norms).average().orElse(0));
      o.put("example_norm_p50", quantile(norms, 0.5));
      o.put("example_norm_p90", quantile(norms, 0.9));
    } else {
      o.putNull("example_norm_mean");
      o.putNull("example_norm_p50");
      o.putNull("example_norm_p90");
    }
    putOrNull(o, "update_norm",
        update == null ? Double.NaN : Math.sqrt(sumSquares(update.toFloatArray())));
    return o;
  }

  private static Map<String, Double> numericFields(ObjectNode record) {
    Map<String, Double> values = new LinkedHashMap<>();
    record.fields().forEachRemaining(e -> {
      if (e.getValue().isNumber() && !e.getKey().equals("step")) {
        values.put(e.getKey(), e.getValue().asDouble());
      }
    });
    return values;
  }

  private static void putOrNull(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  private static double sumSquares(float[] a) {
    double s = 0;
    for (float v : a) {
      s += (double) v * v;
    }
    return s;
  }

  private static double[] toDoubles(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  /** Linear-interpolated quantile q of the values (sorted in place). */
  static double quantile(double[] values, double q) {
    Arrays.sort(values);
    double pos = q * (values.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(values.length - 1, lo + 1);
    return values[lo] + (pos - lo) * (values[hi] - values[lo]);
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}

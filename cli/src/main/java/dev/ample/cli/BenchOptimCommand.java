// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ample.optim.GradientStats;
import dev.ample.optim.Optimizer;
import dev.ample.optim.OptimizerState;
import dev.ample.optim.OptimizerStates;
import dev.ample.optim.Optimizers;
import dev.ample.optim.TensorStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ample bench optim}: the time of one optimizer update on a parameter set shaped like the
 * Nature CNN (~1.7M parameters), for every registered optimizer. The per-example statistics are
 * given (random), so this times only the optimizer's own arithmetic plus its input checks.
 */
@Command(
    name = "optim",
    mixinStandardHelpOptions = true,
    description = "Time one update of every optimizer on Nature-CNN-sized parameters (median of repeats).")
public final class BenchOptimCommand implements Runnable {

  /** Nature CNN: conv 32x4x8x8, 64x32x4x4, 64x64x3x3, dense 3136x512, heads 512x6 and 512x1. */
  static final Shape[] NATURE_CNN = {
    new Shape(32, 4, 8, 8), new Shape(32),
    new Shape(64, 32, 4, 4), new Shape(64),
    new Shape(64, 64, 3, 3), new Shape(64),
    new Shape(512, 3136), new Shape(512),
    new Shape(6, 512), new Shape(6),
    new Shape(1, 512), new Shape(1)
  };

  @Option(names = "--json", description = "End with one JSON object of the figures.")
  boolean json;

  @Option(names = "--repeats", defaultValue = "50", description = "Timed updates per optimizer (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "10", description = "Untimed updates first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--batch", defaultValue = "256", description = "Batch size B the statistics claim (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--only", split = ",", description = "Comma-separated optimizer names (default: all).")
  List<String> only;

  @Override
  public void run() {
    if (repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("--repeats must be >= 1 and --warmup >= 0");
    }
    List<String> names = only == null ? Optimizers.names() : only;
    names.forEach(Optimizers::spec); // unknown names fail before any work
    Map<String, Double> medians = new LinkedHashMap<>();
    long params = 0;
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> weights = new ArrayList<>();
      List<TensorStats> stats = new ArrayList<>();
      for (Shape s : NATURE_CNN) {
        params += s.size();
        weights.add(manager.randomNormal(s).mul(0.01));
        NDArray mu = manager.randomNormal(s).mul(1e-3);
        NDArray second = mu.square().add(manager.randomUniform(0f, 1e-6f, s));
        NDArray signMean = manager.randomUniform(-1f, 1f, s);
        stats.add(new TensorStats(mu, second, signMean, null));
      }
      GradientStats gradients = new GradientStats(batch, stats);
      System.out.printf("ample bench optim: %d parameters in %d tensors, B=%d, %d warmup + %d timed updates, device %s%n",
          params, NATURE_CNN.length, batch, warmup, repeats, manager.getDevice());
      // Round-robin: every round times each optimizer once, so drift (other load, allocator
      // warm-up) falls on all of them alike instead of on whichever runs first.
      List<Optimizer> optimizers = names.stream().distinct().map(n -> (Optimizer) Optimizers.create(n)).toList();
      List<OptimizerState> states = new ArrayList<>();
      optimizers.forEach(o -> states.add(o.init(weights)));
      double[][] ms = new double[optimizers.size()][repeats];
      for (int round = 0; round < warmup + repeats; round++) {
        for (int k = 0; k < optimizers.size(); k++) {
          long start = System.nanoTime();
          Optimizer.Step step = optimizers.get(k).update(gradients, states.get(k), weights);
          // A device sync: reading one element waits for the update's arithmetic to finish.
          step.updates().get(step.updates().size() - 1).getFloat(0);
          long end = System.nanoTime();
          states.set(k, step.state());
          step.updates().forEach(NDArray::close);
          if (round >= warmup) {
            ms[k][round - warmup] = (end - start) / 1e6;
          }
        }
      }
      states.forEach(OptimizerStates::close);
      for (int k = 0; k < optimizers.size(); k++) {
        double median = median(ms[k]);
        medians.put(optimizers.get(k).name(), median);
        System.out.printf("  %-18s %8.3f ms%n", optimizers.get(k).name(), median);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bench", "optim");
    out.put("params", params);
    out.put("batch", batch);
    out.put("repeats", repeats);
    out.put("warmup", warmup);
    Double adam = medians.get("adam");
    Double eve = medians.get("eve");
    out.put("adam_ms", adam);
    out.put("eve_ms", eve);
    out.put("eve_over_adam", adam != null && eve != null ? eve / adam : null);
    out.put("median_ms", medians);
    if (adam != null && eve != null) {
      System.out.printf("eve/adam = %.3f (target <= 1.5)%n", eve / adam);
    }
    if (json) {
      try {
        System.out.println(new ObjectMapper().writeValueAsString(out));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
}

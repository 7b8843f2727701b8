// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.PpoLoss;
import dev.ample.learner.gradients.PerExampleGradients;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.optim.Optimizers;
import dev.ample.optim.Statistic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ample bench learner}: milliseconds per minibatch gradient step of the Nature CNN with the
 * PPO loss for (i) the mean only (plain backprop), (ii) mean + examplewise second moment, (iii)
 * all per-example statistics, and where the extra time goes, layer by layer; then the whole
 * learner step as training runs it (engine, optimizer update, parameter addition) per optimizer.
 */
@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    description = {
      "Time the per-example gradient engine on the Nature CNN (PPO loss, float32); by default"
          + " the Eve authors' SAME-padded one.",
      "Modes run interleaved; figures are medians over the repeats."
    })
public final class BenchLearnerCommand implements Callable<Integer> {

  @Option(names = "--batch", description = "minibatch size (default ${DEFAULT-VALUE})")
  int batch = 256;

  @Option(names = "--repeats", description = "timed steps per mode (default ${DEFAULT-VALUE})")
  int repeats = 15;

  @Option(names = "--warmup", description = "untimed steps per mode first (default ${DEFAULT-VALUE})")
  int warmup = 3;

  @Option(names = "--actions", description = "policy outputs (default ${DEFAULT-VALUE}, Pong)")
  int actions = 6;

  @Option(names = "--memory-cap-mib", description = "engine chunking cap (default ${DEFAULT-VALUE})")
  long memoryCapMib = 512;

  @Option(names = "--conv-method",
      description = "per-example conv gradients: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  PerExampleGradientsConfig.ConvMethod convMethod = PerExampleGradientsConfig.ConvMethod.AUTO;

  @Option(names = "--padding",
      description = "Nature CNN padding: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: the"
          + " Eve authors' network, 4.05M parameters; VALID is 1.69M)")
  NatureCnn.Padding padding = NatureCnn.Padding.SAME;

  @Option(names = "--optimizers", split = ",", paramLabel = "NAME[,NAME...]",
      description = "also time the whole learner step (the engine with the optimizer's"
          + " statistics, its update and the parameter addition, as in training) with each"
          + " (default ${DEFAULT-VALUE}; 'none': the engine modes only)")
  List<String> optimizers = new ArrayList<>(List.of("adam", "eve"));

  @Option(names = "--json", description = "print one JSON object as the last line")
  boolean json;

  /** Engine statistics alone, or ({@code updater} set) a learner step with that optimizer. */
  private record Mode(String key, String label, Set<Statistic> stats,
      GradientStepBench.Updater updater) {}

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("--batch and --repeats must be >= 1, --warmup >= 0");
    }
    List<String> optimizers = this.optimizers.equals(List.of("none")) ? List.of() : this.optimizers;
    optimizers.forEach(Optimizers::spec); // unknown names fail before any work
    Engine.getInstance().setRandomSeed(1);
    try (NDManager base = NDManager.newBaseManager(Device.cpu())) {
      PolicyValueNetwork net =
          NatureCnn.builder().setNumActions(actions).optPadding(padding).build();
      net.initialize(base, DataType.FLOAT32, NatureCnn.inputShape(1));
      GradientStepBench bench = GradientStepBench.create(base, net, NatureCnn.inputShape(batch),
          true, actions, PpoLoss.builder().build(),
          PerExampleGradientsConfig.defaults()
              .withMemoryCapBytes(memoryCapMib << 20)
              .withConvMethod(convMethod)
              .withProfile(true));
      PerExampleGradients engine = bench.engine();
      List<Mode> modes = new ArrayList<>(List.of(
          new Mode("mean_only", "(i) mean only", EnumSet.of(Statistic.MEAN), null),
          new Mode("second_moment", "(ii) mean + second moment",
              EnumSet.of(Statistic.MEAN, Statistic.SECOND_MOMENT), null),
          new Mode("all_stats", "(iii) all statistics", EnumSet.allOf(Statistic.class), null)));
      for (String name : optimizers) {
        GradientStepBench.Updater updater = bench.updater(Optimizers.create(name));
        modes.add(new Mode(name + "_step", name + " learner step", updater.statistics(),
            updater));
      }

      Map<String, List<Double>> totalMs = new LinkedHashMap<>();
      Map<String, List<Double>> fbMs = new LinkedHashMap<>();
      Map<String, List<Double>> updateMs = new LinkedHashMap<>();
      Map<String, Map<String, List<Double>>> layerMs = new LinkedHashMap<>();
      for (Mode mode : modes) {
        totalMs.put(mode.key(), new ArrayList<>());
        updateMs.put(mode.key(), new ArrayList<>());
        fbMs.put(mode.key(), new ArrayList<>());
        layerMs.put(mode.key(), new LinkedHashMap<>());
      }
      double firstStepMs = -1; // includes the convolution check and first-use kernel set-up
      for (int r = -warmup; r < repeats; r++) {
        // Interleaved so that machine noise hits every mode alike.
        for (Mode mode : modes) {
          GradientStepBench.Timed res = mode.updater() == null
              ? bench.step(mode.stats()) : bench.step(mode.updater());
          if (firstStepMs < 0) {
            firstStepMs = res.ms();
          }
          if (r < 0) {
            continue;
          }
          totalMs.get(mode.key()).add(res.ms());
          fbMs.get(mode.key()).add(res.forwardBackwardMs());
          updateMs.get(mode.key()).add(res.updateMs());
          res.layerNanos().forEach(
              (layer, ns) ->
                  layerMs.get(mode.key()).computeIfAbsent(layer, k -> new ArrayList<>())
                      .add(ns / 1e6));
        }
      }

      System.out.printf("ample bench learner: %s (%,d parameters), B = %d, float32, %s, %d"
              + " threads, median of %d (after %d warm-up)%n", net.description(),
          net.parameterCount(), batch, Device.cpu(), Runtime.getRuntime().availableProcessors(),
          repeats, warmup);
      System.out.printf("%-30s %10s %12s %10s %10s%n", "mode", "step ms", "fwd+bwd ms",
          "update ms", "ratio");
      double base0 = median(totalMs.get("mean_only"));
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode out = mapper.createObjectNode();
      out.put("network", net.description());
      out.put("parameters", net.parameterCount());
      out.put("batch", batch);
      out.put("repeats", repeats);
      out.put("conv_method", convMethod.name().toLowerCase());
      double checkMs = engine.convolutionCheckNanos() / 1e6;
      out.put("conv_check_ms", Math.round(checkMs * 10) / 10.0);
      out.put("first_step_ms", Math.round(firstStepMs * 10) / 10.0);
      System.out.printf("native convolution check (once per input shape): %.0f ms of the first"
          + " step's %.0f ms; conv layers run as im2col + matmul: %s%n", checkMs, firstStepMs,
          engine.reroutedLayers());
      for (Mode mode : modes) {
        double ms = median(totalMs.get(mode.key()));
        double update = median(updateMs.get(mode.key()));
        System.out.printf("%-30s %10.1f %12.1f %10s %10.2f%n", mode.label(), ms,
            median(fbMs.get(mode.key())), mode.updater() == null ? "-"
                : String.format("%.1f", update), ms / base0);
        out.put(mode.key() + "_ms", round(ms));
        out.put(mode.key() + "_forward_backward_ms", round(median(fbMs.get(mode.key()))));
        if (mode.updater() != null) {
          out.put(mode.key() + "_update_ms", round(update));
        }
      }
      out.put("second_moment_ratio", round(median(totalMs.get("second_moment")) / base0));
      out.put("all_stats_ratio", round(median(totalMs.get("all_stats")) / base0));
      if (optimizers.contains("adam") && optimizers.contains("eve")) {
        double eveOverAdam = median(totalMs.get("eve_step")) / median(totalMs.get("adam_step"));
        System.out.printf("eve / adam learner step: %.3f%n", eveOverAdam);
        out.put("eve_over_adam_step", round(eveOverAdam));
      }

      System.out.println();
      System.out.println("per-layer statistic cost (ms, median; weight + bias statistics from"
          + " the layer's input and output gradient):");
      System.out.printf("%-40s %14s %14s%n", "layer", "second moment", "all stats");
      ObjectNode layers = out.putObject("layers_ms");
      for (String layer : layerMs.get("all_stats").keySet()) {
        double sm = median(layerMs.get("second_moment").getOrDefault(layer, List.of(0.0)));
        double all = median(layerMs.get("all_stats").get(layer));
        System.out.printf("%-40s %14.1f %14.1f%n", layer, sm, all);
        ObjectNode l = layers.putObject(layer);
        l.put("second_moment", round(sm));
        l.put("all_stats", round(all));
      }
      if (json) {
        System.out.println(mapper.writeValueAsString(out));
      }
    }
    return 0;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}

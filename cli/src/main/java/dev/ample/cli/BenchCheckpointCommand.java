// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ample.agents.Initialization;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.learner.PpoLearner;
import dev.ample.optim.Optimizers;
import dev.ample.optim.RunDecay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ample bench checkpoint}: writing and loading one {@link Checkpoint} of the Eve authors'
 * Pong network (SAME-padded Nature CNN, 6 actions, 4,047,015 parameters) with its optimizer
 * state, as training does every {@code train.checkpoint-every} iterations, and the share of that
 * time the CRC32C checksum takes.
 */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description = "Time writing (encode, checksum, write, fsync, rename) and loading (read,"
        + " verify, decode) one checkpoint of the authors' Pong network; medians of repeats.")
public final class BenchCheckpointCommand implements Runnable {

  @Option(names = "--json", description = "End with one JSON object of the figures.")
  boolean json;

  @Option(names = "--repeats", defaultValue = "7",
      description = "Timed writes and loads (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--optimizer", defaultValue = "adam",
      description = "Whose state is saved with the parameters (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where the checkpoint is written (default: a temporary folder).")
  Path dir;

  @Override
  public void run() {
    if (repeats < 1) {
      throw new IllegalArgumentException("--repeats must be >= 1");
    }
    ObservationSpace space = new ObservationSpace(new int[] {4, 84, 84},
        ObservationSpace.Dtype.UINT8);
    try (NDManager manager = NDManager.newBaseManager()) {
      PolicyValueNetwork network = new NetworkSettings(NatureCnn.Padding.SAME,
          Initialization.LECUN_NORMAL).create(space, 6, 1, manager);
      NetworkIdentity identity = NetworkIdentity.of(EnvConfig.of("pong", 8), space, network);
      PpoLearner learner = learner(network, manager);
      Path folder = dir != null ? dir : Files.createTempDirectory("ample-bench-checkpoint");
      Path file = folder.resolve("iter-000001.ckpt");
      Progress progress = Progress.start(RunDecay.over(468_744));
      List<Double> write = new ArrayList<>();
      List<Double> load = new ArrayList<>();
      List<Double> crc = new ArrayList<>();
      for (int r = 0; r <= repeats; r++) { // the first round warms up and is not counted
        long t0 = System.nanoTime();
        Checkpoint.write(file, identity, progress, learner);
        long t1 = System.nanoTime();
        Checkpoint.read(file).restore(learner(network, manager), identity);
        long t2 = System.nanoTime();
        byte[] bytes = Files.readAllBytes(file);
        long t3 = System.nanoTime();
        CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length);
        long t4 = System.nanoTime();
        if (r > 0) {
          write.add((t1 - t0) / 1e6);
          load.add((t2 - t1) / 1e6);
          crc.add((t4 - t3) / 1e6);
        }
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("parameters", network.parameterCount());
      figures.put("optimizer", optimizer);
      figures.put("file_bytes", Files.size(file));
      figures.put("write_ms", median(write));
      figures.put("load_ms", median(load));
      figures.put("checksum_ms", median(crc));
      figures.put("checksum_share_of_write", round(median(crc) / median(write)));
      figures.put("checksum_share_of_load", round(median(crc) / median(load)));
      System.out.printf("checkpoint of %,d parameters + %s state: %,d bytes in %s%n",
          network.parameterCount(), optimizer, Files.size(file), file);
      System.out.printf("write %.1f ms, load %.1f ms (medians of %d); CRC32C %.1f ms, %.1f%% of"
              + " a write, %.1f%% of a load%n", median(write), median(load), repeats, median(crc),
          100 * median(crc) / median(write), 100 * median(crc) / median(load));
      Files.deleteIfExists(file);
      if (dir == null) {
        Files.deleteIfExists(folder);
      }
      if (json) {
        System.out.println(new ObjectMapper().writeValueAsString(figures));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private PpoLearner learner(PolicyValueNetwork network, NDManager manager) {
    return PpoLearner.builder().setNetwork(network).setManager(manager)
        .setOptimizer(Optimizers.create(optimizer, Map.of(), RunDecay.over(1))).build();
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return round(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

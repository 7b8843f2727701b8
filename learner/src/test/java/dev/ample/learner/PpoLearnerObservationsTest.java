// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import dev.ample.agents.Trajectory;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.optim.Optimizers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pixel (UINT8) rollouts: the byte path gathers the same minibatches as the float path. */
class PpoLearnerObservationsTest {

  private static PolicyValueNetwork castingNetwork(NDManager m) {
    Engine.getInstance().setRandomSeed(8);
    SequentialBlock trunk = new SequentialBlock()
        .addSingleton((NDArray x) -> x.toType(DataType.FLOAT32, false).mul(1f / 255), "scale")
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(8).build());
    PolicyValueNetwork net = PolicyValueNetwork.of(trunk, 3);
    net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 5));
    return net;
  }

  private static Trajectory rollout(byte[] pixels, float[] floats, int steps, int envs, int[] shape,
      int actions, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = steps * envs;
    int[] a = new int[n];
    float[] logProbs = new float[n];
    float[] values = new float[n];
    float[] rewards = new float[n];
    boolean[] term = new boolean[n];
    for (int k = 0; k < n; k++) {
      a[k] = rng.nextInt(actions);
      logProbs[k] = (float) (Math.log(1.0 / actions) + 0.05 * rng.nextGaussian());
      values[k] = (float) (0.1 * rng.nextGaussian());
      rewards[k] = rng.nextInt(3) - 1;
      term[k] = rng.nextDouble() < 0.02;
    }
    Observations obs = pixels != null
        ? Observations.ofBytes(new ObservationSpace(shape, ObservationSpace.Dtype.UINT8), n, pixels)
        : Observations.ofFloats(new ObservationSpace(shape, ObservationSpace.Dtype.FLOAT32), n,
            floats);
    return new Trajectory(steps, envs, obs, a, logProbs, values, rewards, term, new boolean[n],
        new float[n], new float[envs], new long[steps]);
  }

  /** The same pixels as UINT8 bytes and as floats 0..255 must give bit-identical parameters. */
  @Test
  void byteAndFloatObservationsGiveTheSameUpdates() {
    int steps = 8;
    int envs = 4;
    int size = 2 * 5;
    byte[] pixels = new byte[steps * envs * size];
    new SplittableRandom(3).nextBytes(pixels);
    float[] floats = new float[pixels.length];
    for (int k = 0; k < pixels.length; k++) {
      floats[k] = pixels[k] & 0xFF;
    }
    float[][] params = new float[2][];
    for (int variant = 0; variant < 2; variant++) {
      try (NDManager m = NDManager.newBaseManager()) {
        PolicyValueNetwork net = castingNetwork(m);
        PpoLearner learner = PpoLearner.builder().setNetwork(net).setManager(m)
            .setOptimizer(Optimizers.create("adam", Map.of("lr", 1e-2)))
            .optConfig(PpoConfig.builder().optMinibatchSize(8).optSeed(2).build())
            .build();
        Trajectory r = variant == 0
            ? rollout(pixels, null, steps, envs, new int[] {2, 5}, 3, 9)
            : rollout(null, floats, steps, envs, new int[] {2, 5}, 3, 9);
        learner.update(r, 0);
        learner.update(r, 0.5);
        params[variant] = net.getParameters().get(0).getValue().getArray().toFloatArray();
      }
    }
    assertArrayEquals(params[0], params[1]);
  }

  /**
   * Two iterations of the Pong protocol's shape (DESIGN.md §7): Nature CNN, 8 x 128 pixel
   * transitions, minibatch 256, 3 epochs, Eve: 12 optimizer steps each, finite metrics, and no
   * array left on the long-lived manager by the second. Prints the second one's time.
   */
  @Test
  void pongProtocolIterationRunsWithTheNatureCnn() {
    Engine.getInstance().setRandomSeed(9);
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = NatureCnn.builder().setNumActions(6).build();
      net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
      PpoLearner learner = PpoLearner.builder().setNetwork(net).setManager(m)
          .setOptimizer(Optimizers.create("eve", Map.of("lr", 2.5e-4)))
          .optConfig(PpoConfig.pong())
          .build();
      int[] shape = {NatureCnn.FRAMES, NatureCnn.SIDE, NatureCnn.SIDE};
      byte[] pixels = new byte[1024 * NatureCnn.FRAMES * NatureCnn.SIDE * NatureCnn.SIDE];
      new SplittableRandom(4).nextBytes(pixels);
      learner.update(rollout(pixels, null, 128, 8, shape, 6, 5), 0);
      int arrays = m.getManagedArrays().size();
      long start = System.nanoTime();
      PpoMetrics metrics = learner.update(rollout(pixels, null, 128, 8, shape, 6, 6), 0);
      System.out.printf("Pong-shaped iteration: %.1f s, %s%n", (System.nanoTime() - start) / 1e9,
          metrics.fields());
      // The engine's convolution checks once left ~290 arrays per iteration here (a run's OOM).
      assertEquals(arrays, m.getManagedArrays().size(), "arrays leaked onto the long-lived manager");
      assertEquals(24, metrics.optimizerSteps());
      assertEquals(0.1, metrics.clipRange(), 1e-12);
      for (Map.Entry<String, Object> f : metrics.fields().entrySet()) {
        assertTrue(Double.isFinite(((Number) f.getValue()).doubleValue()), f.toString());
      }
      assertTrue(metrics.updateNorm() > 0, "no parameter step");
      assertTrue(metrics.approxKl() >= 0, "approx_kl " + metrics.approxKl());
    }
  }
}

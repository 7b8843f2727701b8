// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * How a {@link PolicyValueNetwork}'s weights are drawn; biases start at 0 in every scheme.
 *
 * <ul>
 *   <li>{@link #LECUN_NORMAL}: Flax's default ({@code lecun_normal}, the Eve authors' network):
 *       a normal truncated at 2 standard deviations, scaled so the weights' std is exactly
 *       {@code 1/sqrt(fan_in)}, on every layer including both heads.
 *   <li>{@link #ORTHOGONAL}: baselines' and CleanRL's {@code layer_init}: orthogonal matrices
 *       (weights flattened to {@code (out, fan_in)}) times gain sqrt(2) in the trunk, 0.01 for the
 *       policy head, 1 for the value head.
 *   <li>{@link #DJL_DEFAULT}: what DJL draws when nothing is set (He normal, {@code
 *       sqrt(2/fan_in)}, untruncated), from the engine's random generator.
 * </ul>
 *
 * <p>The first two draw on the host from {@code seed}, so a seed gives the same weights on any
 * engine and device. Fan-in is the product of a weight's dimensions after the first (DJL stores
 * Linear weights as {@code (out, in)} and Conv2d's as {@code (out, in, kh, kw)}), which is Flax's
 * fan-in for its {@code (in, out)} and {@code (kh, kw, in, out)} kernels.
 */
public enum Initialization {
  DJL_DEFAULT,
  LECUN_NORMAL,
  ORTHOGONAL;

  /**
   * Std of the standard normal truncated to [-2, 2]; dividing by it makes the truncated draws'
   * std 1 (the constant in Flax's and JAX's {@code variance_scaling}).
   */
  static final double TRUNCATED_NORMAL_STD = 0.87962566103423978;

  /** The config name: {@code djl-default}, {@code lecun-normal} or {@code orthogonal}. */
  public String configName() {
    return ConfigNames.of(this);
  }

  public static Initialization parse(String name) {
    return ConfigNames.parse(Initialization.class, name, "network init");
  }

  /**
   * Sets the weight initializers of {@code network} (call before {@code network.initialize}).
   * Parameters are drawn in initialisation order, each from its own split of {@code seed}.
   */
  public void applyTo(PolicyValueNetwork network, long seed) {
    if (this == DJL_DEFAULT) {
      return;
    }
    SplittableRandom random = new SplittableRandom(seed);
    set(network.trunk(), Math.sqrt(2), random);
    set(network.policyHead(), 0.01, random);
    set(network.valueHead(), 1.0, random);
  }

  private void set(Block block, double orthogonalGain, SplittableRandom random) {
    Initializer weights = this == LECUN_NORMAL
        ? new HostInitializer(random.split(), Initialization::lecunNormal)
        : new HostInitializer(random.split(), (shape, r) -> orthogonal(shape, orthogonalGain, r));
    block.setInitializer(weights, Parameter.Type.WEIGHT);
    block.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
  }

  /** Draws a weight tensor of a shape as a flat row-major array. */
  interface HostDraw {
    float[] draw(Shape shape, SplittableRandom random);
  }

  /** An initializer drawing on the host; every parameter it initialises gets its own split. */
  private record HostInitializer(SplittableRandom random, HostDraw draw) implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      return manager.create(draw.draw(shape, random.split()), shape).toType(dataType, false);
    }
  }

  static long fanIn(Shape shape) {
    return shape.size() / shape.get(0);
  }

  /** Flax's {@code lecun_normal}: truncated at 2 std, std {@code 1/sqrt(fan_in)} after it. */
  static float[] lecunNormal(Shape shape, SplittableRandom random) {
    double scale = 1 / Math.sqrt(fanIn(shape)) / TRUNCATED_NORMAL_STD;
    float[] w = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < w.length; i++) {
      double z;
      do {
        z = gaussian(random);
      } while (Math.abs(z) > 2);
      w[i] = (float) (z * scale);
    }
    return w;
  }

  /**
   * A random orthogonal matrix of shape {@code (out, fan_in)} times {@code gain}: orthonormal rows
   * when {@code out <= fan_in}, else orthonormal columns. Gram-Schmidt on Gaussian vectors is QR
   * with a positive diagonal, so this is the Haar distribution that PyTorch's {@code
   * orthogonal_} (QR, signs fixed by the diagonal) samples.
   */
  static float[] orthogonal(Shape shape, double gain, SplittableRandom random) {
    int rows = Math.toIntExact(shape.get(0));
    int cols = Math.toIntExact(fanIn(shape));
    int count = Math.min(rows, cols);
    int length = Math.max(rows, cols);
    double[][] v = new double[count][length];
    for (int k = 0; k < count; k++) {
      for (int j = 0; j < length; j++) {
        v[k][j] = gaussian(random);
      }
      // Twice, so rounding left by the first pass is removed too ("twice is enough").
      for (int pass = 0; pass < 2; pass++) {
        for (int q = 0; q < k; q++) {
          double dot = 0;
          for (int j = 0; j < length; j++) {
            dot += v[k][j] * v[q][j];
          }
          for (int j = 0; j < length; j++) {
            v[k][j] -= dot * v[q][j];
          }
        }
      }
      double norm = 0;
      for (int j = 0; j < length; j++) {
        norm += v[k][j] * v[k][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < length; j++) {
        v[k][j] /= norm;
      }
    }
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        w[r * cols + c] = (float) (gain * (rows <= cols ? v[r][c] : v[c][r]));
      }
    }
    return w;
  }

  /** A standard normal draw (Box-Muller; one of the pair is enough here). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble(); // (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}

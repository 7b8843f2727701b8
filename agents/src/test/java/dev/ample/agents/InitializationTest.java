// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitializationTest {

  private static PolicyValueNetwork sameCnn(Initialization init, long seed, NDManager m) {
    PolicyValueNetwork net = NatureCnn.builder().setNumActions(6)
        .optPadding(NatureCnn.Padding.SAME).build();
    init.applyTo(net, seed);
    net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
    return net;
  }

  /**
   * Every layer of the authors' network: the weights' std is 1/sqrt(fan_in) within sampling
   * error (std of a sample variance of n truncated-normal draws: ~sqrt(0.53/n) relative, 6 sigma
   * allowed), no weight beyond the truncation at 2 std of the underlying normal, biases 0.
   */
  @Test
  void lecunNormalHasStdOneOverRootFanInAndIsTruncated() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = sameCnn(Initialization.LECUN_NORMAL, 1, m);
      int weights = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        float[] v = p.getValue().getArray().toFloatArray();
        if (p.getValue().getType() == Parameter.Type.BIAS) {
          assertArrayEquals(new float[v.length], v, p.getKey());
          continue;
        }
        weights++;
        Shape shape = p.getValue().getArray().getShape();
        double want = 1 / Math.sqrt(Initialization.fanIn(shape));
        double sumSq = 0;
        double max = 0;
        for (float x : v) {
          sumSq += (double) x * x;
          max = Math.max(max, Math.abs(x));
        }
        double std = Math.sqrt(sumSq / v.length);
        double tolerance = 6 * Math.sqrt(0.53 / v.length) / 2 + 1e-12; // relative, on the std
        assertEquals(1, std / want, tolerance, p.getKey() + " std " + std + " vs " + want);
        double bound = 2 * want / Initialization.TRUNCATED_NORMAL_STD;
        assertTrue(max <= bound * (1 + 1e-6), p.getKey() + " max " + max + " > " + bound);
        assertTrue(max > 0.9 * bound, p.getKey() + ": draws should reach near the bound");
      }
      assertEquals(6, weights);
      // Flax's lecun_normal on a 6-action head: initial logits are small, entropy near log 6.
    }
  }

  @Test
  void orthogonalGivesOrthonormalRowsOrColumnsTimesTheGain() {
    SplittableRandom r = new SplittableRandom(5);
    check(Initialization.orthogonal(new Shape(6, 3, 2, 2), Math.sqrt(2), r), 6, 12, Math.sqrt(2));
    check(Initialization.orthogonal(new Shape(20, 7), 1.0, r), 20, 7, 1.0);
    check(Initialization.orthogonal(new Shape(6, 512), 0.01, r), 6, 512, 0.01);
  }

  /** W W^T = gain^2 I when rows <= cols, else W^T W = gain^2 I. */
  private static void check(float[] w, int rows, int cols, double gain) {
    boolean byRows = rows <= cols;
    int n = Math.min(rows, cols);
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double dot = 0;
        for (int t = 0; t < Math.max(rows, cols); t++) {
          dot += byRows ? (double) w[a * cols + t] * w[b * cols + t]
              : (double) w[t * cols + a] * w[t * cols + b];
        }
        assertEquals(a == b ? gain * gain : 0, dot, 1e-5 * gain * gain, a + "," + b);
      }
    }
  }

  @Test
  void aSeedFixesTheWeightsAndHeadsGetTheirGains() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork a = Mlp.builder().setNumActions(3).build();
      PolicyValueNetwork b = Mlp.builder().setNumActions(3).build();
      Initialization.ORTHOGONAL.applyTo(a, 9);
      Initialization.ORTHOGONAL.applyTo(b, 9);
      a.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      b.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      for (int i = 0; i < a.getParameters().size(); i++) {
        assertArrayEquals(a.getParameters().get(i).getValue().getArray().toFloatArray(),
            b.getParameters().get(i).getValue().getArray().toFloatArray());
      }
      // Policy head (3 x 64): orthonormal rows times 0.01, so each row's norm is 0.01.
      float[] policy = a.policyHead().getParameters().get("weight").getArray().toFloatArray();
      check(policy, 3, 64, 0.01);
    }
    assertEquals(Initialization.LECUN_NORMAL, Initialization.parse("lecun-normal"));
    assertThrows(IllegalArgumentException.class, () -> Initialization.parse("he"));
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedMoments} against the NDArray operations it replaces, bit for bit: Adam and Eve
 * (batch correction on and off, B = 1 and 256, with and without {@code epsRoot}), early and late
 * steps, tensors below and above the two-thread split, values over many binades.
 */
class FusedMomentsTest {

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void adamIsBitIdenticalToTheOperations() {
    SplittableRandom random = new SplittableRandom(1);
    for (int n : new int[] {1, 7, 1000, 200_003}) {
      for (long t : new long[] {1, 2, 37, 100_000}) {
        for (double epsRoot : new double[] {0, 1e-12}) {
          NDArray mu = values(random, n);
          NDArray m = values(random, n);
          NDArray v = values(random, n).square();
          assertSameBits(Transforms.adamByOperations(mu, m, v, t, 0.9, 0.999, 1e-8, epsRoot),
              FusedMoments.adam(mu, m, v, t, 0.9, 0.999, 1e-8, epsRoot),
              "adam n=" + n + " t=" + t + " epsRoot=" + epsRoot);
        }
      }
    }
  }

  @Test
  void eveIsBitIdenticalToTheOperations() {
    SplittableRandom random = new SplittableRandom(2);
    for (int n : new int[] {1, 7, 1000, 200_003}) {
      for (long t : new long[] {1, 3, 5_000}) {
        for (boolean correction : new boolean[] {true, false}) {
          for (int batch : new int[] {1, 256}) {
            NDArray mu = values(random, n);
            NDArray s = values(random, n).square().add(mu.square());
            NDArray m = values(random, n);
            NDArray v = values(random, n).square();
            String what = "eve n=" + n + " t=" + t + " correction=" + correction + " B=" + batch;
            assertSameBits(Transforms.eveByOperations(mu, s, m, v, t, 0.9, 0.999, 1e-8, 0,
                    correction, batch),
                FusedMoments.eve(mu, s, m, v, t, 0.9, 0.999, 1e-8, 0, correction, batch), what);
          }
        }
      }
    }
  }

  @Test
  void theInputsAreLeftAsTheyWere() {
    SplittableRandom random = new SplittableRandom(3);
    NDArray mu = values(random, 100_000);
    NDArray m = values(random, 100_000);
    NDArray v = values(random, 100_000).square();
    float[][] before = {mu.toFloatArray(), m.toFloatArray(), v.toFloatArray()};
    FusedMoments.adam(mu, m, v, 4, 0.9, 0.999, 1e-8, 0);
    float[][] after = {mu.toFloatArray(), m.toFloatArray(), v.toFloatArray()};
    for (int k = 0; k < 3; k++) {
      assertTrue(java.util.Arrays.equals(before[k], after[k]), "input " + k + " changed");
    }
  }

  /** Gaussian values scaled by 2^-20 .. 2^4, as gradients and moments of a network span. */
  private NDArray values(SplittableRandom random, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(-20, 5)));
    }
    return manager.create(x, new Shape(n));
  }

  private static void assertSameBits(NDArray[] expected, NDArray[] actual, String what) {
    assertEquals(expected.length, actual.length);
    String[] names = {"update", "m", "v"};
    for (int k = 0; k < expected.length; k++) {
      float[] e = expected[k].toFloatArray();
      float[] a = actual[k].toFloatArray();
      assertEquals(e.length, a.length);
      int differing = 0;
      int first = -1;
      for (int i = 0; i < e.length; i++) {
        if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
          differing++;
          first = first < 0 ? i : first;
        }
      }
      assertEquals(0, differing, what + ": " + names[k] + " differs in " + differing + " of "
          + e.length + (first < 0 ? "" : ", first at " + first + ": " + e[first] + " vs "
          + a[first]));
      assertFalse(Float.isNaN(a[0]), what);
    }
  }
}

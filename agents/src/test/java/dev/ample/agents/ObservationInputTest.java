// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import org.junit.jupiter.api.Test;

/** The staged input holds exactly the rows asked for, call after call on the same buffer. */
class ObservationInputTest {

  private static final ObservationSpace PIXELS =
      new ObservationSpace(new int[] {2, 3}, ObservationSpace.Dtype.UINT8);
  private static final ObservationSpace FLOATS =
      new ObservationSpace(new int[] {3}, ObservationSpace.Dtype.FLOAT32);

  @Test
  void bytesRowsAndAllAreTheObservationsAskedFor() {
    byte[] b = new byte[4 * 6];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) (200 + k); // past 127: read back as unsigned pixels
    }
    Observations obs = Observations.ofBytes(PIXELS, 4, b);
    ObservationInput input = new ObservationInput();
    try (NDManager m = NDManager.newBaseManager()) {
      try (NDManager s = m.newSubManager()) {
        NDArray x = input.rows(obs, new int[] {3, 0}, new Shape(2, 2, 3), s);
        assertEquals(DataType.UINT8, x.getDataType());
        assertArrayEquals(concat(b, 18, 0), x.toByteArray());
      }
      try (NDManager s = m.newSubManager()) {
        NDArray x = input.all(obs, new Shape(4, 6), s); // the same buffer, overwritten
        assertArrayEquals(b, x.toByteArray());
      }
    }
  }

  @Test
  void floatsRowsAndAllAreTheObservationsAskedFor() {
    float[] f = {0.5f, -1f, 2f, 3.25f, 4f, -5f};
    Observations obs = Observations.ofFloats(FLOATS, 2, f);
    ObservationInput input = new ObservationInput();
    try (NDManager m = NDManager.newBaseManager()) {
      try (NDManager s = m.newSubManager()) {
        assertArrayEquals(f, input.all(obs, new Shape(2, 3), s).toFloatArray());
      }
      try (NDManager s = m.newSubManager()) {
        NDArray x = input.rows(obs, new int[] {1, 1, 0}, new Shape(3, 3), s); // grows the buffer
        assertArrayEquals(new float[] {3.25f, 4f, -5f, 3.25f, 4f, -5f, 0.5f, -1f, 2f},
            x.toFloatArray());
      }
    }
  }

  private static byte[] concat(byte[] b, int... starts) {
    byte[] out = new byte[starts.length * 6];
    for (int k = 0; k < starts.length; k++) {
      System.arraycopy(b, starts[k], out, k * 6, 6);
    }
    return out;
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

/**
 * Observations of all N envs, row major: env {@code i} occupies elements {@code [i*size, (i+1)*size)}
 * where {@code size = space.size()}. Exactly one of {@code bytes} (UINT8, values 0..255 stored as
 * Java bytes) and {@code floats} (FLOAT32) is non-null, as the space's dtype says.
 */
public record Observations(ObservationSpace space, int numEnvs, byte[] bytes, float[] floats) {

  public Observations {
    boolean u8 = space.dtype() == ObservationSpace.Dtype.UINT8;
    Object data = u8 ? bytes : floats;
    Object other = u8 ? floats : bytes;
    int length = u8 ? (bytes == null ? -1 : bytes.length) : (floats == null ? -1 : floats.length);
    if (data == null || other != null || length != numEnvs * space.size()) {
      throw new IllegalArgumentException(
          "observations do not match " + space + " x " + numEnvs + " envs");
    }
  }

  /** {@code rows} observations of {@code space}, all zero, to be filled with {@link #copyRows}. */
  public static Observations allocate(ObservationSpace space, int rows) {
    long length = (long) rows * space.size();
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          rows + " observations of " + space + " do not fit one Java array");
    }
    return space.dtype() == ObservationSpace.Dtype.UINT8
        ? ofBytes(space, rows, new byte[(int) length])
        : ofFloats(space, rows, new float[(int) length]);
  }

  /** Copies {@code rows} rows from row {@code from} into {@code target} at row {@code to}. */
  public void copyRows(int from, Observations target, int to, int rows) {
    if (!space.equals(target.space)) {
      throw new IllegalArgumentException("cannot copy " + space + " rows into " + target.space);
    }
    int size = space.size();
    if (bytes != null) {
      System.arraycopy(bytes, from * size, target.bytes, to * size, rows * size);
    } else {
      System.arraycopy(floats, from * size, target.floats, to * size, rows * size);
    }
  }

  public static Observations ofBytes(ObservationSpace space, int numEnvs, byte[] bytes) {
    return new Observations(space, numEnvs, bytes, null);
  }

  public static Observations ofFloats(ObservationSpace space, int numEnvs, float[] floats) {
    return new Observations(space, numEnvs, null, floats);
  }
}

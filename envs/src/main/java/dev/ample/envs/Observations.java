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

  public static Observations ofBytes(ObservationSpace space, int numEnvs, byte[] bytes) {
    return new Observations(space, numEnvs, bytes, null);
  }

  public static Observations ofFloats(ObservationSpace space, int numEnvs, float[] floats) {
    return new Observations(space, numEnvs, null, floats);
  }
}

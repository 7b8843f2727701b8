// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ample.envs.Observations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Observation rows as a network input array, staged in one direct buffer that every call reuses.
 *
 * <p>Why: DJL copies a Java array into a fresh direct buffer per call, and a direct buffer's
 * memory goes back only when a garbage collection finds it. In a Pong run (inference on 8 frames
 * 128 times an iteration, 12 minibatches of 256) that garbage kept the resident size growing
 * between collections, and each fresh buffer paid page faults on new memory. DJL's PyTorch engine
 * wraps a direct buffer as it is, so the returned array reads this buffer: close it (its manager)
 * before the next call. One user at a time.
 */
public final class ObservationInput {

  private ByteBuffer buffer;

  /** All {@code obs.numEnvs()} rows of {@code obs} as an array of {@code shape} in {@code scope}. */
  public NDArray all(Observations obs, Shape shape, NDManager scope) {
    ByteBuffer buf = staging(obs, obs.numEnvs());
    if (obs.bytes() != null) {
      buf.put(obs.bytes());
    } else {
      buf.asFloatBuffer().put(obs.floats());
    }
    return wrap(buf.position(0), obs, shape, scope);
  }

  /** Rows {@code rows} of {@code obs}, in that order, as an array of {@code shape}. */
  public NDArray rows(Observations obs, int[] rows, Shape shape, NDManager scope) {
    ByteBuffer buf = staging(obs, rows.length);
    int n = obs.space().size();
    if (obs.bytes() != null) {
      for (int row : rows) {
        buf.put(obs.bytes(), row * n, n);
      }
    } else {
      var floats = buf.asFloatBuffer();
      for (int row : rows) {
        floats.put(obs.floats(), row * n, n);
      }
    }
    return wrap(buf.position(0), obs, shape, scope);
  }

  private ByteBuffer staging(Observations obs, int rows) {
    int need = Math.multiplyExact(Math.multiplyExact(rows, obs.space().size()),
        obs.bytes() != null ? 1 : Float.BYTES);
    if (buffer == null || buffer.capacity() < need) {
      buffer = ByteBuffer.allocateDirect(need).order(ByteOrder.nativeOrder());
    }
    return buffer.clear().limit(need);
  }

  private static NDArray wrap(ByteBuffer buf, Observations obs, Shape shape, NDManager scope) {
    return scope.create(buf, shape, obs.bytes() != null ? DataType.UINT8 : DataType.FLOAT32);
  }
}

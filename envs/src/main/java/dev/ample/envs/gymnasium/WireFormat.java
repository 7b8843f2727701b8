// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.atari.AtariEmulators.FrameStep;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte layouts exchanged with the Python worker. All numbers are little endian (numpy's {@code
 * tobytes()} of {@code <i4}, {@code <i8}, {@code <f4}, {@code <f8}, {@code u1} arrays).
 *
 * <ul>
 *   <li>observations of N envs: N x size elements, row major, uint8 or float32 as the space says;
 *   <li>vector step reply: observations after autoreset, rewards (N float64), terminated (N
 *       uint8), truncated (N uint8), then the final observation of each env that ended on this
 *       step, in env order;
 *   <li>Atari act reply for k listed emulators: rewards (k float64), game over (k uint8), frames
 *       emulated (k int32), last screens (k x H x W uint8), previous screens (same).
 * </ul>
 */
public final class WireFormat {

  private WireFormat() {}

  /** A decoded vector step before episode bookkeeping: rewards stay double for exact returns. */
  public record VectorStep(
      Observations observations,
      double[] rewards,
      boolean[] terminated,
      boolean[] truncated,
      Observations finalObservations) {}

  public static byte[] int32s(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return b.array();
  }

  public static byte[] int64s(long[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return b.array();
  }

  public static int[] readInt32s(byte[] data, int count) {
    expectLength(data, 4L * count, "int32 values");
    int[] out = new int[count];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }

  /** Observations of {@code numEnvs} envs from {@code data[offset..]}. */
  public static Observations readObservations(
      ObservationSpace space, int numEnvs, byte[] data, int offset) {
    int count = numEnvs * space.size();
    if (space.dtype() == ObservationSpace.Dtype.UINT8) {
      return Observations.ofBytes(space, numEnvs, Arrays.copyOfRange(data, offset, offset + count));
    }
    float[] floats = new float[count];
    ByteBuffer.wrap(data, offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
    return Observations.ofFloats(space, numEnvs, floats);
  }

  /** Bytes taken by {@code numEnvs} observations. */
  public static int observationBytes(ObservationSpace space, int numEnvs) {
    int element = space.dtype() == ObservationSpace.Dtype.UINT8 ? 1 : 4;
    return element * numEnvs * space.size();
  }

  /** Decodes a vector step reply for N envs; final observations are null if none ended. */
  public static VectorStep readVectorStep(ObservationSpace space, int numEnvs, byte[] data) {
    int obsBytes = observationBytes(space, numEnvs);
    int head = obsBytes + 10 * numEnvs;
    if (data.length < head) {
      throw new IllegalStateException(
          "Gymnasium worker step reply has " + data.length + " bytes, expected at least " + head);
    }
    Observations observations = readObservations(space, numEnvs, data, 0);
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    double[] rewards = new double[numEnvs];
    b.position(obsBytes);
    b.asDoubleBuffer().get(rewards);
    boolean[] terminated = new boolean[numEnvs];
    boolean[] truncated = new boolean[numEnvs];
    int flags = obsBytes + 8 * numEnvs;
    int ended = 0;
    for (int i = 0; i < numEnvs; i++) {
      terminated[i] = data[flags + i] != 0;
      truncated[i] = data[flags + numEnvs + i] != 0;
      ended += terminated[i] || truncated[i] ? 1 : 0;
    }
    int oneObs = observationBytes(space, 1);
    expectLength(data, head + (long) ended * oneObs, "step reply with " + ended + " ended episodes");
    Observations finals = null;
    if (ended > 0) {
      Observations packed = readObservations(space, ended, data, head);
      finals = scatter(space, numEnvs, packed, terminated, truncated);
    }
    return new VectorStep(observations, rewards, terminated, truncated, finals);
  }

  /** Spreads the packed final observations of ended envs to their env rows (others zero). */
  private static Observations scatter(
      ObservationSpace space, int numEnvs, Observations packed, boolean[] term, boolean[] trunc) {
    int size = space.size();
    boolean u8 = space.dtype() == ObservationSpace.Dtype.UINT8;
    byte[] bytes = u8 ? new byte[numEnvs * size] : null;
    float[] floats = u8 ? null : new float[numEnvs * size];
    for (int i = 0, k = 0; i < numEnvs; i++) {
      if (term[i] || trunc[i]) {
        if (u8) {
          System.arraycopy(packed.bytes(), k * size, bytes, i * size, size);
        } else {
          System.arraycopy(packed.floats(), k * size, floats, i * size, size);
        }
        k++;
      }
    }
    return new Observations(space, numEnvs, bytes, floats);
  }

  /** Decodes an Atari act reply for {@code k} emulators with H x W screens. */
  public static FrameStep readFrameStep(int k, int height, int width, byte[] data) {
    int screen = height * width;
    expectLength(data, 13L * k + 2L * k * screen, "Atari act reply for " + k + " emulators");
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    float[] rewards = new float[k];
    for (int j = 0; j < k; j++) {
      rewards[j] = (float) b.getDouble(8 * j);
    }
    boolean[] gameOver = new boolean[k];
    for (int j = 0; j < k; j++) {
      gameOver[j] = data[8 * k + j] != 0;
    }
    int[] frames = new int[k];
    b.position(9 * k);
    b.asIntBuffer().get(frames);
    int screens = 13 * k;
    byte[] last = Arrays.copyOfRange(data, screens, screens + k * screen);
    byte[] previous = Arrays.copyOfRange(data, screens + k * screen, screens + 2 * k * screen);
    return new FrameStep(rewards, gameOver, frames, last, previous);
  }

  private static void expectLength(byte[] data, long expected, String what) {
    if (data.length != expected) {
      throw new IllegalStateException(
          "Gymnasium worker sent " + data.length + " bytes for " + what + ", expected " + expected);
    }
  }
}

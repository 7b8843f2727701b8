// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.Trajectory;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.rollout.RolloutBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random fragments and snapshots for the wire tests, and bit-exact comparisons of them. */
final class Fragments {

  /** Quiet NaNs with payloads and a signalling one, which must cross unchanged. */
  static final int[] NAN_BITS = {0x7fc01234, 0xffc00001, 0x7f800001};

  private Fragments() {}

  /**
   * A fragment of stacked UINT8 frames, {@code [stack, h, w]}, stacked as Atari preprocessing does
   * (shift in the newest frame; a reset refills the stack with the first frame). Rows where an
   * episode started anew are marked in {@code resets} (row {@code t * envs + i}).
   */
  static RolloutBatch stacked(SplittableRandom random, int steps, int envs, int stack, int h,
      int w, boolean[] resets) {
    ObservationSpace space = new ObservationSpace(new int[] {stack, h, w},
        ObservationSpace.Dtype.UINT8);
    int frame = h * w;
    int size = space.size();
    byte[] bytes = new byte[steps * envs * size];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < envs; i++) {
        int row = t * envs + i;
        byte[] newest = randomBytes(random, frame);
        if (t == 0 || resets[row]) {
          for (int s = 0; s < stack; s++) {
            System.arraycopy(newest, 0, bytes, row * size + s * frame, frame);
          }
        } else {
          int previous = (row - envs) * size;
          System.arraycopy(bytes, previous + frame, bytes, row * size, size - frame);
          System.arraycopy(newest, 0, bytes, row * size + size - frame, frame);
        }
      }
    }
    return batch(random, steps, envs, Observations.ofBytes(space, steps * envs, bytes));
  }

  /** A fragment whose every observation is random bytes of {@code shape}: no row shifts. */
  static RolloutBatch unstacked(SplittableRandom random, int steps, int envs, int... shape) {
    ObservationSpace space = new ObservationSpace(shape, ObservationSpace.Dtype.UINT8);
    return batch(random, steps, envs,
        Observations.ofBytes(space, steps * envs,
            randomBytes(random, steps * envs * space.size())));
  }

  /** A CartPole-like fragment of FLOAT32 observations {@code [4]}, NaN payloads included. */
  static RolloutBatch floats(SplittableRandom random, int steps, int envs) {
    ObservationSpace space = new ObservationSpace(new int[] {4}, ObservationSpace.Dtype.FLOAT32);
    return batch(random, steps, envs,
        Observations.ofFloats(space, steps * envs, randomFloats(random, steps * envs * 4)));
  }

  static PolicySnapshot snapshot(SplittableRandom random, long version, int... sizes) {
    List<String> names = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (int j = 0; j < sizes.length; j++) {
      names.add(j + "Conv2d_wéight");
      values.add(randomFloats(random, sizes[j]));
    }
    return PolicySnapshot.of(version, names, values);
  }

  static void assertSameBatch(RolloutBatch expected, RolloutBatch actual) {
    Trajectory e = expected.trajectory();
    Trajectory a = actual.trajectory();
    assertEquals(e.steps(), a.steps());
    assertEquals(e.envs(), a.envs());
    assertEquals(e.space(), a.space());
    assertArrayEquals(e.observations().bytes(), a.observations().bytes());
    assertSameBits(e.observations().floats(), a.observations().floats());
    assertArrayEquals(e.actions(), a.actions());
    assertSameBits(e.logProbs(), a.logProbs());
    assertSameBits(e.values(), a.values());
    assertSameBits(e.rewards(), a.rewards());
    assertArrayEquals(e.terminated(), a.terminated());
    assertArrayEquals(e.truncated(), a.truncated());
    assertSameBits(e.finalValues(), a.finalValues());
    assertSameBits(e.bootstrapValues(), a.bootstrapValues());
    assertArrayEquals(e.policyVersions(), a.policyVersions());
    assertEquals(expected.episodes(), actual.episodes());
    assertEquals(expected.agentSteps(), actual.agentSteps());
    assertEquals(expected.frames(), actual.frames());
  }

  static void assertSameSnapshot(PolicySnapshot expected, PolicySnapshot actual) {
    assertEquals(expected.version(), actual.version());
    assertEquals(expected.parameterNames(), actual.parameterNames());
    for (int j = 0; j < expected.parameterNames().size(); j++) {
      assertSameBits(expected.values(j), actual.values(j));
    }
  }

  /** Equal bit for bit: {@code Arrays.equals} on floats would call all NaNs equal. */
  static void assertSameBits(float[] expected, float[] actual) {
    if (expected == null || actual == null) {
      assertEquals(expected, actual);
      return;
    }
    assertEquals(expected.length, actual.length);
    for (int k = 0; k < expected.length; k++) {
      assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(actual[k]),
          "element " + k);
    }
  }

  private static RolloutBatch batch(SplittableRandom random, int steps, int envs,
      Observations observations) {
    int n = steps * envs;
    int[] actions = new int[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    List<EpisodeEnd> episodes = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      actions[k] = random.nextInt(18);
      terminated[k] = random.nextInt(10) == 0;
      truncated[k] = !terminated[k] && random.nextInt(20) == 0;
      if (terminated[k] || truncated[k]) {
        episodes.add(new EpisodeEnd(random.nextDouble(-21, 21), random.nextInt(1, 10_000),
            random.nextLong(1, 400_000)));
      }
    }
    long[] versions = new long[steps];
    for (int t = 0; t < steps; t++) {
      versions[t] = random.nextLong();
    }
    Trajectory trajectory = new Trajectory(steps, envs, observations, actions,
        randomFloats(random, n), randomFloats(random, n), randomFloats(random, n), terminated,
        truncated, randomFloats(random, n), randomFloats(random, envs), versions);
    return new RolloutBatch(trajectory, episodes, n, 4L * n);
  }

  private static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int k = 0; k < n; k++) {
      b[k] = (byte) random.nextInt(256);
    }
    return b;
  }

  /** Gaussians, with the {@link #NAN_BITS} and infinities at random places. */
  private static float[] randomFloats(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      int pick = random.nextInt(16);
      a[k] = pick < NAN_BITS.length ? Float.intBitsToFloat(NAN_BITS[pick])
          : pick == 3 ? Float.NEGATIVE_INFINITY
          : (float) (random.nextDouble() * 2 - 1);
    }
    return a;
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scripted emulators with hand-built frames: emulator frame {@code f} of a game (counted from 1
 * after reset) shows {@link #screen}, pays {@link #reward} and leaves {@link #lives}; the game is
 * over after {@code gameLength} frames. Every call is recorded.
 */
class FakeEmulators implements AtariEmulators {
  final int n;
  final int h;
  final int w;
  int gameLength = 1000;
  int[] actionSet = {0, 1, 3, 4};
  final int[] frame;
  final List<String> calls = new ArrayList<>();
  int resets;

  FakeEmulators(int n, int h, int w) {
    this.n = n;
    this.h = h;
    this.w = w;
    frame = new int[n];
  }

  /** Pixel values of frame {@code f}: every pixel is {@code f}, except pixel (0,0) is 200 on odd
   * frames (a flickering sprite). */
  void screen(int f, byte[] dst, int off) {
    Arrays.fill(dst, off, off + h * w, (byte) f);
    if (f % 2 == 1) {
      dst[off] = (byte) 200;
    }
  }

  float reward(int env, int f) {
    return f % 4 == 0 ? 3 : 0;
  }

  int lives(int env, int f) {
    return 0;
  }

  @Override
  public int numEnvs() {
    return n;
  }

  @Override
  public int screenHeight() {
    return h;
  }

  @Override
  public int screenWidth() {
    return w;
  }

  @Override
  public int[] actionSet() {
    return actionSet.clone();
  }

  @Override
  public void reset(int[] envIds, long[] seeds) {
    for (int k = 0; k < envIds.length; k++) {
      frame[envIds[k]] = 0;
      resets++;
      calls.add("reset " + envIds[k] + " seed " + seeds[k]);
    }
  }

  @Override
  public FrameStep act(int[] envIds, int[] actions, int repeat) {
    int m = envIds.length;
    float[] rewards = new float[m];
    boolean[] over = new boolean[m];
    int[] emulated = new int[m];
    byte[] last = new byte[m * h * w];
    byte[] prev = new byte[m * h * w];
    for (int k = 0; k < m; k++) {
      int i = envIds[k];
      calls.add("act " + i + " action " + actions[k] + " x" + repeat);
      int f = 0;
      while (f < repeat) {
        frame[i]++;
        f++;
        rewards[k] += reward(i, frame[i]);
        if (frame[i] >= gameLength) {
          over[k] = true;
          break;
        }
      }
      emulated[k] = f;
      screen(frame[i], last, k * h * w);
      screen(f >= 2 && f == repeat ? frame[i] - 1 : frame[i], prev, k * h * w);
    }
    return new FrameStep(rewards, over, emulated, last, prev);
  }

  @Override
  public byte[] screens(int[] envIds) {
    byte[] out = new byte[envIds.length * h * w];
    for (int k = 0; k < envIds.length; k++) {
      screen(frame[envIds[k]], out, k * h * w);
    }
    return out;
  }

  @Override
  public int[] lives(int[] envIds) {
    int[] out = new int[envIds.length];
    for (int k = 0; k < envIds.length; k++) {
      out[k] = lives(envIds[k], frame[envIds[k]]);
    }
    return out;
  }

  @Override
  public void close() {}
}

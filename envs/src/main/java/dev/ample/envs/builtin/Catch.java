// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import dev.ample.envs.ObservationSpace;
import java.util.SplittableRandom;

/**
 * A small pixel game: a ball appears in a random column of the top row and falls one row per step;
 * a one-pixel paddle in the bottom row moves left (action 0), stays (1) or moves right (2). When the
 * ball reaches the bottom row the episode ends with reward +1 if the paddle is under it, else -1.
 * Episodes last {@code rows - 1} steps. The observation is one {@code rows x cols} uint8 channel,
 * 255 where the ball or paddle is, 0 elsewhere. The paddle starts in the middle column.
 */
public final class Catch implements BuiltinEnv {
  public static final int DEFAULT_ROWS = 10;
  public static final int DEFAULT_COLS = 5;

  private final int rows;
  private final int cols;
  private final ObservationSpace space;
  private int ballRow;
  private int ballCol;
  private int paddleCol;
  private boolean terminated;

  public Catch() {
    this(DEFAULT_ROWS, DEFAULT_COLS);
  }

  public Catch(int rows, int cols) {
    if (rows < 2 || cols < 1) {
      throw new IllegalArgumentException("catch needs rows >= 2 and cols >= 1");
    }
    this.rows = rows;
    this.cols = cols;
    space = new ObservationSpace(new int[] {1, rows, cols}, ObservationSpace.Dtype.UINT8);
  }

  @Override
  public ObservationSpace observationSpace() {
    return space;
  }

  @Override
  public int numActions() {
    return 3;
  }

  @Override
  public void reset(SplittableRandom rng) {
    ballRow = 0;
    ballCol = rng.nextInt(cols);
    paddleCol = cols / 2;
    terminated = false;
  }

  @Override
  public float step(int action) {
    paddleCol = Math.max(0, Math.min(cols - 1, paddleCol + action - 1));
    ballRow++;
    if (ballRow == rows - 1) {
      terminated = true;
      return ballCol == paddleCol ? 1f : -1f;
    }
    return 0f;
  }

  @Override
  public boolean terminated() {
    return terminated;
  }

  @Override
  public boolean truncated() {
    return false;
  }

  /** Column of the ball (tests). */
  public int ballColumn() {
    return ballCol;
  }

  /** Column of the paddle (tests). */
  public int paddleColumn() {
    return paddleCol;
  }

  @Override
  public void writeObservation(byte[] dst, int offset) {
    java.util.Arrays.fill(dst, offset, offset + rows * cols, (byte) 0);
    dst[offset + ballRow * cols + ballCol] = (byte) 255;
    dst[offset + (rows - 1) * cols + paddleCol] = (byte) 255;
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

/**
 * N raw Atari emulators at emulator-frame granularity: the seam between an emulator backend
 * (native ALE in the JVM, or ALE inside a Gymnasium worker) and the one Java implementation of
 * Atari preprocessing. Backends do no preprocessing of their own, so both give identical
 * observations for the same game, seed and actions.
 *
 * <p>Calls name a subset of emulators so that a backend that crosses a process boundary can step
 * all of them in one call.
 */
public interface AtariEmulators extends AutoCloseable {

  /** N, the number of emulators. */
  int numEnvs();

  /** Native screen height in pixels (210 for most games). */
  int screenHeight();

  /** Native screen width in pixels (160). */
  int screenWidth();

  /**
   * The agent's action set as ALE action ids ({@code 0 = NOOP, 1 = FIRE, ...}): the minimal set of
   * the game or all 18, as configured. Agent action {@code a} means ALE action {@code
   * actionSet()[a]}.
   */
  int[] actionSet();

  /**
   * Starts a new game on each listed emulator. Emulator {@code envIds[k]} is seeded with {@code
   * seeds[k]} (sticky actions draw from this seed).
   */
  void reset(int[] envIds, long[] seeds);

  /**
   * Repeats an agent action on each listed emulator for up to {@code repeat} frames, stopping early
   * at game over, and returns the summed raw reward and the grayscale screens of the last two
   * frames emulated (for max-pooling against flicker).
   *
   * @param envIds which emulators to step
   * @param actions agent action indices into {@link #actionSet()}, one per listed emulator
   * @param repeat frames to repeat the action (the frame skip), >= 1
   */
  FrameStep act(int[] envIds, int[] actions, int repeat);

  /**
   * {@link #act}, writing the screens into the caller's {@code lastScreens} and {@code
   * previousScreens} (at least {@code envIds.length * H * W} bytes each) and returning a {@link
   * FrameStep} whose screen arrays are those two arrays, so that a caller stepping in a loop can
   * reuse them instead of getting new ones every step. The default copies from {@link #act}.
   */
  default FrameStep actInto(
      int[] envIds, int[] actions, int repeat, byte[] lastScreens, byte[] previousScreens) {
    FrameStep fs = act(envIds, actions, repeat);
    System.arraycopy(fs.lastScreens(), 0, lastScreens, 0, fs.lastScreens().length);
    System.arraycopy(fs.previousScreens(), 0, previousScreens, 0, fs.previousScreens().length);
    return new FrameStep(
        fs.rewards(), fs.gameOver(), fs.framesEmulated(), lastScreens, previousScreens);
  }

  /**
   * Grayscale screens of the listed emulators as they are now ({@code H*W} bytes per emulator,
   * row major, emulators concatenated). Used for the first observation after {@link #reset}.
   */
  byte[] screens(int[] envIds);

  /** Lives left in each listed emulator's game (0 where the game has no lives). */
  int[] lives(int[] envIds);

  /** Releases emulators and any worker process. Idempotent. */
  @Override
  void close();

  /**
   * Result of {@link AtariEmulators#act} for the listed emulators, in the order given.
   *
   * @param rewards raw (unclipped) reward summed over the repeated frames
   * @param gameOver the game ended during the repeat
   * @param framesEmulated frames actually emulated (less than repeat when the game ended)
   * @param lastScreens grayscale screen after the last emulated frame, {@code H*W} bytes per
   *     emulator, row major, emulators concatenated
   * @param previousScreens grayscale screen after the frame before the last one when all {@code
   *     repeat >= 2} frames were emulated; equal to {@code lastScreens} otherwise (one frame, or a
   *     game that ended before the repeat's last frame: backends fetch that screen only at the
   *     repeat's second-to-last frame, and all backends must agree); same layout
   */
  record FrameStep(
      float[] rewards,
      boolean[] gameOver,
      int[] framesEmulated,
      byte[] lastScreens,
      byte[] previousScreens) {}
}

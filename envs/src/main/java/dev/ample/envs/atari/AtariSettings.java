// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import java.util.Locale;

/**
 * Atari emulator and preprocessing settings, shared by every emulator backend. Two presets:
 * {@link #v4()} reproduces the Eve paper's protocol (DESIGN.md §7, PongNoFrameskip-v4) except for
 * the resize, {@link #v5()} follows Gymnasium's ALE v5 defaults (sticky actions).
 *
 * @param frameSkip emulator frames per agent step; the action is repeated and the observation is
 *     the pixel-wise max of the last two frames (against sprite flicker)
 * @param stack frames stacked into one observation, channel first (oldest first)
 * @param size side of the square grayscale observation frame (84)
 * @param resize how the max-pooled screen becomes {@code size x size}: {@code AREA} (OpenCV's
 *     {@code INTER_AREA}, as Gymnasium's and baselines' Atari wrappers resize) in both presets, so
 *     that existing runs and figures keep their observations; {@code BILINEAR} is the Eve
 *     authors' {@code cv2.INTER_LINEAR}, which {@code configs/pong-v4-*.conf} set
 * @param noopMax on each new game, play a random number 1..noopMax of single NOOP frames (0 = off)
 * @param fireReset after each new game (and each lost life with episodic life), press FIRE for
 *     one frame and then action 2 for one frame, as baselines' FireResetEnv does; only applied when
 *     the action set contains FIRE
 * @param episodicLife a lost life ends the learner's episode ({@code terminated}) without resetting
 *     the game; raw returns and {@code episodeEnds} still cover the whole game
 * @param clipRewards rewards seen by the learner are {@code sign(r)}; raw returns stay unclipped
 * @param stickyActionProbability probability that the emulator repeats the previous action for a
 *     frame instead of the new one (ALE v5: 0.25; v4: 0)
 * @param fullActionSpace all 18 actions instead of the game's minimal set
 * @param maxEpisodeFrames a game is truncated after this many emulator frames (0 = no limit)
 * @param mode game mode (-1 = the game's default)
 * @param difficulty game difficulty (-1 = the game's default)
 */
public record AtariSettings(
    int frameSkip,
    int stack,
    int size,
    Resize.Method resize,
    int noopMax,
    boolean fireReset,
    boolean episodicLife,
    boolean clipRewards,
    float stickyActionProbability,
    boolean fullActionSpace,
    long maxEpisodeFrames,
    int mode,
    int difficulty) {

  public AtariSettings {
    require(frameSkip >= 1, "frameSkip must be >= 1, got " + frameSkip);
    require(stack >= 1, "stack must be >= 1, got " + stack);
    require(size >= 1 && size <= 160, "size must be in 1..160, got " + size);
    require(resize != null, "resize must be set (area or bilinear)");
    require(noopMax >= 0, "noopMax must be >= 0, got " + noopMax);
    require(
        stickyActionProbability >= 0 && stickyActionProbability < 1,
        "stickyActionProbability must be in [0, 1), got " + stickyActionProbability);
    require(maxEpisodeFrames >= 0, "maxEpisodeFrames must be >= 0, got " + maxEpisodeFrames);
  }

  /**
   * PongNoFrameskip-v4 as the Eve paper's code wrapped it (DESIGN.md §7): skip 4 with max-pool,
   * 84x84 gray, stack 4, no noop reset, life loss not terminal, sign-clipped training rewards, no
   * sticky actions, minimal action set, the v4 time limit of 400,000 frames. The resize is area
   * averaging; the authors' is {@code withResize(Resize.Method.BILINEAR)}.
   */
  public static AtariSettings v4() {
    return new AtariSettings(
        4, 4, 84, Resize.Method.AREA, 0, false, false, true, 0f, false, 400_000, -1, -1);
  }

  /**
   * ALE v5 defaults: as {@link #v4()} but sticky actions with probability 0.25 and a limit of
   * 108,000 frames (30 minutes of play).
   */
  public static AtariSettings v5() {
    return new AtariSettings(
        4, 4, 84, Resize.Method.AREA, 0, false, false, true, 0.25f, false, 108_000, -1, -1);
  }

  /** The preset named {@code v4} or {@code v5}. */
  public static AtariSettings preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "v4" -> v4();
      case "v5" -> v5();
      default -> throw new IllegalArgumentException(
          "unknown Atari preset '" + name + "'; use v4 (Eve paper protocol) or v5 (sticky actions)");
    };
  }

  public AtariSettings withResize(Resize.Method method) {
    return new AtariSettings(frameSkip, stack, size, method, noopMax, fireReset, episodicLife,
        clipRewards, stickyActionProbability, fullActionSpace, maxEpisodeFrames, mode, difficulty);
  }

  public AtariSettings withNoopMax(int n) {
    return new AtariSettings(frameSkip, stack, size, resize, n, fireReset, episodicLife,
        clipRewards, stickyActionProbability, fullActionSpace, maxEpisodeFrames, mode, difficulty);
  }

  public AtariSettings withFireReset(boolean on) {
    return new AtariSettings(frameSkip, stack, size, resize, noopMax, on, episodicLife, clipRewards,
        stickyActionProbability, fullActionSpace, maxEpisodeFrames, mode, difficulty);
  }

  public AtariSettings withEpisodicLife(boolean on) {
    return new AtariSettings(frameSkip, stack, size, resize, noopMax, fireReset, on,
        clipRewards, stickyActionProbability, fullActionSpace, maxEpisodeFrames, mode, difficulty);
  }

  public AtariSettings withClipRewards(boolean on) {
    return new AtariSettings(frameSkip, stack, size, resize, noopMax, fireReset, episodicLife, on,
        stickyActionProbability, fullActionSpace, maxEpisodeFrames, mode, difficulty);
  }

  public AtariSettings withMaxEpisodeFrames(long frames) {
    return new AtariSettings(frameSkip, stack, size, resize, noopMax, fireReset, episodicLife,
        clipRewards, stickyActionProbability, fullActionSpace, frames, mode, difficulty);
  }

  public AtariSettings withFullActionSpace(boolean on) {
    return new AtariSettings(frameSkip, stack, size, resize, noopMax, fireReset, episodicLife,
        clipRewards, stickyActionProbability, on, maxEpisodeFrames, mode, difficulty);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("Atari settings: " + message);
    }
  }
}

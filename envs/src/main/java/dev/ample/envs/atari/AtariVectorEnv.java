// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The one implementation of Atari preprocessing, on top of any {@link AtariEmulators} backend.
 * One agent step:
 *
 * <ol>
 *   <li>repeats the action for {@code frameSkip} emulator frames (stopping at game over) and sums
 *       the raw reward;
 *   <li>takes the pixel-wise max of the grayscale screens of the last two frames and resizes it to
 *       {@code size x size} with the configured {@link Resize.Method} (area or bilinear);
 *   <li>pushes that frame onto a stack of {@code stack} frames, channel first, oldest first;
 *   <li>reports {@code sign(reward)} when clipping is on (raw returns are kept for {@link
 *       EpisodeEnd});
 *   <li>ends the learner's episode: {@code terminated} at game over, or at a lost life with episodic
 *       life on (the game goes on; only game over reports an {@link EpisodeEnd}); {@code
 *       truncated} when the game reaches {@code maxEpisodeFrames} emulator frames.
 * </ol>
 *
 * <p>A new game (on {@link #reset} and autoreset): the emulator is reset, then, when configured, a
 * random number 1..noopMax of NOOP frames is played and FIRE then action 2 are pressed for one
 * frame each (baselines' FireResetEnv; also after a lost life with episodic life). The first
 * observation repeats the first frame (not max-pooled) in every stack slot, as baselines'
 * FrameStack does. Frames played while starting a game count toward the game's frames.
 *
 * <p>Seeding: {@code reset(seed)} resets emulator {@code i} with seed {@code seed + i} and seeds
 * env {@code i}'s noop generator with {@code seed + i}; later games draw their emulator seeds from
 * that generator, so a seed and an action sequence fix everything.
 *
 * <p>Autoreset follows {@link StepResult}. Not thread safe.
 */
public final class AtariVectorEnv implements VectorEnv {
  /** ALE action id of FIRE. */
  private static final int ALE_FIRE = 1;

  private final AtariEmulators emulators;
  private final AtariSettings settings;
  private final int n;
  private final int screenSize;
  private final int frameSize;
  private final int obsSize;
  private final ObservationSpace space;
  /** One per env: each remembers its env's last frame and recomputes only rows that changed. */
  private final Resize[] resizes;
  private final int[] allIds;
  private final int[] actionSet;
  private final boolean canFire;

  /** Per env: {@code stack} frames in a ring; {@code head[i]} is the newest slot. */
  private final byte[][] stacks;
  private final int[] head;
  private final SplittableRandom[] rngs;
  private final double[] rawReturns;
  private final int[] lengths;
  private final long[] frames;
  private final int[] lives;
  /** Reused by every step for the emulators' last two screens (only read during the step). */
  private final byte[] lastScreens;
  private final byte[] previousScreens;
  private boolean started;
  private boolean closed;

  public AtariVectorEnv(AtariEmulators emulators, AtariSettings settings) {
    this.emulators = emulators;
    this.settings = settings;
    n = emulators.numEnvs();
    int h = emulators.screenHeight();
    int w = emulators.screenWidth();
    screenSize = h * w;
    int s = settings.size();
    frameSize = s * s;
    obsSize = settings.stack() * frameSize;
    space = new ObservationSpace(new int[] {settings.stack(), s, s}, ObservationSpace.Dtype.UINT8);
    resizes = new Resize[n];
    for (int i = 0; i < n; i++) {
      resizes[i] = settings.resize().create(h, w, s, s);
    }
    allIds = new int[n];
    for (int i = 0; i < n; i++) {
      allIds[i] = i;
    }
    actionSet = emulators.actionSet();
    canFire = actionSet.length >= 3 && actionSet[1] == ALE_FIRE;
    stacks = new byte[n][obsSize];
    head = new int[n];
    rngs = new SplittableRandom[n];
    rawReturns = new double[n];
    lengths = new int[n];
    frames = new long[n];
    lives = new int[n];
    lastScreens = new byte[n * screenSize];
    previousScreens = new byte[n * screenSize];
  }

  @Override
  public int numEnvs() {
    return n;
  }

  @Override
  public ObservationSpace observationSpace() {
    return space;
  }

  @Override
  public int numActions() {
    return actionSet.length;
  }

  @Override
  public int framesPerStep() {
    return settings.frameSkip();
  }

  /** The agent's actions as ALE action ids. */
  public int[] actionSet() {
    return actionSet.clone();
  }

  /** The settings this env runs with. */
  public AtariSettings settings() {
    return settings;
  }

  @Override
  public StepResult reset(long seed) {
    ensureOpen();
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      rngs[i] = new SplittableRandom(seed + i);
      seeds[i] = seed + i;
    }
    startGames(allIds, seeds);
    started = true;
    return new StepResult(
        observe(), new float[n], new boolean[n], new boolean[n], new EpisodeEnd[n], null);
  }

  @Override
  public StepResult step(int[] actions) {
    ensureOpen();
    if (!started) {
      throw new IllegalStateException("step() before reset(seed): call reset first");
    }
    if (actions.length != n) {
      throw new IllegalArgumentException("expected " + n + " actions, got " + actions.length);
    }
    for (int a : actions) {
      if (a < 0 || a >= actionSet.length) {
        throw new IllegalArgumentException(
            "action " + a + " out of range 0.." + (actionSet.length - 1));
      }
    }
    AtariEmulators.FrameStep fs =
        emulators.actInto(allIds, actions, settings.frameSkip(), lastScreens, previousScreens);
    int[] livesNow = settings.episodicLife() ? emulators.lives(allIds) : null;

    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    EpisodeEnd[] ends = new EpisodeEnd[n];
    Observations finals = null;
    int[] newGames = new int[n];
    int newGameCount = 0;
    int[] lifeLost = new int[n];
    int lifeLostCount = 0;

    for (int i = 0; i < n; i++) {
      float raw = fs.rewards()[i];
      rawReturns[i] += raw;
      lengths[i]++;
      frames[i] += fs.framesEmulated()[i];
      pushFrame(i, fs.lastScreens(), fs.previousScreens(), i * screenSize, true);
      rewards[i] = settings.clipRewards() ? Math.signum(raw) : raw;

      boolean gameOver = fs.gameOver()[i];
      boolean timeUp =
          !gameOver && settings.maxEpisodeFrames() > 0 && frames[i] >= settings.maxEpisodeFrames();
      boolean lostLife = false;
      if (livesNow != null) {
        lostLife = !gameOver && livesNow[i] < lives[i] && livesNow[i] > 0;
        lives[i] = livesNow[i];
      }
      terminated[i] = gameOver || (lostLife && !timeUp);
      truncated[i] = timeUp;
      if (terminated[i] || truncated[i]) {
        if (finals == null) {
          finals = Observations.ofBytes(space, n, new byte[n * obsSize]);
        }
        writeStack(i, finals.bytes());
      }
      if (gameOver || timeUp) {
        ends[i] = new EpisodeEnd(rawReturns[i], lengths[i], frames[i]);
        newGames[newGameCount++] = i;
      } else if (lostLife) {
        lifeLost[lifeLostCount++] = i;
      }
    }
    if (newGameCount > 0) {
      int[] ids = Arrays.copyOf(newGames, newGameCount);
      long[] seeds = new long[newGameCount];
      for (int k = 0; k < newGameCount; k++) {
        seeds[k] = rngs[ids[k]].nextLong();
      }
      startGames(ids, seeds);
    }
    if (lifeLostCount > 0) {
      // Episodic life: the game goes on; the learner's next episode starts from the current
      // screen (after FIRE when fire reset is on), with a fresh frame stack.
      int[] ids = Arrays.copyOf(lifeLost, lifeLostCount);
      int[] over = settings.fireReset() && canFire ? pressFire(ids) : new int[0];
      for (int i : over) {
        ends[i] = new EpisodeEnd(rawReturns[i], lengths[i], frames[i]);
      }
      if (over.length > 0) {
        restartAfterGameOver(over);
      }
      fillStacks(without(ids, over));
    }
    return new StepResult(observe(), rewards, terminated, truncated, ends, finals);
  }

  /** Starts new games on the listed envs (reset, noops, fire) and fills their frame stacks. */
  private void startGames(int[] ids, long[] seeds) {
    emulators.reset(ids, seeds);
    for (int i : ids) {
      rawReturns[i] = 0;
      lengths[i] = 0;
      frames[i] = 0;
    }
    int[] over = new int[0];
    if (settings.noopMax() > 0) {
      int[] one = new int[1];
      int[] noop = {0};
      int[] overBuf = new int[ids.length];
      int overCount = 0;
      for (int i : ids) {
        one[0] = i;
        int count = 1 + rngs[i].nextInt(settings.noopMax());
        AtariEmulators.FrameStep fs = emulators.act(one, noop, count);
        frames[i] += fs.framesEmulated()[0];
        if (fs.gameOver()[0]) {
          overBuf[overCount++] = i;
        }
      }
      over = Arrays.copyOf(overBuf, overCount);
    }
    int[] playing = without(ids, over);
    if (settings.fireReset() && canFire && playing.length > 0) {
      int[] overAfterFire = pressFire(playing);
      playing = without(playing, overAfterFire);
      over = concat(over, overAfterFire);
    }
    if (over.length > 0) {
      restartAfterGameOver(over);
    }
    if (playing.length > 0) {
      fillStacks(playing);
      int[] l = emulators.lives(playing);
      for (int k = 0; k < playing.length; k++) {
        lives[playing[k]] = l[k];
      }
    }
  }

  private static int[] without(int[] ids, int[] removed) {
    if (removed.length == 0) {
      return ids;
    }
    return Arrays.stream(ids).filter(i -> Arrays.stream(removed).noneMatch(r -> r == i)).toArray();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** A game ended while it was being started (very short games): start those again. */
  private void restartAfterGameOver(int[] ids) {
    long[] seeds = new long[ids.length];
    for (int k = 0; k < ids.length; k++) {
      seeds[k] = rngs[ids[k]].nextLong();
    }
    startGames(ids, seeds);
  }

  /** FIRE then action 2, one frame each; returns the envs whose game ended meanwhile. */
  private int[] pressFire(int[] ids) {
    int[] acts = new int[ids.length];
    boolean[] over = new boolean[ids.length];
    for (int action = 1; action <= 2; action++) {
      Arrays.fill(acts, action);
      AtariEmulators.FrameStep fs = emulators.act(ids, acts, 1);
      for (int k = 0; k < ids.length; k++) {
        frames[ids[k]] += fs.framesEmulated()[k];
        over[k] |= fs.gameOver()[k];
      }
    }
    int count = 0;
    int[] result = new int[ids.length];
    for (int k = 0; k < ids.length; k++) {
      if (over[k]) {
        result[count++] = ids[k];
      }
    }
    return Arrays.copyOf(result, count);
  }

  /** Fills the listed envs' stacks with their current screen. */
  private void fillStacks(int[] ids) {
    byte[] screens = emulators.screens(ids);
    for (int k = 0; k < ids.length; k++) {
      int i = ids[k];
      pushFrame(i, screens, screens, k * screenSize, false);
      byte[] st = stacks[i];
      int newest = head[i] * frameSize;
      for (int slot = 0; slot < settings.stack(); slot++) {
        if (slot != head[i]) {
          System.arraycopy(st, newest, st, slot * frameSize, frameSize);
        }
      }
    }
  }

  /** Processes env {@code i}'s screens at {@code offset} into the next stack slot. */
  private void pushFrame(int i, byte[] last, byte[] previous, int offset, boolean maxPool) {
    int slot = (head[i] + 1) % settings.stack();
    head[i] = slot;
    if (maxPool) {
      resizes[i].maxThenResize(last, offset, previous, offset, stacks[i], slot * frameSize);
    } else {
      resizes[i].resize(last, offset, stacks[i], slot * frameSize);
    }
  }

  /** Copies env {@code i}'s stack, oldest frame first, into row {@code i} of {@code dst}. */
  private void writeStack(int i, byte[] dst) {
    int stack = settings.stack();
    int base = i * obsSize;
    for (int k = 0; k < stack; k++) {
      int slot = (head[i] + 1 + k) % stack;
      System.arraycopy(stacks[i], slot * frameSize, dst, base + k * frameSize, frameSize);
    }
  }

  private Observations observe() {
    byte[] out = new byte[n * obsSize];
    for (int i = 0; i < n; i++) {
      writeStack(i, out);
    }
    return Observations.ofBytes(space, n, out);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("env is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      emulators.close();
    }
  }
}

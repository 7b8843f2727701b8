// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import dev.ample.envs.atari.AtariEmulators;
import dev.ample.envs.gymnasium.GymnasiumSettings.FailurePolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N raw ALE emulators inside one Gymnasium worker process ({@code ale-py}), for the Java Atari
 * preprocessing. Each env is {@code gymnasium.make(id, frameskip=1, obs_type="grayscale",
 * repeat_action_probability=p, full_action_space=f, max_num_frames_per_episode=0)}: the worker
 * does no preprocessing and no frame skipping of its own; the {@code repeat} loop of {@link #act}
 * runs in Python so that one agent step of all listed emulators is one Py4J call. Screens are
 * ALE's grayscale screens, as the native backend gives.
 *
 * <p>{@code reset} calls Gymnasium's {@code env.reset(seed=s)}, which seeds ALE (sticky actions)
 * from {@code s} through numpy's {@code SeedSequence}; the native backend derives the same ALE
 * seed ({@code AleSeeds}), so both draw the same sticky actions. With {@code
 * repeat_action_probability = 0} (the v4 preset) the emulation does not depend on the seed.
 *
 * <p>When the worker hangs or dies under {@link FailurePolicy#RESTART}, a new worker is started,
 * every emulator is reset with its last seed, and every emulator reports {@code gameOver} on its
 * next {@code act} (the failed call's emulators on that call), so the preprocessing ends those
 * games and resets them.
 */
public final class GymnasiumAtariEmulators implements AtariEmulators {

  private static final Logger LOG = LoggerFactory.getLogger(GymnasiumAtariEmulators.class);

  private final GymnasiumSettings settings;
  private final GymnasiumWorker.Spec spec;
  private final int numEnvs;
  private final int height;
  private final int width;
  private final int[] actionSet;
  private final long[] lastSeeds;
  private final boolean[] cut;
  private GymnasiumWorker worker;
  private int restarts;

  private GymnasiumAtariEmulators(GymnasiumSettings settings, GymnasiumWorker.Spec spec) {
    this.settings = settings;
    this.spec = spec;
    this.numEnvs = spec.numEnvs();
    this.worker = GymnasiumWorker.start(settings, spec);
    int[] shape = worker.ready().space().shape();
    this.height = shape[0];
    this.width = shape[1];
    this.actionSet = worker.ready().actionSet();
    this.lastSeeds = new long[numEnvs];
    this.cut = new boolean[numEnvs];
  }

  /**
   * N emulators of an ALE game through Gymnasium.
   *
   * @param envId an ALE id, e.g. {@code ALE/Pong-v5}
   * @param numEnvs N
   * @param repeatActionProbability sticky-action probability (0.0 for the v4 preset, 0.25 for v5)
   * @param fullActionSpace all 18 actions instead of the game's minimal set
   */
  public static GymnasiumAtariEmulators create(
      GymnasiumSettings settings,
      String envId,
      int numEnvs,
      double repeatActionProbability,
      boolean fullActionSpace) {
    return create(settings, envId, numEnvs, repeatActionProbability, fullActionSpace, Map.of());
  }

  /**
   * As {@link #create(GymnasiumSettings, String, int, double, boolean)} with more {@code
   * gymnasium.make} keyword arguments (they override the defaults above, e.g. {@code
   * max_num_frames_per_episode}).
   */
  public static GymnasiumAtariEmulators create(
      GymnasiumSettings settings,
      String envId,
      int numEnvs,
      double repeatActionProbability,
      boolean fullActionSpace,
      Map<String, Object> makeKwargs) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("frameskip", 1);
    kwargs.put("obs_type", "grayscale");
    kwargs.put("repeat_action_probability", repeatActionProbability);
    kwargs.put("full_action_space", fullActionSpace);
    // Time limits belong to the Java preprocessing, as with the native backend.
    kwargs.put("max_num_frames_per_episode", 0);
    kwargs.putAll(makeKwargs);
    return new GymnasiumAtariEmulators(
        settings, new GymnasiumWorker.Spec(GymnasiumWorker.Mode.ATARI, envId, numEnvs, kwargs));
  }

  @Override
  public int numEnvs() {
    return numEnvs;
  }

  @Override
  public int screenHeight() {
    return height;
  }

  @Override
  public int screenWidth() {
    return width;
  }

  @Override
  public int[] actionSet() {
    return actionSet.clone();
  }

  /** Process id of the current worker (changes on restart). */
  public long workerPid() {
    return worker.pid();
  }

  @Override
  public void reset(int[] envIds, long[] seeds) {
    if (envIds.length != seeds.length) {
      throw new IllegalArgumentException("envIds and seeds differ in length");
    }
    for (int k = 0; k < envIds.length; k++) {
      lastSeeds[envIds[k]] = seeds[k];
      cut[envIds[k]] = false;
    }
    try {
      worker.call(
          "reset", w -> w.atariReset(WireFormat.int32s(envIds), WireFormat.int64s(seeds)));
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
    }
  }

  @Override
  public FrameStep act(int[] envIds, int[] actions, int repeat) {
    if (envIds.length != actions.length) {
      throw new IllegalArgumentException("envIds and actions differ in length");
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be >= 1, got " + repeat);
    }
    for (int a : actions) {
      if (a < 0 || a >= actionSet.length) {
        throw new IllegalArgumentException(
            "action " + a + " out of range 0.." + (actionSet.length - 1));
      }
    }
    FrameStep step;
    try {
      step = callAct(envIds, actions, repeat);
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
      step = callAct(envIds, actions, repeat);
    }
    for (int k = 0; k < envIds.length; k++) {
      if (cut[envIds[k]]) {
        step.gameOver()[k] = true;
        cut[envIds[k]] = false;
      }
    }
    return step;
  }

  private FrameStep callAct(int[] envIds, int[] actions, int repeat) {
    byte[] reply =
        worker.call(
            "act",
            w -> w.atariAct(WireFormat.int32s(envIds), WireFormat.int32s(actions), repeat));
    return WireFormat.readFrameStep(envIds.length, height, width, reply);
  }

  @Override
  public int[] lives(int[] envIds) {
    try {
      return WireFormat.readInt32s(
          worker.call("lives", w -> w.lives(WireFormat.int32s(envIds))), envIds.length);
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
      return WireFormat.readInt32s(
          worker.call("lives", w -> w.lives(WireFormat.int32s(envIds))), envIds.length);
    }
  }

  @Override
  public byte[] screens(int[] envIds) {
    try {
      return checkedScreens(envIds);
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
      return checkedScreens(envIds);
    }
  }

  private byte[] checkedScreens(int[] envIds) {
    byte[] screens = worker.call("screens", w -> w.screens(WireFormat.int32s(envIds)));
    int expected = envIds.length * screenHeight() * screenWidth();
    if (screens.length != expected) {
      throw new IllegalStateException(
          "Gymnasium worker sent " + screens.length + " screen bytes, expected " + expected);
    }
    return screens;
  }

  private void restartOrThrow(GymnasiumWorkerException e) {
    if (!settings.mayRestartAfter(e, restarts)) {
      close();
      throw e;
    }
    restarts++;
    LOG.warn(
        "{}; restarting it ({} of {}) and ending all {} games",
        e.getMessage(), restarts, settings.maxRestarts(), numEnvs);
    worker.close();
    worker = GymnasiumWorker.start(settings, spec);
    int[] all = new int[numEnvs];
    Arrays.setAll(all, i -> i);
    worker.call(
        "reset", w -> w.atariReset(WireFormat.int32s(all), WireFormat.int64s(lastSeeds)));
    Arrays.fill(cut, true);
  }

  @Override
  public void close() {
    worker.close();
  }
}

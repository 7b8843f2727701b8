// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * N copies of a {@link BuiltinEnv} stepped in a loop, with the same-step autoreset of {@link
 * StepResult}. Env {@code i} draws its randomness from a {@link SplittableRandom} seeded with
 * {@code seed + i} at {@link #reset(long)}; later episodes continue that stream, so a seed and an
 * action sequence fix every observation.
 */
public final class BuiltinVectorEnv implements VectorEnv {
  private final BuiltinEnv[] envs;
  private final SplittableRandom[] rngs;
  private final ObservationSpace space;
  private final boolean bytes;
  private final double[] returns;
  private final int[] lengths;
  private boolean started;

  public BuiltinVectorEnv(int numEnvs, Supplier<? extends BuiltinEnv> factory) {
    envs = new BuiltinEnv[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      envs[i] = factory.get();
    }
    rngs = new SplittableRandom[numEnvs];
    space = envs[0].observationSpace();
    bytes = space.dtype() == ObservationSpace.Dtype.UINT8;
    returns = new double[numEnvs];
    lengths = new int[numEnvs];
  }

  @Override
  public int numEnvs() {
    return envs.length;
  }

  @Override
  public ObservationSpace observationSpace() {
    return space;
  }

  @Override
  public int numActions() {
    return envs[0].numActions();
  }

  @Override
  public int framesPerStep() {
    return 1;
  }

  @Override
  public StepResult reset(long seed) {
    int n = envs.length;
    for (int i = 0; i < n; i++) {
      rngs[i] = new SplittableRandom(seed + i);
      envs[i].reset(rngs[i]);
      returns[i] = 0;
      lengths[i] = 0;
    }
    started = true;
    return new StepResult(
        observe(), new float[n], new boolean[n], new boolean[n], new EpisodeEnd[n], null);
  }

  @Override
  public StepResult step(int[] actions) {
    if (!started) {
      throw new IllegalStateException("step() before reset(seed): call reset first");
    }
    int n = envs.length;
    if (actions.length != n) {
      throw new IllegalArgumentException("expected " + n + " actions, got " + actions.length);
    }
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    EpisodeEnd[] ends = new EpisodeEnd[n];
    Observations finals = null;
    for (int i = 0; i < n; i++) {
      int a = actions[i];
      if (a < 0 || a >= envs[i].numActions()) {
        throw new IllegalArgumentException(
            "action " + a + " out of range 0.." + (envs[i].numActions() - 1));
      }
      rewards[i] = envs[i].step(a);
      returns[i] += rewards[i];
      lengths[i]++;
      terminated[i] = envs[i].terminated();
      truncated[i] = envs[i].truncated();
      if (terminated[i] || truncated[i]) {
        if (finals == null) {
          finals = emptyObservations();
        }
        write(i, finals);
        ends[i] = new EpisodeEnd(returns[i], lengths[i], lengths[i]);
        returns[i] = 0;
        lengths[i] = 0;
        envs[i].reset(rngs[i]);
      }
    }
    return new StepResult(observe(), rewards, terminated, truncated, ends, finals);
  }

  private Observations observe() {
    Observations obs = emptyObservations();
    for (int i = 0; i < envs.length; i++) {
      write(i, obs);
    }
    return obs;
  }

  private Observations emptyObservations() {
    int total = envs.length * space.size();
    return bytes
        ? Observations.ofBytes(space, envs.length, new byte[total])
        : Observations.ofFloats(space, envs.length, new float[total]);
  }

  private void write(int i, Observations obs) {
    if (bytes) {
      envs[i].writeObservation(obs.bytes(), i * space.size());
    } else {
      envs[i].writeObservation(obs.floats(), i * space.size());
    }
  }

  @Override
  public void close() {}
}

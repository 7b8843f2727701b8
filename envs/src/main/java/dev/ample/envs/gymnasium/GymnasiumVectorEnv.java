// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N copies of any Gymnasium env with a discrete action space ({@code CartPole-v1}, {@code
 * ALE/Pong-v5}, ...) served by one Python worker process; each {@link #step} is one Py4J call for
 * all N envs. Observations: a {@code Box} of uint8 stays {@link ObservationSpace.Dtype#UINT8},
 * any other {@code Box} becomes FLOAT32, a {@code Discrete} observation becomes a one-hot FLOAT32
 * vector. Agent action {@code a} is Gymnasium action {@code start + a}.
 *
 * <p>Semantics as {@link StepResult} documents: same-step autoreset (an ended env is reset inside
 * the same call, without a new seed, so its RNG stream continues), env {@code i} seeded with
 * {@code seed + i} (a negative seed {@code s} reaches Gymnasium, which takes only seeds {@code >=
 * 0}, as {@code s + 2^64}); rewards are Gymnasium's, unclipped.
 *
 * <p>When the worker hangs or dies, {@link GymnasiumSettings#onFailure()} decides: FAIL throws a
 * {@link GymnasiumWorkerException}; RESTART starts a new worker, resets env {@code i} with the seed
 * of the last {@code reset} (so the episodes replay from their start), and reports that step as
 * truncated for every env with the observations of the interrupted episodes as final
 * observations and zero rewards.
 */
public final class GymnasiumVectorEnv implements VectorEnv {

  private static final Logger LOG = LoggerFactory.getLogger(GymnasiumVectorEnv.class);

  private final GymnasiumSettings settings;
  private final GymnasiumWorker.Spec spec;
  private final int numEnvs;
  private final ObservationSpace space;
  private final int numActions;
  private GymnasiumWorker worker;
  private int restarts;
  private long[] seeds;
  private Observations last;
  private final double[] returns;
  private final int[] lengths;

  private GymnasiumVectorEnv(GymnasiumSettings settings, GymnasiumWorker.Spec spec) {
    this.settings = settings;
    this.spec = spec;
    this.numEnvs = spec.numEnvs();
    this.worker = GymnasiumWorker.start(settings, spec);
    this.space = worker.ready().space();
    this.numActions = worker.ready().numActions();
    this.returns = new double[numEnvs];
    this.lengths = new int[numEnvs];
  }

  /** N copies of {@code envId}, made with {@code gymnasium.make(envId)}. */
  public static GymnasiumVectorEnv create(GymnasiumSettings settings, String envId, int numEnvs) {
    return create(settings, envId, numEnvs, Map.of());
  }

  /**
   * N copies of {@code envId}, made with {@code gymnasium.make(envId, **makeKwargs)}.
   *
   * @param makeKwargs keyword arguments (String, Number or Boolean values), e.g. {@code
   *     max_episode_steps}
   * @throws GymnasiumWorkerException when the interpreter, a package or the env is missing
   */
  public static GymnasiumVectorEnv create(
      GymnasiumSettings settings, String envId, int numEnvs, Map<String, Object> makeKwargs) {
    return new GymnasiumVectorEnv(
        settings,
        new GymnasiumWorker.Spec(GymnasiumWorker.Mode.VECTOR, envId, numEnvs, makeKwargs));
  }

  @Override
  public int numEnvs() {
    return numEnvs;
  }

  @Override
  public ObservationSpace observationSpace() {
    return space;
  }

  @Override
  public int numActions() {
    return numActions;
  }

  /** 1: a Gymnasium id's own frame skip, if any, is inside its step. */
  @Override
  public int framesPerStep() {
    return 1;
  }

  /** Process id of the current worker (changes on restart). */
  public long workerPid() {
    return worker.pid();
  }

  /** Workers restarted so far. */
  public int restarts() {
    return restarts;
  }

  @Override
  public StepResult reset(long seed) {
    long[] s = new long[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      s[i] = seed + i;
    }
    seeds = s;
    Observations obs;
    try {
      obs = resetWorker();
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
      obs = resetWorker();
    }
    Arrays.fill(returns, 0);
    Arrays.fill(lengths, 0);
    last = obs;
    return new StepResult(
        obs, new float[numEnvs], new boolean[numEnvs], new boolean[numEnvs],
        new EpisodeEnd[numEnvs], null);
  }

  private Observations resetWorker() {
    byte[] reply = worker.call("reset", w -> w.reset(WireFormat.int64s(seeds)));
    return WireFormat.readObservations(space, numEnvs, reply, 0);
  }

  @Override
  public StepResult step(int[] actions) {
    if (seeds == null) {
      throw new IllegalStateException("call reset(seed) before step");
    }
    if (actions.length != numEnvs) {
      throw new IllegalArgumentException(
          "expected " + numEnvs + " actions, got " + actions.length);
    }
    for (int a : actions) {
      if (a < 0 || a >= numActions) {
        throw new IllegalArgumentException(
            "action " + a + " out of range 0.." + (numActions - 1) + " for " + spec.envId());
      }
    }
    WireFormat.VectorStep s;
    try {
      byte[] reply = worker.call("step", w -> w.step(WireFormat.int32s(actions)));
      s = WireFormat.readVectorStep(space, numEnvs, reply);
    } catch (GymnasiumWorkerException e) {
      restartOrThrow(e);
      return cutAllEpisodes();
    }
    float[] rewards = new float[numEnvs];
    EpisodeEnd[] ends = new EpisodeEnd[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      rewards[i] = (float) s.rewards()[i];
      returns[i] += s.rewards()[i];
      lengths[i]++;
      if (s.terminated()[i] || s.truncated()[i]) {
        ends[i] = new EpisodeEnd(returns[i], lengths[i], lengths[i]);
        returns[i] = 0;
        lengths[i] = 0;
      }
    }
    last = s.observations();
    return new StepResult(
        s.observations(), rewards, s.terminated(), s.truncated(), ends, s.finalObservations());
  }

  /** After a restart: every episode was cut where it stood, and all envs start again. */
  private StepResult cutAllEpisodes() {
    Observations fresh = resetWorker();
    EpisodeEnd[] ends = new EpisodeEnd[numEnvs];
    boolean[] truncated = new boolean[numEnvs];
    for (int i = 0; i < numEnvs; i++) {
      ends[i] = new EpisodeEnd(returns[i], lengths[i], lengths[i]);
      truncated[i] = true;
      returns[i] = 0;
      lengths[i] = 0;
    }
    Observations finals = last;
    last = fresh;
    return new StepResult(
        fresh, new float[numEnvs], new boolean[numEnvs], truncated, ends, finals);
  }

  private void restartOrThrow(GymnasiumWorkerException e) {
    if (!settings.mayRestartAfter(e, restarts)) {
      close();
      throw e;
    }
    restarts++;
    LOG.warn(
        "{}; restarting it ({} of {}) and truncating all {} episodes",
        e.getMessage(), restarts, settings.maxRestarts(), numEnvs);
    worker.close();
    worker = GymnasiumWorker.start(settings, spec);
  }

  @Override
  public void close() {
    worker.close();
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.VectorEnv;
import java.util.ArrayList;
import java.util.List;

/**
 * The vector envs of a rollout's runners, created before the rollout starts so that whoever
 * builds the policy learns the observation space and the action count from the envs that will be
 * stepped (no extra env is opened just to ask). {@link LocalRollout#start} takes them over; until
 * then {@link #close} closes them.
 *
 * <pre>{@code
 * RolloutEnvs envs = RolloutEnvs.open(EnvConfig.of("catch", 8), 2);
 * Agent agent = ... a network for envs.observationSpace() and envs.numActions() ...;
 * LocalRollout rollout = LocalRollout.start(envs, agent, seed);
 * }</pre>
 */
public final class RolloutEnvs implements AutoCloseable {

  /** Creates runner r's vector env of {@code count} envs. */
  @FunctionalInterface
  public interface PerRunner {
    VectorEnv create(int runner, int count);
  }

  private final List<VectorEnv> envs;
  private boolean handedOver;

  private RolloutEnvs(List<VectorEnv> envs) {
    this.envs = List.copyOf(envs);
  }

  /**
   * {@code runners} vector envs splitting {@code env.numEnvs()} envs as evenly as possible (the
   * first {@code numEnvs % runners} runners get one env more), each made by {@link Envs#create}.
   *
   * @param runners 1..env.numEnvs()
   */
  public static RolloutEnvs open(EnvConfig env, int runners) {
    return open(env.numEnvs(), runners, (r, count) -> Envs.create(new EnvConfig(env.id(),
        env.backend(), count, env.romDir(), env.atari(), env.allowUnverifiedRom())));
  }

  /**
   * As {@link #open(EnvConfig, int)} with envs from {@code perRunner} (called for runner 0, 1, ...
   * in order, on the calling thread; it must return a vector env of exactly {@code count} envs).
   * An error creating one closes those already made and is thrown as it is.
   */
  public static RolloutEnvs open(int numEnvs, int runners, PerRunner perRunner) {
    if (runners < 1 || runners > numEnvs) {
      throw new IllegalArgumentException(
          "rollout runners must be in 1.." + numEnvs + " (one env at least each), got " + runners);
    }
    List<VectorEnv> envs = new ArrayList<>();
    try {
      for (int r = 0; r < runners; r++) {
        int count = numEnvs / runners + (r < numEnvs % runners ? 1 : 0);
        VectorEnv e = perRunner.create(r, count);
        envs.add(e);
        if (e.numEnvs() != count) {
          throw new IllegalStateException(
              "runner " + r + " got a vector env of " + e.numEnvs() + " envs, expected " + count);
        }
        VectorEnv zero = envs.get(0);
        if (!e.observationSpace().equals(zero.observationSpace())
            || e.numActions() != zero.numActions() || e.framesPerStep() != zero.framesPerStep()) {
          throw new IllegalStateException("runner " + r + "'s envs differ from runner 0's: "
              + e.observationSpace() + " with " + e.numActions() + " actions vs "
              + zero.observationSpace() + " with " + zero.numActions());
        }
      }
      return new RolloutEnvs(envs);
    } catch (RuntimeException | Error e) {
      LocalRollout.closeAll(envs, e);
      throw e;
    }
  }

  /** One env's observation space. */
  public ObservationSpace observationSpace() {
    return envs.get(0).observationSpace();
  }

  /** Discrete actions of every env. */
  public int numActions() {
    return envs.get(0).numActions();
  }

  /** N, the envs over all runners. */
  public int numEnvs() {
    return envs.stream().mapToInt(VectorEnv::numEnvs).sum();
  }

  /** Emulator frames per agent step ({@link VectorEnv#framesPerStep()}). */
  public int framesPerStep() {
    return envs.get(0).framesPerStep();
  }

  /** The runners' envs, now owned by the caller (a rollout). */
  List<VectorEnv> handOver() {
    if (handedOver) {
      throw new IllegalStateException("these envs already belong to a rollout");
    }
    handedOver = true;
    return envs;
  }

  /** Closes the envs unless a rollout took them over (then the rollout closes them). */
  @Override
  public void close() {
    if (!handedOver) {
      handedOver = true;
      LocalRollout.closeAll(envs, null);
    }
  }
}

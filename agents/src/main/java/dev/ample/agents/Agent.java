// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Batched policy inference for actors: observations of n envs -> sampled actions, log-probs,
 * values.
 *
 * <p>Inference runs without gradients, each call in its own sub-manager of the agent's manager, so
 * nothing outlives a call. Observations cross as {@link Observations} (Java arrays; messages
 * never carry NDArrays): bytes go in as a UINT8 array, which the networks scale themselves ({@link NatureCnn} and the MLP
 * of {@link Networks} divide by 255), floats as FLOAT32. Actions are sampled on the host from the
 * softmax probabilities with the caller's {@link SplittableRandom} (one draw per env, in env
 * order), exactly as {@link CategoricalPolicy#sample}, so a seed fixes the actions on any engine.
 *
 * <p>The agent owns its network: a copy of the learner's architecture, initialised in the agent's
 * own NDManager, whose parameters only ever change by {@link #load loading} a {@link
 * PolicySnapshot}. So inference never reads parameters that the learner is updating, whether it
 * runs between updates (the synchronous protocol) or during one (overlapped collection).
 *
 * <p>One caller at a time (calls are serialised).
 */
public final class Agent implements AutoCloseable {

  private final PolicyValueNetwork network;
  private final NDManager manager;
  private final ObservationInput input = new ObservationInput();
  private long policyVersion;
  private boolean closed;

  /**
   * What {@link #act} decided for n envs.
   *
   * @param actions sampled actions, one per env
   * @param logProbs {@code log pi(a_i | s_i)} of those actions
   * @param values {@code V(s_i)}
   */
  public record Acted(int[] actions, float[] logProbs, float[] values) {}

  private Agent(PolicyValueNetwork network, NDManager manager) {
    this.network = network;
    this.manager = manager;
  }

  /**
   * An agent on {@code device} running its own copy of a policy: {@code architecture} builds a
   * fresh, uninitialised network (the learner's architecture), which the agent initialises in its
   * own manager for observations of {@code space} and loads {@code initial} into.
   *
   * @throws IllegalArgumentException when the network comes initialised (it could be someone
   *     else's) or does not fit the snapshot
   */
  public static Agent create(Supplier<PolicyValueNetwork> architecture, ObservationSpace space,
      PolicySnapshot initial, Device device) {
    PolicyValueNetwork network = architecture.get();
    if (network == null || network.isInitialized()) {
      throw new IllegalArgumentException(
          "an agent builds its own network: the architecture must return a new, uninitialised one");
    }
    NDManager manager = NDManager.newBaseManager(device);
    try {
      // Every value is overwritten by the snapshot below: no random draws are spent on them.
      network.setInitializer(new ConstantInitializer(0), parameter -> true);
      network.initialize(manager, DataType.FLOAT32, Networks.inputShape(space.shape()));
      // Inference only: DJL attaches a gradient to every parameter it initialises, and PyTorch's
      // grad mode is per thread and on in the rollout's threads, so each forward there would
      // record an autograd graph (measured on the coordinator's thread: act 303-316 us vs
      // 256-288 us without, per 8-env Catch step).
      network.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
      Agent agent = new Agent(network, manager);
      agent.load(initial);
      return agent;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Replaces the agent's parameters with {@code snapshot}'s, between inference calls. */
  public synchronized void load(PolicySnapshot snapshot) {
    requireOpen();
    snapshot.copyInto(network);
    policyVersion = snapshot.version();
  }

  /** The version of the snapshot the agent acts with. */
  public synchronized long policyVersion() {
    return policyVersion;
  }

  /** Discrete actions of the policy. */
  public int numActions() {
    return network.numActions();
  }

  /**
   * Samples actions for the n observations of {@code obs} (one row per env). Sampling is done in
   * Java from the softmax probabilities with {@code rng} so runs are reproducible.
   */
  public synchronized Acted act(Observations obs, SplittableRandom rng) {
    double[] uniforms = new double[obs.numEnvs()];
    for (int i = 0; i < uniforms.length; i++) {
      uniforms[i] = rng.nextDouble();
    }
    return act(obs, uniforms, 0);
  }

  /**
   * {@link #act(Observations, SplittableRandom)} with env i's uniform draw given as {@code
   * uniforms[offset + i]}: a caller that acts for parts of its envs at different times (double
   * buffered sampling) draws them from its stream in the order a whole-vector act would.
   */
  public synchronized Acted act(Observations obs, double[] uniforms, int offset) {
    int n = obs.numEnvs();
    try (NDManager sub = open()) {
      NDList out = forward(sub, obs);
      NDArray logp = out.get(0).logSoftmax(-1);
      int numActions = network.numActions();
      // The same float ops as CategoricalPolicy.sample, so both sample identically.
      int[] actions =
          CategoricalPolicy.sample(logp.exp().toFloatArray(), numActions, uniforms, offset);
      float[] all = logp.toFloatArray();
      float[] logProbs = new float[n];
      for (int i = 0; i < n; i++) {
        logProbs[i] = all[i * numActions + actions[i]];
      }
      return new Acted(actions, logProbs, out.get(1).toFloatArray());
    }
  }

  /**
   * The most probable action for each of n observations (greedy play, e.g. test episodes); ties go
   * to the lowest action. No randomness is drawn.
   */
  public synchronized int[] greedyActions(Observations obs) {
    int n = obs.numEnvs();
    try (NDManager sub = open()) {
      float[] logits = forward(sub, obs).get(0).toFloatArray();
      int numActions = network.numActions();
      int[] actions = new int[n];
      for (int i = 0; i < n; i++) {
        int row = i * numActions;
        int best = 0;
        for (int k = 1; k < numActions; k++) {
          if (logits[row + k] > logits[row + best]) {
            best = k;
          }
        }
        actions[i] = best;
      }
      return actions;
    }
  }

  /** V(s) of n observations (for bootstrap and final observations). */
  public synchronized float[] values(Observations obs) {
    try (NDManager sub = open()) {
      return forward(sub, obs).get(1).toFloatArray();
    }
  }

  private NDManager open() {
    requireOpen();
    return manager.newSubManager();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("agent is closed");
    }
  }

  private NDList forward(NDManager sub, Observations obs) {
    if (obs.numEnvs() < 1) {
      throw new IllegalArgumentException("inference needs at least one observation");
    }
    Shape shape = new Shape(obs.numEnvs()).addAll(Networks.inputShape(obs.space().shape()).slice(1));
    NDArray x = input.all(obs, shape, sub);
    return network.forward(new ParameterStore(sub, false), new NDList(x), false);
  }

  /** Frees the agent's network and inference manager. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}

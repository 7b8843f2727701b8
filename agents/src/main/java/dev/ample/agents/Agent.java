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
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Batched policy inference for actors: observations of n envs -> sampled actions, log-probs,
 * values.
 *
 * <p>Inference runs without gradients, each call in its own sub-manager of the agent's manager, so
 * nothing outlives a call. Observations cross as Java arrays (messages never carry NDArrays):
 * bytes go in as a UINT8 array, which the networks scale themselves ({@link NatureCnn} and the MLP
 * of {@link Networks} divide by 255), floats as FLOAT32. Actions are sampled on the host from the
 * softmax probabilities with the caller's {@link SplittableRandom} (one draw per env, in env
 * order), exactly as {@link CategoricalPolicy#sample}, so a seed fixes the actions on any engine.
 *
 * <p>One caller at a time (calls are serialised); the network's parameters may be updated between
 * calls by the learner.
 */
public final class Agent implements AutoCloseable {

  private final PolicyValueNetwork network;
  private final NDManager manager;
  private boolean closed;

  /**
   * What {@link #act} decided for n envs.
   *
   * @param actions sampled actions, one per env
   * @param logProbs {@code log pi(a_i | s_i)} of those actions
   * @param values {@code V(s_i)}
   */
  public record Acted(int[] actions, float[] logProbs, float[] values) {}

  private Agent(PolicyValueNetwork network, Device device) {
    this.network = network;
    this.manager = NDManager.newBaseManager(device);
  }

  /**
   * An agent over {@code network} (already initialised) on {@code device}; owns an NDManager for
   * inference scratch.
   */
  public static Agent of(PolicyValueNetwork network, Device device) {
    if (network == null) {
      throw new IllegalArgumentException("Agent.of needs a network");
    }
    return new Agent(network, device);
  }

  /** The network this agent runs. */
  public PolicyValueNetwork network() {
    return network;
  }

  /**
   * Samples actions for n observations. Exactly one of byteObs/floatObs non-null; obsShape is ONE
   * env's shape (e.g. {4,84,84}); n envs, row-major. Sampling is done in Java from the softmax
   * probabilities with {@code rng} so runs are reproducible.
   */
  public synchronized Acted act(
      byte[] byteObs, float[] floatObs, int[] obsShape, int n, SplittableRandom rng) {
    try (NDManager sub = open()) {
      NDList out = forward(sub, byteObs, floatObs, obsShape, n);
      NDArray logp = out.get(0).logSoftmax(-1);
      int numActions = network.numActions();
      // The same float ops as CategoricalPolicy.sample, so both sample identically.
      int[] actions = CategoricalPolicy.sample(logp.exp().toFloatArray(), numActions, rng);
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
   * to the lowest action. Arguments as in {@link #act}; no randomness is drawn.
   */
  public synchronized int[] greedyActions(byte[] byteObs, float[] floatObs, int[] obsShape, int n) {
    try (NDManager sub = open()) {
      float[] logits = forward(sub, byteObs, floatObs, obsShape, n).get(0).toFloatArray();
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
  public synchronized float[] values(byte[] byteObs, float[] floatObs, int[] obsShape, int n) {
    try (NDManager sub = open()) {
      return forward(sub, byteObs, floatObs, obsShape, n).get(1).toFloatArray();
    }
  }

  private NDManager open() {
    if (closed) {
      throw new IllegalStateException("agent is closed");
    }
    return manager.newSubManager();
  }

  private NDList forward(NDManager sub, byte[] byteObs, float[] floatObs, int[] obsShape, int n) {
    if ((byteObs == null) == (floatObs == null)) {
      throw new IllegalArgumentException("pass exactly one of byte or float observations");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    long[] dims = new long[obsShape.length + 1];
    dims[0] = n;
    long size = 1;
    for (int d = 0; d < obsShape.length; d++) {
      dims[d + 1] = obsShape[d];
      size *= obsShape[d];
    }
    Shape shape = new Shape(dims);
    int length = byteObs != null ? byteObs.length : floatObs.length;
    if (length != n * size) {
      throw new IllegalArgumentException(
          "observations hold " + length + " elements, expected " + n + " x " + shape.slice(1));
    }
    NDArray x = byteObs != null
        ? sub.create(ByteBuffer.wrap(byteObs), shape, DataType.UINT8)
        : sub.create(floatObs, shape);
    return network.forward(new ParameterStore(sub, false), new NDList(x), false);
  }

  /** Frees the inference manager. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}

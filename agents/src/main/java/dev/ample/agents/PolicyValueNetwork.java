// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * An actor-critic network: a shared trunk followed by a policy head (one logit per action) and a
 * value head (one scalar), as in the PPO Atari setup (DESIGN.md §7).
 *
 * <p>{@code forward} maps an observation batch {@code (B, ...)} to {@code [logits (B, n), value
 * (B)]}. The three parts are exposed so that the per-example gradient engine can walk the layers
 * itself.
 */
public final class PolicyValueNetwork extends AbstractBlock {

  private final Block trunk;
  private final Linear policyHead;
  private final Linear valueHead;
  private final int numActions;
  private final String description;

  /**
   * A network with the given trunk (any block mapping observations to a {@code (B, features)}
   * array) and fresh policy and value heads.
   */
  public static PolicyValueNetwork of(Block trunk, int numActions) {
    return of(trunk, numActions, "custom trunk");
  }

  /** As {@link #of(Block, int)}, with a short description of the architecture for logs. */
  public static PolicyValueNetwork of(Block trunk, int numActions, String description) {
    return new PolicyValueNetwork(trunk, numActions, description);
  }

  private PolicyValueNetwork(Block trunk, int numActions, String description) {
    if (numActions < 1) {
      throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
    }
    this.numActions = numActions;
    this.description = description;
    this.trunk = addChildBlock("trunk", trunk);
    this.policyHead = addChildBlock("policy", Linear.builder().setUnits(numActions).build());
    this.valueHead = addChildBlock("value", Linear.builder().setUnits(1).build());
  }

  /** The shared feature extractor. */
  public Block trunk() {
    return trunk;
  }

  /** Trunk features -> action logits. */
  public Linear policyHead() {
    return policyHead;
  }

  /** Trunk features -> state value, shape (B, 1) before squeezing. */
  public Linear valueHead() {
    return valueHead;
  }

  public int numActions() {
    return numActions;
  }

  /** The architecture in a few words, e.g. {@code Nature CNN (same padding)}. */
  public String description() {
    return description;
  }

  /** Scalars over all parameters; the network must be initialised. */
  public long parameterCount() {
    long n = 0;
    for (Pair<String, Parameter> p : getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList features = trunk.forward(ps, inputs, training, params);
    NDList logits = policyHead.forward(ps, features, training, params);
    NDList value = valueHead.forward(ps, features, training, params);
    return new NDList(logits.singletonOrThrow(), value.singletonOrThrow().squeeze(-1));
  }

  @Override
  public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    trunk.initialize(manager, dataType, inputShapes);
    Shape[] features = trunk.getOutputShapes(inputShapes);
    policyHead.initialize(manager, dataType, features);
    valueHead.initialize(manager, dataType, features);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape features = trunk.getOutputShapes(inputShapes)[0];
    return new Shape[] {new Shape(features.get(0), numActions), new Shape(features.get(0))};
  }
}

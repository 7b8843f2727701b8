// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.Arrays;

/**
 * A multilayer perceptron actor-critic for vector observations (CartPole-like): hidden dense
 * layers (default 64-64) with tanh, then a policy head and a value head.
 *
 * <pre>{@code
 * PolicyValueNetwork net = Mlp.builder().setNumActions(2).build();
 * net.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
 * }</pre>
 */
public final class Mlp {

  private Mlp() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Builds the network; {@link #setNumActions} is required. */
  public static final class Builder {
    private int numActions = -1;
    private int[] hidden = {64, 64};
    private boolean tanh = true;

    private Builder() {}

    /** Number of discrete actions (policy logits). */
    public Builder setNumActions(int numActions) {
      this.numActions = numActions;
      return this;
    }

    /** Widths of the hidden layers (default 64, 64). */
    public Builder optHidden(int... hidden) {
      this.hidden = hidden.clone();
      return this;
    }

    /** tanh (default) or, when false, ReLU between layers. */
    public Builder optTanh(boolean tanh) {
      this.tanh = tanh;
      return this;
    }

    public PolicyValueNetwork build() {
      if (numActions < 1) {
        throw new IllegalArgumentException("Mlp needs setNumActions(n >= 1)");
      }
      if (Arrays.stream(hidden).anyMatch(h -> h < 1)) {
        throw new IllegalArgumentException("hidden widths must be >= 1: " + Arrays.toString(hidden));
      }
      return PolicyValueNetwork.of(buildTrunk(), numActions, description());
    }

    /** E.g. {@code MLP 64-64 tanh}. */
    String description() {
      return "MLP " + Arrays.stream(hidden).mapToObj(Integer::toString)
          .collect(java.util.stream.Collectors.joining("-")) + (tanh ? " tanh" : " relu");
    }

    /** The hidden layers alone, for networks that put a front before them ({@link Networks}). */
    SequentialBlock buildTrunk() {
      SequentialBlock trunk = new SequentialBlock();
      for (int h : hidden) {
        trunk.add(Linear.builder().setUnits(h).build());
        trunk.add(tanh ? Activation.tanhBlock() : Activation.reluBlock());
      }
      return trunk;
    }
  }

  /** Observation shape helper: {@code (batchSize, features)}. */
  public static Shape inputShape(long batchSize, int features) {
    return new Shape(batchSize, features);
  }
}

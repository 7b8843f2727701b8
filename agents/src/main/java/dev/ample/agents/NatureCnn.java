// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * The Nature DQN convolutional network (Mnih et al. 2015) used by PPO on Atari (DESIGN.md §7):
 * input {@code (B, 4, 84, 84)} uint8 frames scaled by 1/255, conv 32x8x8 stride 4, conv 64x4x4
 * stride 2, conv 64x3x3 stride 1, dense 512, ReLU after each, then a policy head and a value head.
 *
 * <pre>{@code
 * PolicyValueNetwork net = NatureCnn.builder().setNumActions(6).build();
 * net.initialize(manager, DataType.FLOAT32, NatureCnn.inputShape(1));
 * }</pre>
 */
public final class NatureCnn {

  /** Stacked frames per observation. */
  public static final int FRAMES = 4;
  /** Frame side after preprocessing. */
  public static final int SIDE = 84;

  private NatureCnn() {}

  /** The observation shape for a batch of {@code batchSize}. */
  public static Shape inputShape(long batchSize) {
    return new Shape(batchSize, FRAMES, SIDE, SIDE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds the network; {@link #setNumActions} is required. */
  public static final class Builder {
    private int numActions = -1;
    private int hiddenUnits = 512;
    private float inputScale = 1f / 255f;

    private Builder() {}

    /** Number of discrete actions (policy logits). */
    public Builder setNumActions(int numActions) {
      this.numActions = numActions;
      return this;
    }

    /** Width of the dense layer after the convolutions (default 512). */
    public Builder optHiddenUnits(int hiddenUnits) {
      this.hiddenUnits = hiddenUnits;
      return this;
    }

    /** Factor applied to the (uint8) input after casting to float32 (default 1/255). */
    public Builder optInputScale(float inputScale) {
      this.inputScale = inputScale;
      return this;
    }

    public PolicyValueNetwork build() {
      if (numActions < 1) {
        throw new IllegalArgumentException("NatureCnn needs setNumActions(n >= 1)");
      }
      float scale = inputScale;
      SequentialBlock trunk =
          new SequentialBlock()
              .addSingleton((NDArray x) -> x.toType(DataType.FLOAT32, false).mul(scale), "scale")
              .add(conv(32, 8, 4))
              .add(Activation.reluBlock())
              .add(conv(64, 4, 2))
              .add(Activation.reluBlock())
              .add(conv(64, 3, 1))
              .add(Activation.reluBlock())
              .add(Blocks.batchFlattenBlock())
              .add(Linear.builder().setUnits(hiddenUnits).build())
              .add(Activation.reluBlock());
      return PolicyValueNetwork.of(trunk, numActions);
    }

    private static Conv2d conv(int filters, int kernel, int stride) {
      return Conv2d.builder()
          .setFilters(filters)
          .setKernelShape(new Shape(kernel, kernel))
          .optStride(new Shape(stride, stride))
          .build();
    }
  }
}

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
 * <p>{@link Padding#VALID} (no padding, as in baselines and CleanRL) gives conv outputs 20, 9, 7
 * and 3,136 features (1,687,719 parameters with 6 actions); {@link Padding#SAME}, Flax's default
 * that the Eve authors' network uses, gives 21, 11, 11 and 7,744 features (4,047,015 parameters).
 * Flax flattens its NHWC maps in (H, W, C) order and DJL its NCHW maps in (C, H, W) order: a fixed
 * permutation of the dense layer's inputs, so with i.i.d. initial weights the two networks are
 * the same family, drawn from the same distribution.
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

  /** How the convolutions pad their input. */
  public enum Padding {
    /** None: each output sees only real pixels. */
    VALID,
    /**
     * As Flax's and XLA's {@code 'SAME'}: {@code ceil(in / stride)} outputs, the total padding
     * {@code max((out - 1) stride + kernel - in, 0)} split with the smaller half before. That half
     * can be one less than the other (conv2 on 21 pixels pads 1 before, 2 after), which a DJL
     * Conv2d's symmetric padding cannot express, so a parameterless block pads explicitly in front
     * of each convolution.
     */
    SAME;

    /** The config name: {@code valid} or {@code same}. */
    public String configName() {
      return ConfigNames.of(this);
    }

    /** Parses {@code valid} or {@code same}. */
    public static Padding parse(String name) {
      return ConfigNames.parse(Padding.class, name, "network padding");
    }
  }

  /** Builds the network; {@link #setNumActions} is required. */
  public static final class Builder {
    private int numActions = -1;
    private int hiddenUnits = 512;
    private float inputScale = 1f / 255f;
    private Padding padding = Padding.VALID;

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

    /** How the convolutions pad (default {@link Padding#VALID}). */
    public Builder optPadding(Padding padding) {
      this.padding = padding;
      return this;
    }

    public PolicyValueNetwork build() {
      if (numActions < 1) {
        throw new IllegalArgumentException("NatureCnn needs setNumActions(n >= 1)");
      }
      float scale = inputScale;
      SequentialBlock trunk =
          new SequentialBlock()
              .addSingleton((NDArray x) -> x.toType(DataType.FLOAT32, false).mul(scale), "scale");
      addConv(trunk, 32, 8, 4);
      addConv(trunk, 64, 4, 2);
      addConv(trunk, 64, 3, 1);
      trunk.add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(hiddenUnits).build())
          .add(Activation.reluBlock());
      return PolicyValueNetwork.of(trunk, numActions,
          "Nature CNN (" + padding.configName() + " padding)");
    }

    private void addConv(SequentialBlock trunk, int filters, int kernel, int stride) {
      if (padding == Padding.SAME) {
        trunk.addSingleton((NDArray x) -> padSame(x, kernel, stride), "same-pad");
      }
      trunk.add(Conv2d.builder()
              .setFilters(filters)
              .setKernelShape(new Shape(kernel, kernel))
              .optStride(new Shape(stride, stride))
              .build())
          .add(Activation.reluBlock());
    }
  }

  /** Zero-pads the last two axes of {@code x} (N, C, H, W) as {@link Padding#SAME} does. */
  static NDArray padSame(NDArray x, int kernel, int stride) {
    long[] h = samePadding(x.getShape().get(2), kernel, stride);
    long[] w = samePadding(x.getShape().get(3), kernel, stride);
    return x.pad(new Shape(w[0], w[1], h[0], h[1]), 0);
  }

  /** {before, after} zero padding of one axis of {@code size} pixels, as XLA's SAME. */
  static long[] samePadding(long size, int kernel, int stride) {
    long out = (size + stride - 1) / stride;
    long total = Math.max((out - 1) * stride + kernel - size, 0);
    return new long[] {total / 2, total - total / 2};
  }
}

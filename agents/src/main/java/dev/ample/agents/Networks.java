// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;

/**
 * The default network for an observation: the Nature CNN for stacks of 84x84 frames, else an MLP.
 *
 * <pre>{@code
 * PolicyValueNetwork net = Networks.forObservation(new int[] {1, 10, 5}, true, 3, NatureCnn.Padding.VALID);
 * net.initialize(manager, DataType.FLOAT32, Networks.inputShape(new int[] {1, 10, 5}));
 * }</pre>
 */
public final class Networks {

  private Networks() {}

  /**
   * The default network for an observation shape: Nature CNN for (stack, 84, 84) pixel stacks, else
   * an MLP over the flattened observation (uint8 pixels scaled by 1/255).
   *
   * <p>The CNN scales uint8 input by 1/255 and takes float input as it is. A rank-1 float
   * observation (CartPole) gets exactly {@code Mlp.builder().setNumActions(n).build()}; any other
   * goes through a parameterless front that casts to float32, scales uint8 by 1/255 and flattens to
   * {@code (B, features)}. The returned network is not initialised (see {@link #inputShape}).
   *
   * @param obsShape one env's observation shape, e.g. {4, 84, 84}, {1, 10, 5} or {4}
   * @param uint8 whether observations are UINT8 pixels
   * @param numActions discrete actions
   * @param padding the Nature CNN's padding (the MLP has none)
   */
  public static PolicyValueNetwork forObservation(int[] obsShape, boolean uint8, int numActions,
      NatureCnn.Padding padding) {
    if (obsShape.length == 3 && obsShape[1] == NatureCnn.SIDE && obsShape[2] == NatureCnn.SIDE) {
      return NatureCnn.builder()
          .setNumActions(numActions)
          .optInputScale(uint8 ? 1f / 255f : 1f)
          .optPadding(padding)
          .build();
    }
    Mlp.Builder mlp = Mlp.builder().setNumActions(numActions);
    if (obsShape.length == 1 && !uint8) {
      return mlp.build();
    }
    float scale = uint8 ? 1f / 255f : 1f;
    SequentialBlock trunk = new SequentialBlock()
        .addSingleton((NDArray x) -> x.toType(DataType.FLOAT32, false).mul(scale), "scale")
        .add(Blocks.batchFlattenBlock())
        .add(mlp.buildTrunk());
    return PolicyValueNetwork.of(trunk, numActions, mlp.description() + " over flattened input");
  }

  /** The shape to initialise a network with: a batch of one observation. */
  public static Shape inputShape(int[] obsShape) {
    long[] dims = new long[obsShape.length + 1];
    dims[0] = 1;
    for (int d = 0; d < obsShape.length; d++) {
      dims[d + 1] = obsShape[d];
    }
    return new Shape(dims);
  }
}

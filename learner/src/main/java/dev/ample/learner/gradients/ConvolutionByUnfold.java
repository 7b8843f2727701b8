// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A Conv2d forward as zero padding, im2col ({@link Unfold}) and one matrix product, so that its
 * backward pass is slicing and matrix products only: no convolution kernel runs in either
 * direction. The engine routes a layer here when {@link NativeConvolutionCheck} finds the native
 * convolution backward wrong for that layer's shape.
 */
final class ConvolutionByUnfold {

  private ConvolutionByUnfold() {}

  /** {@code conv(x)} with the given weight (out, C, kh, kw) and bias (out) or null. */
  static NDArray forward(Conv2d conv, NDArray x, NDArray weight, NDArray bias) {
    Shape pad = conv.getPadding();
    NDArray a = x;
    if (pad.get(0) != 0 || pad.get(1) != 0) {
      a = a.pad(new Shape(pad.get(1), pad.get(1), pad.get(0), pad.get(0)), 0);
    }
    Shape k = conv.getKernelShape();
    Shape s = conv.getStride();
    Shape d = conv.getDilation();
    long ho = (a.getShape().get(2) - d.get(0) * (k.get(0) - 1) - 1) / s.get(0) + 1;
    long wo = (a.getShape().get(3) - d.get(1) * (k.get(1) - 1) - 1) / s.get(1) + 1;
    Unfold unfold = new Unfold(k, s, d, ho, wo);
    long b = a.getShape().get(0);
    long out = weight.getShape().get(0);
    NDArray y = unfold.fromWeightOrder(weight).matMul(unfold.apply(a)); // (b, out, L)
    if (bias != null) {
      y = y.add(bias.reshape(out, 1));
    }
    return y.reshape(b, out, ho, wo);
  }
}

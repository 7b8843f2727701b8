// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.Device;

/**
 * Settings of {@link PerExampleGradients}.
 *
 * @param memoryCapBytes the most memory one layer's per-example gradients (and, for convolutions,
 *     the unfolded inputs) may take at once; larger batches are processed in chunks of examples
 * @param fallbackAllowed whether a parameterised layer the engine cannot handle in batch is
 *     handled by one backward pass per example (correct but slow; warned once). When false such a
 *     layer is an error naming it.
 * @param device the device the network lives on; inputs are moved there
 * @param profile whether to time each layer's statistics separately (adds no computation, only
 *     clock reads; used by {@code ample bench learner})
 * @param convMethod how convolutions' per-example gradients are materialised
 * @param nativeShapeCheck whether each new input shape first checks every conv layer's native
 *     kernels ({@code NativeConvolutionCheck}, ~1.7 s once for the authors' Pong network); off,
 *     the per-pass input-gradient guard still catches a wrong native input gradient
 */
public record PerExampleGradientsConfig(
    long memoryCapBytes,
    boolean fallbackAllowed,
    Device device,
    boolean profile,
    ConvMethod convMethod,
    boolean nativeShapeCheck) {

  /**
   * How a convolution's per-example weight gradients are formed. Both give the same numbers (to
   * float rounding) with the same multiply-adds; they differ in the memory they copy.
   */
  public enum ConvMethod {
    /** Per layer: grouped when output positions exceed 4x the filters (the first Atari layer). */
    AUTO,
    /** im2col: unfold the input, one batched matrix product per chunk. */
    UNFOLD,
    /** One grouped convolution of the input with the output gradients as kernels. */
    GROUPED
  }

  /**
   * 512 MiB cap, fallback allowed, CPU, no profiling, conv method chosen per layer, native kernels
   * checked per input shape.
   */
  public static PerExampleGradientsConfig defaults() {
    return new PerExampleGradientsConfig(512L << 20, true, Device.cpu(), false, ConvMethod.AUTO,
        true);
  }

  public PerExampleGradientsConfig {
    if (memoryCapBytes < 1) {
      throw new IllegalArgumentException("memoryCapBytes must be positive, got " + memoryCapBytes);
    }
    if (device == null) {
      throw new IllegalArgumentException("device is required");
    }
    if (convMethod == null) {
      throw new IllegalArgumentException("convMethod is required");
    }
  }

  public PerExampleGradientsConfig withMemoryCapBytes(long bytes) {
    return new PerExampleGradientsConfig(bytes, fallbackAllowed, device, profile, convMethod,
        nativeShapeCheck);
  }

  public PerExampleGradientsConfig withFallbackAllowed(boolean allowed) {
    return new PerExampleGradientsConfig(memoryCapBytes, allowed, device, profile, convMethod,
        nativeShapeCheck);
  }

  public PerExampleGradientsConfig withDevice(Device d) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, d, profile, convMethod,
        nativeShapeCheck);
  }

  public PerExampleGradientsConfig withProfile(boolean p) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, device, p, convMethod,
        nativeShapeCheck);
  }

  public PerExampleGradientsConfig withConvMethod(ConvMethod m) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, device, profile, m,
        nativeShapeCheck);
  }

  public PerExampleGradientsConfig withNativeShapeCheck(boolean on) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, device, profile,
        convMethod, on);
  }
}

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
 */
public record PerExampleGradientsConfig(
    long memoryCapBytes, boolean fallbackAllowed, Device device, boolean profile) {

  /** 512 MiB cap, fallback allowed, CPU, no profiling. */
  public static PerExampleGradientsConfig defaults() {
    return new PerExampleGradientsConfig(512L << 20, true, Device.cpu(), false);
  }

  public PerExampleGradientsConfig {
    if (memoryCapBytes < 1) {
      throw new IllegalArgumentException("memoryCapBytes must be positive, got " + memoryCapBytes);
    }
    if (device == null) {
      throw new IllegalArgumentException("device is required");
    }
  }

  public PerExampleGradientsConfig withMemoryCapBytes(long bytes) {
    return new PerExampleGradientsConfig(bytes, fallbackAllowed, device, profile);
  }

  public PerExampleGradientsConfig withFallbackAllowed(boolean allowed) {
    return new PerExampleGradientsConfig(memoryCapBytes, allowed, device, profile);
  }

  public PerExampleGradientsConfig withDevice(Device d) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, d, profile);
  }

  public PerExampleGradientsConfig withProfile(boolean p) {
    return new PerExampleGradientsConfig(memoryCapBytes, fallbackAllowed, device, p);
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks the native convolution of one layer shape, on random data of the given input shape,
 * against computations that use no convolution backward kernel:
 *
 * <ul>
 *   <li>the forward output of the first and the last example against im2col + matrix product
 *       ({@link ConvolutionByUnfold}, no autograd);
 *   <li>the input gradient {@code dx = A^T r} (A the convolution as a linear map of x, r the output
 *       gradient) by the adjoint identity {@code <dx_i, v_i> = <(A v)_i, r_i>} for every example
 *       i, with a random v and {@code A v} a (checked) forward pass: a dot-product test in the
 *       manner of Freivalds that costs one forward and finds a wrong or unwritten gradient in any
 *       example with overwhelming probability;
 *   <li>the weight gradient likewise: {@code <dw, V> = <conv(x; V), r>} for a random weight V.
 * </ul>
 *
 * <p>Why: oneDNN's convolution backward-data kernels in the PyTorch 2.7.1 CPU natives return wrong
 * input gradients for some shapes and batch sizes, with no error raised (measured on an AMD EPYC
 * family 26 with AVX-512, 2 threads: 3x3 stride 2 on 2x13x12 at batch 3, 5, 9, not in every call;
 * a padded, dilated 2x2 conv on 7x5x2 at every batch above 1, under the AVX-512 and the AVX2
 * kernels alike). A wrong input gradient silently corrupts every layer below it.
 *
 * <p>The data are uniform in [-1, 1) from a fixed-seed {@link SplittableRandom} on the host, so a
 * check never draws from the engine's random stream (training stays reproducible whether or not a
 * check ran).
 */
final class NativeConvolutionCheck {

  /** float32 rounding gives ~1e-7 here; the faults seen give 1e-3 and more (or NaN). */
  static final double TOLERANCE = 1e-5;

  /**
   * Relative errors (NaN when non-finite): the output's {@code max|native - reference| /
   * max|reference|}; for the gradients the largest relative mismatch of the adjoint identity.
   */
  record Result(Shape input, double forward, double inputGradient, double weightGradient) {
    boolean forwardWrong() {
      return !(forward <= TOLERANCE);
    }

    boolean backwardWrong() {
      return !(inputGradient <= TOLERANCE && weightGradient <= TOLERANCE);
    }
  }

  private NativeConvolutionCheck() {}

  /**
   * Runs the check for {@code conv} with a weight of {@code weightShape} on {@code input}; {@code
   * trial} picks the random data. Without {@code inputGradient} (a layer fed by the network input,
   * whose input gradient is never computed) only the output and the weight gradient are checked.
   */
  static Result run(NDManager parent, Conv2d conv, Shape weightShape, Shape input,
      boolean inputGradient, int trial) {
    SplittableRandom random =
        new SplittableRandom(input.hashCode() * 31L + weightShape.hashCode() + trial);
    try (NDManager m = parent.newSubManager()) {
      NDArray x = m.create(uniform(random, input.size()), input);
      NDArray w = m.create(uniform(random, weightShape.size()), weightShape);
      x.setRequiresGradient(inputGradient);
      w.setRequiresGradient(true);
      NDArray y;
      NDArray r;
      try (GradientCollector collector = m.getEngine().newGradientCollector()) {
        y = convolve(conv, x, w);
        r = m.create(uniform(random, y.getShape().size()), y.getShape());
        collector.backward(y.mul(r).sum());
      }
      long last = input.get(0) - 1;
      NDIndex ends = new NDIndex("{}:{}:{}", 0, last + 1, Math.max(last, 1));
      float[] out = y.get(ends).toFloatArray();
      float[] reference =
          ConvolutionByUnfold.forward(conv, x.stopGradient().get(ends), w.stopGradient(), null)
              .toFloatArray();
      NDArray wv = m.create(uniform(random, weightShape.size()), weightShape);
      NDArray xw = convolve(conv, x.stopGradient(), wv);
      double dxMismatch = 0;
      if (inputGradient) {
        NDArray v = m.create(uniform(random, input.size()), input);
        NDArray av = convolve(conv, v, w.stopGradient());
        dxMismatch = adjointMismatch(x.getGradient(), v, av, r);
        // The per-example modes take conv weights off autograd: PyTorch then asks for the input
        // gradient alone, which may run another kernel.
        NDArray x2 = x.stopGradient().duplicate();
        x2.setRequiresGradient(true);
        try (GradientCollector collector = m.getEngine().newGradientCollector()) {
          collector.backward(convolve(conv, x2, w.stopGradient()).mul(r).sum());
        }
        dxMismatch = Math.max(dxMismatch, adjointMismatch(x2.getGradient(), v, av, r));
      }
      return new Result(input, relativeError(out, reference), dxMismatch,
          adjointMismatch(w.getGradient().expandDims(0), wv.expandDims(0), xw.reshape(1, -1),
              r.reshape(1, -1)));
    }
  }

  private static NDArray convolve(Conv2d conv, NDArray x, NDArray w) {
    return Conv2d.conv2d(x, w, null, conv.getStride(), conv.getPadding(), conv.getDilation(), 1)
        .singletonOrThrow();
  }

  /**
   * {@code max_i |<g_i, v_i> - <av_i, r_i>| / max(|g_i||v_i|, |av_i||r_i|)} over the examples i
   * (the first axis) of {@code g, v} and of {@code av, r}; NaN when any of it is not finite. The
   * sums run on the engine, so only a few numbers per example reach the host.
   */
  static double adjointMismatch(NDArray g, NDArray v, NDArray av, NDArray r) {
    double[] left = perExample(g, v);
    double[] right = perExample(av, r);
    int parts = left.length / 3;
    double worst = 0;
    for (int i = 0; i < parts; i++) {
      double scale = Math.max(Math.max(left[parts + i] * left[2 * parts + i],
          right[parts + i] * right[2 * parts + i]), 1e-60);
      double mismatch = Math.abs(left[i] - right[i]) / Math.sqrt(scale);
      if (!Double.isFinite(mismatch)) {
        return Double.NaN;
      }
      worst = Math.max(worst, mismatch);
    }
    return worst;
  }

  /** Per example (first axis): {@code <a_i, b_i>}, {@code |a_i|^2}, {@code |b_i|^2}, concatenated. */
  private static double[] perExample(NDArray a, NDArray b) {
    // float32 sums: their rounding (~1e-7 of the norms' product) is far below the tolerance.
    NDArray a2 = a.reshape(a.getShape().get(0), -1);
    NDArray b2 = b.reshape(b.getShape().get(0), -1);
    int[] rest = {1};
    return NDArrays.concat(new NDList(a2.mul(b2).sum(rest), a2.square().sum(rest),
        b2.square().sum(rest))).toType(DataType.FLOAT64, false).toDoubleArray();
  }

  static float[] uniform(SplittableRandom random, long n) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (random.nextInt() >> 8) * 0x1p-23f; // [-1, 1), 24 random bits
    }
    return v;
  }

  private static double relativeError(float[] x, float[] r) {
    double diff = 0;
    double scale = 1e-12;
    for (int i = 0; i < r.length; i++) {
      double d = Math.abs((double) x[i] - r[i]);
      if (!Double.isFinite(d)) {
        return Double.NaN;
      }
      diff = Math.max(diff, d);
      scale = Math.max(scale, Math.abs(r[i]));
    }
    return diff / scale;
  }

  /** The CPU's model name and vector extensions from /proc/cpuinfo, for error messages. */
  static String cpuDescription() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
      String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
      String isa = flags.contains(" avx512f") ? "AVX-512" : flags.contains(" avx2") ? "AVX2"
          : "no AVX2";
      return model + ", " + isa;
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch") + " CPU";
    }
  }
}

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
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.PerExampleLoss;
import dev.ample.optim.GradientStats;
import dev.ample.optim.Statistic;
import dev.ample.optim.TensorStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-example gradient statistics from one batched forward/backward pass (DESIGN.md §4).
 *
 * <p>The engine walks the network's layers itself. For every parameterised layer it records the
 * layer input {@code a} and adds a zero "probe" leaf {@code z} to the layer output; after the
 * backward pass of the <b>summed</b> per-example loss, {@code z.getGradient()} holds {@code delta_i
 * = dloss_i/dy_i} for every example. From {@code (a, delta)}:
 *
 * <ul>
 *   <li>Linear {@code y = W a + b}: {@code G_i = delta_i a_i^T}. The examplewise second moment is
 *       {@code (1/B) (Delta^2)^T (A^2)} (a oneDNN product, {@link ProductByConvolution}), the sign
 *       mean {@code (1/B) sign(Delta)^T sign(A)} (because
 *       {@code sign(d a) = sign(d) sign(a)}), the squared norms {@code |delta_i|^2 |a_i|^2}: none
 *       of them materialises the B per-example gradients.
 *   <li>Conv2d (any stride, padding and dilation; groups 1): per-example gradients materialised a
 *       chunk of examples at a time under the memory cap, either as {@code G_i = Delta_i U_i^T}
 *       with {@code U_i} the unfolded input (one batched product, run by oneDNN as {@link
 *       ProductByConvolution}; MKL's matmul is the reference it is checked against) or as one grouped
 *       convolution of the input with the output gradients as kernels, whichever copies less
 *       ({@link PerExampleGradientsConfig.ConvMethod}). Their means come from these too: autograd
 *       skips the conv parameters, which saves the weight-gradient work it would repeat.
 *   <li>Biases: {@code delta_i} (summed over positions for convolutions), materialised (small).
 * </ul>
 *
 * The mean is the ordinary parameter gradient of the same pass divided by B. When only the mean is
 * requested no probes are attached at all: that is plain backprop.
 *
 * <p>A parameterised layer of any other kind is handled, when {@link
 * PerExampleGradientsConfig#fallbackAllowed()}, by B single-example backward passes (warned once);
 * otherwise construction fails with an error naming the layer.
 *
 * <p>Native convolutions are not trusted untested: the first time an input shape is seen, every
 * conv layer is checked against computations that use no convolution backward ({@link
 * NativeConvolutionCheck}); a layer that fails runs as im2col + matrix product from then on
 * ({@link ConvolutionByUnfold}), and the grouped per-example form is compared with the unfold form
 * once per layer and chunk shape (README: "Wrong native convolution gradients on some CPUs").
 *
 * <p>Not thread-safe: one engine per learner thread (only one {@link GradientCollector} may be
 * open at a time).
 */
public final class PerExampleGradients {

  private static final Logger LOG = LoggerFactory.getLogger(PerExampleGradients.class);

  private final Block network;
  private final PerExampleGradientsConfig config;
  private final Node root;
  private final List<Parameter> parameters = new ArrayList<>();
  private final List<String> parameterNames = new ArrayList<>();
  private final List<Opaque> fallbackLayers = new ArrayList<>();
  private final List<Layer> convLayers = new ArrayList<>();
  /** Per network input shape: the conv layers whose native backward failed the check. */
  private final Map<Shape, Set<Layer>> reroutedByInput = new HashMap<>();
  private long convolutionCheckNanos;
  /** Layer and chunk shapes whose grouped-form gradients were compared with the unfold form. */
  private final Set<String> checkedChunks = new HashSet<>();
  /** The input-gradient guard's random vectors, by layer and shape. */
  private final Map<String, NDArray> guardVectors = new HashMap<>();
  /** Examples per pass whose input gradients the guard checks. */
  private static final int GUARDED_EXAMPLES = 8;
  /** Passes guarded so far: moves the guard's examples along the batch. */
  private long guardedPasses;
  /** Layers whose fast per-example form failed its check: they use unfold + matmul from then on. */
  private final Set<Layer> distrusted = Collections.newSetFromMap(new IdentityHashMap<>());
  private static final int CHECK_REPEATS = 3;
  private boolean fallbackWarned;
  /** Sub-phase times of the current call when profiling (unfold, per-example matmul). */
  private final Map<String, Long> phases = new LinkedHashMap<>();

  /** The layers the engine knows, as a tree mirroring the network's blocks. */
  private sealed interface Node permits Layer, Sequence, Heads, Opaque {}

  private record Layer(String path, Block block, boolean conv, Parameter weight, Parameter bias)
      implements Node {}

  private record Sequence(List<Node> children) implements Node {}

  private record Heads(Node trunk, Node policy, Node value) implements Node {}

  /** A block run as is; {@code params} non-empty means it needs the fallback. */
  private record Opaque(String path, Block block, List<Parameter> params) implements Node {}

  private PerExampleGradients(Block network, PerExampleGradientsConfig config) {
    this.network = network;
    this.config = config;
    for (Pair<String, Parameter> p : network.getParameters()) {
      parameterNames.add(p.getKey());
      parameters.add(p.getValue());
    }
    this.root = plan(network, network.getClass().getSimpleName());
    if (!fallbackLayers.isEmpty() && !config.fallbackAllowed()) {
      Opaque first = fallbackLayers.get(0);
      throw new IllegalArgumentException(
          "per-example gradients: unsupported layer '" + first.path() + "' ("
              + first.block().getClass().getSimpleName()
              + ") and the per-example fallback is off; supported parameterised layers are Linear"
              + " and Conv2d (groups 1)");
    }
  }

  /**
   * An engine for an initialised network.
   *
   * @throws IllegalArgumentException when the network has a parameterised layer the engine cannot
   *     batch and the fallback is off (the message names the layer)
   */
  public static PerExampleGradients create(Block network, PerExampleGradientsConfig config) {
    return new PerExampleGradients(network, config);
  }

  /** The parameters, in the order of {@link GradientStats#tensors()} (the network's order). */
  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  /** Parameter names (DJL's paths), in the same order. */
  public List<String> parameterNames() {
    return List.copyOf(parameterNames);
  }

  /** Paths of the layers handled by per-example backward passes (empty when all are batched). */
  public List<String> fallbackLayers() {
    return fallbackLayers.stream().map(Opaque::path).toList();
  }

  /**
   * What one call computed.
   *
   * @param stats the statistics, one entry per parameter, in {@link #parameters()} order
   * @param outputs the network outputs (in the caller's scope)
   * @param losses per-example losses, shape (B)
   * @param lossSum their sum
   * @param forwardBackwardNanos time of forward + loss + backward
   * @param layerNanos time of each layer's statistics (only when profiling), by layer path
   */
  public record Result(
      GradientStats stats,
      NDList outputs,
      NDArray losses,
      double lossSum,
      long forwardBackwardNanos,
      Map<String, Long> layerNanos) {}

  /**
   * One forward/backward pass on a minibatch, returning exactly the requested statistics (plus the
   * mean, always). Every array created belongs to {@code scope}; close it after the step.
   *
   * @param scope a per-step manager on the engine's device
   * @param inputs network inputs, batch first
   * @param targets loss targets, batch first
   * @param loss per-example loss
   * @param requested statistics to compute; {@link Statistic#MEAN} is implied
   * @throws IllegalArgumentException when inputs, targets or the loss are not finite (nothing is
   *     changed then)
   */
  public Result compute(
      NDManager scope, NDList inputs, NDList targets, PerExampleLoss loss, Set<Statistic> requested) {
    EnumSet<Statistic> want = EnumSet.of(Statistic.MEAN);
    want.addAll(requested);
    boolean perExample = want.size() > 1;
    int batch = (int) inputs.get(0).getShape().get(0);
    NDList x = toScope(inputs, scope);
    NDList t = toScope(targets, scope);
    checkFinite(x, "input", scope);
    checkFinite(t, "target", scope);

    zeroGradients(scope);
    // Conv layers whose per-example gradients are materialised anyway: their means are the sums
    // of those, so autograd need not compute the weight gradient (it costs as much as the
    // per-example product). The bias must be switched off too: PyTorch computes a convolution's
    // weight and bias gradients together, so a bias that needs a gradient brings the weight
    // gradient back (measured: fwd+bwd 81 -> 30 ms for the Nature CNN trunk). Restored after.
    List<NDArray> meanFromExamples = new ArrayList<>();
    if (perExample) {
      for (Layer l : convLayers) {
        meanFromExamples.add(l.weight().getArray());
        if (l.bias() != null) {
          meanFromExamples.add(l.bias().getArray());
        }
      }
    }
    Pass pass;
    long fb;
    long guardNanos;
    NDList outputs;
    NDArray losses;
    double lossSum;
    meanFromExamples.forEach(w -> w.setRequiresGradient(false));
    try {
      // A native input gradient that fails its guard reroutes that layer; then the pass runs again
      // (parameters are untouched until the statistics are returned, so nothing is lost).
      while (true) {
        pass = new Pass(scope, perExample, true, checkedConvolutions(x, scope));
        long start = System.nanoTime();
        try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
          outputs = run(root, x, pass);
          losses = loss.perExample(outputs, t);
          if (losses.getShape().dimension() != 1 || losses.getShape().get(0) != batch) {
            throw new IllegalArgumentException(
                "the loss must give one value per example, shape (" + batch + "), got "
                    + losses.getShape());
          }
          NDArray total = losses.sum();
          lossSum = total.getFloat();
          if (!Double.isFinite(lossSum)) {
            throw new IllegalArgumentException(
                "the minibatch loss is not finite (" + lossSum + "); no gradients were computed"
                    + " and the parameters are unchanged");
          }
          collector.backward(total);
        }
        long backwardDone = System.nanoTime();
        fb = backwardDone - start;
        boolean hold = inputGradientsHold(pass, x.get(0).getShape(), scope);
        guardNanos = System.nanoTime() - backwardDone;
        if (hold) {
          break;
        }
        zeroGradients(scope);
      }
    } catch (RuntimeException e) {
      meanFromExamples.forEach(w -> w.setRequiresGradient(true));
      throw e;
    }
    Map<Parameter, TensorStats> byParam = new IdentityHashMap<>();
    Map<String, Long> layerNanos = new LinkedHashMap<>();
    phases.clear();
    if (config.profile() && !pass.guards.isEmpty()) {
      phases.put("input-gradient guard (native convolutions)", guardNanos);
    }
    float invB = 1f / batch;
    try {
      for (Parameter p : parameters) {
        if (p.getArray().hasGradient()) {
          NDArray grad = gradientOf(p.getArray(), scope);
          byParam.put(p, TensorStats.ofMean(grad.mul(invB)));
        }
      }
      perExampleStats(pass, want, batch, scope, byParam, layerNanos);
    } finally {
      meanFromExamples.forEach(w -> w.setRequiresGradient(true));
    }
    if (perExample && !fallbackLayers.isEmpty()) {
      long t0 = System.nanoTime();
      fallbackStats(x, t, loss, want, batch, scope, byParam);
      if (config.profile()) {
        layerNanos.put("fallback", System.nanoTime() - t0);
      }
    }
    layerNanos.putAll(phases);
    List<TensorStats> tensors = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      tensors.add(byParam.get(p));
    }
    return new Result(
        new GradientStats(batch, tensors), outputs, losses, lossSum, fb, layerNanos);
  }

  private void perExampleStats(Pass pass, Set<Statistic> want, int batch, NDManager scope,
      Map<Parameter, TensorStats> byParam, Map<String, Long> layerNanos) {
    {
      for (Recorded r : pass.recorded) {
        long t0 = System.nanoTime();
        NDArray delta = gradientOf(r.probe(), scope);
        if (r.layer().conv()) {
          convStats(r.layer(), r.input(), delta, want, batch, scope, byParam);
        } else {
          linearStats(r.layer(), r.input(), delta, want, batch, scope, byParam);
        }
        if (config.profile()) {
          layerNanos.merge(r.layer().path(), System.nanoTime() - t0, Long::sum);
        }
      }
    }
  }

  // ---------------------------------------------------------------- planning and forward

  private Node plan(Block block, String path) {
    if (block instanceof Linear linear) {
      return layer(path, linear, false);
    }
    if (block instanceof Conv2d conv && conv.getGroups() == 1) {
      Layer l = layer(path, conv, true);
      convLayers.add(l);
      return l;
    }
    if (block instanceof SequentialBlock seq) {
      List<Node> children = new ArrayList<>();
      for (Pair<String, Block> c : seq.getChildren()) {
        children.add(plan(c.getValue(), path + "/" + c.getKey()));
      }
      return new Sequence(children);
    }
    if (block instanceof PolicyValueNetwork pv) {
      return new Heads(
          plan(pv.trunk(), path + "/trunk"),
          plan(pv.policyHead(), path + "/policy"),
          plan(pv.valueHead(), path + "/value"));
    }
    List<Parameter> params = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      params.add(p.getValue());
    }
    Opaque opaque = new Opaque(path, block, params);
    if (!params.isEmpty()) {
      fallbackLayers.add(opaque);
    }
    return opaque;
  }

  private static Layer layer(String path, Block block, boolean conv) {
    Parameter weight = null;
    Parameter bias = null;
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      if (p.getKey().equals("weight")) {
        weight = p.getValue();
      } else if (p.getKey().equals("bias")) {
        bias = p.getValue();
      }
    }
    return new Layer(path, block, conv, weight, bias);
  }

  private record Recorded(Layer layer, NDArray input, NDArray probe) {}

  /**
   * A native conv layer whose input gradient the pass checks: zero leaves added to its input and
   * its output, whose gradients are that layer's input gradient and output gradient.
   */
  private record Guard(Layer layer, NDArray inputProbe, NDArray outputProbe) {}

  private static final class Pass {
    final NDManager scope;
    final boolean probes;
    final Set<Layer> rerouted;
    /** Whether native conv input gradients get guard probes (passes that run backward). */
    final boolean guarded;
    final ParameterStore store;
    final List<Recorded> recorded = new ArrayList<>();
    final List<Guard> guards = new ArrayList<>();
    final Map<Layer, Shape> inputShapes = new IdentityHashMap<>();
    /** Layers run before any parameterised layer: their input gradient is never computed. */
    final Set<Layer> fedByData = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean parameterised;

    Pass(NDManager scope, boolean probes, boolean guarded, Set<Layer> rerouted) {
      this.scope = scope;
      this.probes = probes;
      this.guarded = guarded;
      this.rerouted = rerouted;
      this.store = new ParameterStore(scope, false);
    }
  }

  /**
   * The conv layers to run by {@link ConvolutionByUnfold} for this input shape. The first time a
   * shape is seen, every conv layer's native forward and backward are checked ({@link
   * NativeConvolutionCheck}) at this batch size, and {@value #CHECK_REPEATS} times on fresh data at
   * batch 3 (the faults seen come and go between calls): a wrong backward reroutes the layer
   * (warned once), a wrong forward stops with an error (inference would be wrong too, and there is
   * no other path for it).
   */
  private Set<Layer> checkedConvolutions(NDList x, NDManager scope) {
    Shape key = x.get(0).getShape();
    Set<Layer> known = reroutedByInput.get(key);
    if (known != null) {
      return known;
    }
    long t0 = System.nanoTime();
    Set<Layer> rerouted = Collections.newSetFromMap(new IdentityHashMap<>());
    if (!convLayers.isEmpty() && config.nativeShapeCheck()) {
      try (NDManager sub = scope.newSubManager()) {
        Pass discovery = new Pass(sub, false, false, Set.of());
        run(root, slice(x, 0, sub), discovery); // one example: just the layers' input shapes
        long batch = key.get(0);
        for (Layer l : convLayers) {
          Shape one = discovery.inputShapes.get(l);
          // Once at the batch size, then CHECK_REPEATS times at batch 3 (cheap).
          for (int rep = 0; rep <= (batch == 3 ? 0 : CHECK_REPEATS); rep++) {
            long b = rep == 0 ? batch : 3;
            Shape input = new Shape(b).addAll(one.slice(1));
            NativeConvolutionCheck.Result r = NativeConvolutionCheck.run(
                sub, (Conv2d) l.block(), l.weight().getArray().getShape(), input,
                !discovery.fedByData.contains(l), rep);
            if (r.forwardWrong()) {
              throw new IllegalStateException(convFault(l, r, "forward")
                  + "; no correct path here: run with the environment variable"
                  + " ONEDNN_MAX_CPU_ISA=SSE41 (right on every shape measured, but slower)");
            }
            if (r.backwardWrong() && rerouted.add(l)) {
              LOG.warn("{}; this layer now runs as im2col + matrix product (correct, slower)",
                  convFault(l, r, "backward"));
            }
          }
        }
      }
    }
    reroutedByInput.put(key, rerouted);
    convolutionCheckNanos += System.nanoTime() - t0;
    return rerouted;
  }

  private static String convFault(Layer l, NativeConvolutionCheck.Result r, String what) {
    Conv2d c = (Conv2d) l.block();
    return String.format(
        "native convolution %s is wrong on this CPU (%s) for layer '%s' (input %s, kernel %s,"
            + " stride %s, padding %s, dilation %s): relative error output %.2g, input gradient"
            + " %.2g, weight gradient %.2g",
        what, NativeConvolutionCheck.cpuDescription(), l.path(), r.input(), c.getKernelShape(),
        c.getStride(), c.getPadding(), c.getDilation(), r.forward(), r.inputGradient(),
        r.weightGradient());
  }

  /** Conv layers rerouted around the native kernel for the input shapes seen so far. */
  public List<String> reroutedLayers() {
    List<String> out = new ArrayList<>();
    reroutedByInput.forEach((shape, layers) ->
        layers.forEach(l -> out.add(l.path() + " at input " + shape)));
    return out;
  }

  /** Total time spent in the native convolution checks so far (once per input shape). */
  public long convolutionCheckNanos() {
    return convolutionCheckNanos;
  }

  private NDList run(Node node, NDList x, Pass pass) {
    if (node instanceof Layer l) {
      NDArray in = x.singletonOrThrow();
      pass.inputShapes.put(l, in.getShape());
      boolean fedByData = !pass.parameterised;
      if (fedByData) {
        pass.fedByData.add(l);
      }
      pass.parameterised = true;
      boolean rerouted = pass.rerouted.contains(l);
      // The native kernels' input gradients can be wrong in some calls and not others
      // (NativeConvolutionCheck), so every pass checks the ones it uses.
      NDArray inputProbe = null;
      if (l.conv() && !fedByData && !rerouted && pass.guarded) {
        inputProbe = probe(in, pass.scope);
        in = in.add(inputProbe);
      }
      NDArray out = rerouted
          ? ConvolutionByUnfold.forward((Conv2d) l.block(), in,
              pass.store.getValue(l.weight(), in.getDevice(), true),
              l.bias() == null ? null : pass.store.getValue(l.bias(), in.getDevice(), true))
          : l.block().forward(pass.store, new NDList(in), true).singletonOrThrow();
      if (!pass.probes && inputProbe == null) {
        return new NDList(out);
      }
      // A zero leaf (see probe): its gradient is dL/dy per example (DESIGN.md §4, probe trick).
      NDArray outputProbe = probe(out, pass.scope);
      if (pass.probes) {
        pass.recorded.add(new Recorded(l, x.singletonOrThrow(), outputProbe));
      }
      if (inputProbe != null) {
        pass.guards.add(new Guard(l, inputProbe, outputProbe));
      }
      return new NDList(out.add(outputProbe));
    }
    if (node instanceof Sequence s) {
      NDList cur = x;
      for (Node c : s.children()) {
        cur = run(c, cur, pass);
      }
      return cur;
    }
    if (node instanceof Heads h) {
      NDList features = run(h.trunk(), x, pass);
      NDArray logits = run(h.policy(), features, pass).singletonOrThrow();
      NDArray value = run(h.value(), features, pass).singletonOrThrow();
      // Same outputs as PolicyValueNetwork.forward.
      return new NDList(logits, value.squeeze(-1));
    }
    Opaque o = (Opaque) node;
    pass.parameterised |= !o.params().isEmpty();
    return o.block().forward(pass.store, x, true);
  }

  private static NDArray probe(NDArray like, NDManager scope) {
    // One zero broadcast to the shape (a view, nothing written): the gradient still comes back
    // in full shape, and adding it reads one array, not two. Measured on the Pong network
    // (bench learner, interleaved, AMD EPYC family 23): forward + backward 190 ms against 205
    // with a full zero array.
    NDArray probe = scope.zeros(new Shape(1), like.getDataType(), like.getDevice())
        .broadcast(like.getShape());
    probe.setRequiresGradient(true);
    return probe;
  }

  /**
   * Checks every guarded layer's native input gradient {@code dx = A^T delta} by the adjoint
   * identity {@code <dx_i, v_i> = <(A v)_i, delta_i>} per example (as {@link
   * NativeConvolutionCheck} does once per shape), with a fixed random {@code v} and {@code A v}
   * one forward pass. To cost little it looks at {@value #GUARDED_EXAMPLES} examples spread
   * evenly over the batch (every thread's share of it), from an offset that changes every pass:
   * a fault that spoils a whole call, as those measured, is caught in that pass; one that spoils
   * a few examples, within a few passes. A layer that fails is rerouted through im2col + matrix
   * product for this input shape (warned) and false is returned: the pass must run again.
   */
  private boolean inputGradientsHold(Pass pass, Shape inputKey, NDManager scope) {
    boolean hold = true;
    for (Guard g : pass.guards) {
      Conv2d conv = (Conv2d) g.layer().block();
      long batch = g.inputProbe().getShape().get(0);
      long stride = Math.max(1, batch / GUARDED_EXAMPLES);
      NDIndex picked = new NDIndex("{}::{}", guardedPasses++ % stride, stride);
      NDArray dx = gradientOf(g.inputProbe(), scope).get(picked);
      NDArray delta = gradientOf(g.outputProbe(), scope).get(picked);
      double mismatch;
      // An op's result joins its first operand's manager. The test vector and the weight live on
      // the parameters' long-lived one, so the check works on copies owned by a sub-manager of
      // the step: otherwise every check left its arrays there (~290 per Pong iteration).
      try (NDManager check = scope.newSubManager()) {
        NDArray v = guardVector(g.layer(), dx.getShape()).duplicate();
        v.attach(check);
        NDArray w = g.layer().weight().getArray().stopGradient();
        w.attach(check);
        NDArray av = Conv2d.conv2d(v, w, null, conv.getStride(), conv.getPadding(),
            conv.getDilation(), 1).singletonOrThrow();
        mismatch = NativeConvolutionCheck.adjointMismatch(dx, v, av, delta);
      }
      if (!(mismatch <= NativeConvolutionCheck.TOLERANCE)) {
        hold = false;
        reroutedByInput.get(inputKey).add(g.layer());
        LOG.warn("native convolution input gradient of layer '{}' failed its check in this pass"
            + " on this CPU ({}; input {}, relative mismatch {}); the layer now runs as im2col"
            + " + matrix product (correct, slower) and the pass is repeated", g.layer().path(),
            NativeConvolutionCheck.cpuDescription(), inputKey, mismatch);
      }
    }
    return hold;
  }

  /**
   * The fixed random test vector of a layer for a shape, uniform in [-1, 1), kept on the device
   * beside the layer's weight (so it is uploaded once).
   */
  private NDArray guardVector(Layer l, Shape shape) {
    NDArray weight = l.weight().getArray();
    return guardVectors.computeIfAbsent(l.path() + " " + shape, k -> weight.getManager().create(
        NativeConvolutionCheck.uniform(new SplittableRandom(k.hashCode()), shape.size()), shape));
  }

  // ---------------------------------------------------------------- statistics

  private void linearStats(
      Layer l, NDArray a, NDArray delta, Set<Statistic> want, int batch, NDManager scope,
      Map<Parameter, TensorStats> out) {
    float invB = 1f / batch;
    long outDim = delta.getShape().get(delta.getShape().dimension() - 1);
    if (a.getShape().dimension() == 2) {
      NDArray d2 = null;
      NDArray a2 = null;
      if (want.contains(Statistic.SECOND_MOMENT) || want.contains(Statistic.EXAMPLE_SQUARED_NORMS)) {
        d2 = delta.square();
        a2 = a.square();
      }
      NDArray second =
          want.contains(Statistic.SECOND_MOMENT) ? squaresProduct(l, d2, a2).muli(invB) : null;
      NDArray sign =
          want.contains(Statistic.SIGN_MEAN)
              ? delta.sign().transpose().matMul(a.sign()).muli(invB)
              : null;
      NDArray norms =
          want.contains(Statistic.EXAMPLE_SQUARED_NORMS)
              ? d2.sum(new int[] {1}).mul(a2.sum(new int[] {1}))
              : null;
      put(out, l.weight(), second, sign, norms);
      if (l.bias() != null) {
        biasStats(l.bias(), delta, want, batch, out);
      }
      return;
    }
    // (B, ..., in): the positions sum inside each example, so materialise like a convolution.
    long in = a.getShape().get(a.getShape().dimension() - 1);
    NDArray u = a.reshape(batch, -1, in).transpose(0, 2, 1);
    NDArray d = delta.reshape(batch, -1, outDim).transpose(0, 2, 1);
    materialisedStats(l, u, d, new Outer(4L * 2 * outDim * in), null, want, batch, scope, out);
    if (l.bias() != null) {
      biasStats(l.bias(), delta.reshape(batch, -1, outDim).sum(new int[] {1}), want, batch, out);
    }
  }

  /**
   * {@code (Delta^2)^T (A^2)} as a oneDNN product ({@link ProductByConvolution}), compared with
   * {@code matmul} the first time a layer sees a shape; a layer that fails uses {@code matmul}.
   */
  private NDArray squaresProduct(Layer l, NDArray d2, NDArray a2) {
    NDArray d2t = d2.transpose();
    if (distrusted.contains(l)) {
      return d2t.matMul(a2);
    }
    NDArray product = ProductByConvolution.matMul(d2t, a2);
    if (checkedChunks.add(l.path() + " " + a2.getShape())) {
      NDArray expected = d2t.matMul(a2);
      double err = relativeMismatch(product, expected);
      if (!(err <= NativeConvolutionCheck.TOLERANCE)) {
        LOG.warn("layer '{}': the convolution form of (delta^2)^T (a^2) is wrong on this CPU ({})"
            + " for input {} (relative error {}); using matmul", l.path(),
            NativeConvolutionCheck.cpuDescription(), a2.getShape(), err);
        distrusted.add(l);
        return expected;
      }
    }
    return product;
  }

  private void convStats(
      Layer l, NDArray a, NDArray delta, Set<Statistic> want, int batch, NDManager scope,
      Map<Parameter, TensorStats> out) {
    Conv2d conv = (Conv2d) l.block();
    Shape wShape = l.weight().getArray().getShape();
    Shape pad = conv.getPadding();
    if (pad.get(0) != 0 || pad.get(1) != 0) {
      // Zero padding is part of the input the kernel sees: pad once, then treat it as unpadded.
      a = a.pad(new Shape(pad.get(1), pad.get(1), pad.get(0), pad.get(0)), 0);
    }
    long filters = wShape.get(0);
    long positions = delta.getShape().get(2) * delta.getShape().get(3);
    // Both forms cost the same multiply-adds; they differ in what they copy. Unfolding copies the
    // input once per kernel tap (K x L per example), the grouped convolution only the input
    // (C x H x W) and writes the gradients straight out, but its many tiny groups run unevenly.
    // Measured here (B=256, 2 cores, ms for G): 32x8x8/4 (L=400 positions, 32 filters) grouped
    // 12-14 vs unfold 21; 64x4x4/2 (81, 64) grouped 12-27 (bimodal) vs unfold 12; 64x3x3/1 (49,
    // 64) grouped 15-44 vs unfold 11. So grouped only where the unfolded input is much the larger.
    boolean grouped =
        switch (config.convMethod()) {
          case AUTO -> positions > 4 * filters;
          case GROUPED -> true;
          case UNFOLD -> false;
        };
    Unfold unfold = new Unfold(conv.getKernelShape(), conv.getStride(), conv.getDilation(),
        delta.getShape().get(2), delta.getShape().get(3));
    // The reference every faster form is checked against: MKL's matmul, no convolution kernel.
    Unfolded reference = new Unfolded(unfold, a.getShape(), wShape, false);
    PerExampleForm form =
        distrusted.contains(l)
            ? reference
            : grouped
                ? new Grouped(conv.getKernelShape(), conv.getStride(), conv.getDilation(),
                    a.getShape(), wShape)
                : new Unfolded(unfold, a.getShape(), wShape, true);
    materialisedStats(l, a, delta, form, form == reference ? null : reference, want, batch, scope,
        out);
    if (l.bias() != null) {
      biasStats(l.bias(), delta.sum(new int[] {2, 3}), want, batch, out);
    }
  }

  /**
   * How a layer's per-example weight gradients {@code G_i} are materialised, a chunk of examples
   * at a time, from the layer's input and output gradient (both batch first).
   */
  private interface PerExampleForm {
    /** The per-example gradients of a chunk, examples along {@link #exampleAxis()}. */
    NDArray gradients(NDArray input, NDArray delta);

    int exampleAxis();

    /** A statistic reduced over the example axis, in the weight's shape. */
    NDArray toWeightOrder(NDArray reduced, Shape wShape);

    /** Bytes held per example while a chunk is processed (sizes the chunks). */
    long bytesPerExample();

    String name();
  }

  /** {@code G_i = D_i U_i^T} for given {@code U} (B, in, P) and {@code D} (B, out, P). */
  private record Outer(long bytesPerExample) implements PerExampleForm {
    public NDArray gradients(NDArray u, NDArray d) {
      return d.batchMatMul(u.transpose(0, 2, 1));
    }

    public int exampleAxis() {
      return 0;
    }

    public NDArray toWeightOrder(NDArray reduced, Shape wShape) {
      return reduced.reshape(wShape);
    }

    public String name() {
      return "batched outer products";
    }
  }

  /**
   * Convolution as im2col: {@code G_i = D_i U_i^T} with {@code U} the unfolded input, as {@code
   * matmul} or, {@code byConvolution}, as {@code G_i^T = U_i D_i^T} by {@link
   * ProductByConvolution} (then G is (b, K, out)).
   */
  private record Unfolded(Unfold unfold, Shape input, Shape wShape, boolean byConvolution)
      implements PerExampleForm {
    public NDArray gradients(NDArray a, NDArray delta) {
      long b = a.getShape().get(0);
      NDArray d = delta.reshape(b, wShape.get(0), unfold.ho() * unfold.wo());
      NDArray u = unfold.apply(a); // (b, K, L)
      return byConvolution
          ? ProductByConvolution.matMul(u, d.transpose(0, 2, 1)) // (b, K, out)
          : d.batchMatMul(u.transpose(0, 2, 1)); // (b, out, K)
    }

    public int exampleAxis() {
      return 0;
    }

    public NDArray toWeightOrder(NDArray reduced, Shape wShape) {
      return unfold.toWeightOrder(byConvolution ? reduced.transpose() : reduced, wShape);
    }

    public long bytesPerExample() {
      // The unfolded input twice (slices + stacked copy), G and its sign (squared in place); by
      // convolution also oneDNN's reordered copy of U and the transposed D.
      long k = wShape.size() / wShape.get(0);
      long l = unfold.ho() * unfold.wo();
      return 4L * ((byConvolution ? 3 : 2) * k * l + 2 * wShape.size()
          + (byConvolution ? wShape.get(0) * l : 0));
    }

    public String name() {
      return byConvolution ? "unfold + product by convolution" : "unfold + batched matmul";
    }
  }

  /**
   * Convolution's weight gradient as a convolution: {@code G_i[o, c, p, q] = sum_yx D_i[o, y, x]
   * X_i[c, s*y + d*p, s*x + d*q]} is the input, examples as channels, convolved with each
   * example's output gradients as kernels (groups = examples; the layer's stride s becomes the
   * dilation and its dilation d the stride). The result (C, b, out, kh, kw) keeps examples on axis
   * 1.
   */
  private record Grouped(Shape kernel, Shape stride, Shape dilation, Shape input, Shape wShape)
      implements PerExampleForm {
    public NDArray gradients(NDArray a, NDArray delta) {
      long b = a.getShape().get(0);
      long c = a.getShape().get(1);
      long out = delta.getShape().get(1);
      NDArray kernels = delta.reshape(b * out, 1, delta.getShape().get(2), delta.getShape().get(3));
      NDArray g =
          Conv2d.conv2d(a.transpose(1, 0, 2, 3), kernels, null, dilation, new Shape(0, 0),
                  stride, (int) b)
              .singletonOrThrow(); // (C, b*out, kh', kw'), kh' >= kh when the stride left rows
      long kh = kernel.get(0);
      long kw = kernel.get(1);
      if (g.getShape().get(2) != kh || g.getShape().get(3) != kw) {
        g = g.get(new NDIndex(":, :, :{}, :{}", kh, kw));
      }
      return g.reshape(c, b, out, kh, kw);
    }

    public int exampleAxis() {
      return 1;
    }

    public NDArray toWeightOrder(NDArray reduced, Shape wShape) {
      return reduced.transpose(1, 0, 2, 3); // (C, out, kh, kw) -> (out, C, kh, kw)
    }

    public long bytesPerExample() {
      // The transposed input copy, G and its sign (squared in place).
      return 4L * (input.size() / input.get(0) + 2 * wShape.size());
    }

    public String name() {
      return "grouped convolution";
    }
  }

  /**
   * Statistics of a weight from its per-example gradients, materialised by {@code form} in chunks
   * of examples small enough for the memory cap; every chunk's arrays are freed before the next.
   */
  private void materialisedStats(
      Layer l, NDArray input, NDArray delta, PerExampleForm form, PerExampleForm reference,
      Set<Statistic> want, int batch, NDManager scope, Map<Parameter, TensorStats> out) {
    Parameter weight = l.weight();
    Shape wShape = weight.getArray().getShape();
    long chunk = Math.max(1, Math.min(batch, config.memoryCapBytes() / form.bytesPerExample()));
    boolean meanFromExamples = !weight.getArray().hasGradient();
    NDArray sum = null;
    NDArray second = null;
    NDArray sign = null;
    List<NDArray> norms = new ArrayList<>();
    for (long s = 0; s < batch; s += chunk) {
      long e = Math.min(batch, s + chunk);
      try (NDManager c = scope.newSubManager()) {
        NDArray ic = chunk >= batch ? input : input.get(new NDIndex("{}:{}", s, e));
        NDArray dc = chunk >= batch ? delta : delta.get(new NDIndex("{}:{}", s, e));
        // Everything derived from this chunk then belongs to c and is freed with it.
        ic.tempAttach(c);
        dc.tempAttach(c);
        long t0 = System.nanoTime();
        NDArray g = form.gradients(ic, dc);
        g.attach(c);
        if (reference != null && checkedChunks.add(l.path() + " " + ic.getShape())) {
          NDArray expected = reference.gradients(ic, dc);
          double err = Math.max(
              formMismatch(form, g, reference, expected, false, wShape),
              formMismatch(form, g, reference, expected, true, wShape));
          if (!(err <= NativeConvolutionCheck.TOLERANCE)) {
            // The fast forms are native convolutions of unusual shape (examples as groups): the
            // grouped one was measured wrong at batch 1 on AVX-512.
            LOG.warn("layer '{}': the per-example gradients by {} are wrong on this CPU ({}) for"
                + " input {} (relative error {}); using {}", l.path(), form.name(),
                NativeConvolutionCheck.cpuDescription(), ic.getShape(), err, reference.name());
            distrusted.add(l);
            // Start the layer again: earlier chunks' sums are in the grouped form's layout.
            materialisedStats(l, input, delta, reference, null, want, batch, scope, out);
            return;
          }
        }
        if (config.profile()) {
          phases.merge(l.path() + " per-example gradients (" + form.name() + ")",
              System.nanoTime() - t0, Long::sum);
        }
        if (meanFromExamples) {
          sum = accumulate(sum, sumOverExamples(g, form.exampleAxis()), scope);
        }
        if (want.contains(Statistic.SIGN_MEAN)) {
          NDArray sg = g.sign();
          sg.attach(c);
          sign = accumulate(sign, sumOverExamples(sg, form.exampleAxis()), scope);
        }
        if (want.contains(Statistic.SECOND_MOMENT) || want.contains(Statistic.EXAMPLE_SQUARED_NORMS)) {
          // In place: G is not needed after this, and a fresh array of its size (tens of MB for
          // the Pong network's convolutions) costs more than the squaring.
          NDArray g2 = g.muli(g);
          if (want.contains(Statistic.SECOND_MOMENT)) {
            second = accumulate(second, sumOverExamples(g2, form.exampleAxis()), scope);
          }
          if (want.contains(Statistic.EXAMPLE_SQUARED_NORMS)) {
            NDArray n = g2.sum(otherAxes(g2.getShape().dimension(), form.exampleAxis()));
            n.attach(scope);
            norms.add(n);
          }
        }
      }
    }
    float invB = 1f / batch;
    if (meanFromExamples) {
      out.put(weight, TensorStats.ofMean(form.toWeightOrder(sum.muli(invB), wShape)));
    }
    put(
        out,
        weight,
        second == null ? null : form.toWeightOrder(second.muli(invB), wShape),
        sign == null ? null : form.toWeightOrder(sign.muli(invB), wShape),
        norms.isEmpty() ? null : norms.size() == 1 ? norms.get(0) : NDArrays.concat(new NDList(norms)));
  }

  /**
   * {@code max|a - b| / max|b|} between two forms' per-example gradients of one chunk, summed over
   * examples (of the squares when {@code squared}), in weight order; NaN when not finite.
   */
  private static double formMismatch(PerExampleForm form, NDArray g, PerExampleForm reference,
      NDArray expected, boolean squared, Shape wShape) {
    NDArray a = form.toWeightOrder(
        (squared ? g.square() : g).sum(new int[] {form.exampleAxis()}), wShape);
    NDArray b = reference.toWeightOrder(
        (squared ? expected.square() : expected).sum(new int[] {reference.exampleAxis()}), wShape);
    return relativeMismatch(a, b);
  }

  /** {@code max|a - b| / max|b|}; NaN when not finite. */
  private static double relativeMismatch(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat() / Math.max(b.abs().max().getFloat(), 1e-12f);
  }

  /**
   * The sum over the example axis. Over axis 0 as a product with a row of ones: PyTorch's sum
   * walks the examples with a stride of one example's gradient, and at a power-of-two size (the
   * Pong network's second convolution: 64 x 512 floats, 128 KiB) those reads fall into the same
   * cache sets; measured 12 ms for that layer against 2.4 ms as a product on an AMD EPYC family
   * 23 (Zen 2), 2026-12-03 (a matrix product reads the rows in order).
   */
  private static NDArray sumOverExamples(NDArray g, int exampleAxis) {
    if (exampleAxis != 0) {
      return g.sum(new int[] {exampleAxis});
    }
    Shape shape = g.getShape();
    long examples = shape.get(0);
    try (NDArray ones = g.getManager().ones(new Shape(1, examples), g.getDataType())) {
      return ones.matMul(g.reshape(examples, -1)).reshape(shape.slice(1));
    }
  }

  private static int[] otherAxes(int dims, int except) {
    int[] axes = new int[dims - 1];
    for (int i = 0, j = 0; i < dims; i++) {
      if (i != except) {
        axes[j++] = i;
      }
    }
    return axes;
  }

  private static NDArray accumulate(NDArray acc, NDArray part, NDManager scope) {
    if (acc == null) {
      part.attach(scope);
      return part;
    }
    return acc.addi(part);
  }

  /** Bias statistics from its materialised per-example gradients {@code gb} (B, out). */
  private static void biasStats(
      Parameter bias, NDArray gb, Set<Statistic> want, int batch, Map<Parameter, TensorStats> out) {
    float invB = 1f / batch;
    if (!bias.getArray().hasGradient()) { // autograd skipped it (a convolution's bias)
      out.put(bias, TensorStats.ofMean(gb.sum(new int[] {0}).muli(invB)));
    }
    NDArray g2 =
        want.contains(Statistic.SECOND_MOMENT) || want.contains(Statistic.EXAMPLE_SQUARED_NORMS)
            ? gb.square()
            : null;
    put(
        out,
        bias,
        want.contains(Statistic.SECOND_MOMENT) ? g2.sum(new int[] {0}).muli(invB) : null,
        want.contains(Statistic.SIGN_MEAN) ? gb.sign().sum(new int[] {0}).muli(invB) : null,
        want.contains(Statistic.EXAMPLE_SQUARED_NORMS) ? g2.sum(new int[] {1}) : null);
  }

  private static void put(
      Map<Parameter, TensorStats> out, Parameter p, NDArray second, NDArray sign, NDArray norms) {
    NDArray mean = out.get(p).mean();
    out.put(p, new TensorStats(mean, second, sign, norms));
  }

  // ---------------------------------------------------------------- fallback

  private void fallbackStats(
      NDList x, NDList t, PerExampleLoss loss, Set<Statistic> want, int batch, NDManager scope,
      Map<Parameter, TensorStats> out) {
    if (!fallbackWarned) {
      fallbackWarned = true;
      LOG.warn(
          "per-example gradients: layers {} are not supported in batch; using one backward pass"
              + " per example for them (correct but slow)",
          fallbackLayers());
    }
    List<Parameter> params = new ArrayList<>();
    for (Opaque o : fallbackLayers) {
      params.addAll(o.params());
    }
    int n = params.size();
    NDArray[] second = new NDArray[n];
    NDArray[] sign = new NDArray[n];
    List<List<NDArray>> norms = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      norms.add(new ArrayList<>());
    }
    ParameterStore store = new ParameterStore(scope, false);
    for (int i = 0; i < batch; i++) {
      try (NDManager ex = scope.newSubManager()) {
        NDList xi = slice(x, i, ex);
        NDList ti = slice(t, i, ex);
        zeroGradients(ex);
        try (GradientCollector collector = ex.getEngine().newGradientCollector()) {
          NDList outputs = network.forward(store, xi, true);
          collector.backward(loss.perExample(outputs, ti).sum());
        }
        for (int j = 0; j < n; j++) {
          NDArray g = gradientOf(params.get(j).getArray(), ex);
          if (want.contains(Statistic.SECOND_MOMENT)) {
            second[j] = accumulate(second[j], g.square(), scope);
          }
          if (want.contains(Statistic.SIGN_MEAN)) {
            sign[j] = accumulate(sign[j], g.sign(), scope);
          }
          if (want.contains(Statistic.EXAMPLE_SQUARED_NORMS)) {
            NDArray s = g.square().sum().reshape(1);
            s.attach(scope);
            norms.get(j).add(s);
          }
        }
      }
    }
    float invB = 1f / batch;
    for (int j = 0; j < n; j++) {
      put(
          out,
          params.get(j),
          second[j] == null ? null : second[j].muli(invB),
          sign[j] == null ? null : sign[j].muli(invB),
          norms.get(j).isEmpty() ? null : NDArrays.concat(new NDList(norms.get(j))));
    }
  }

  private static NDList slice(NDList list, int i, NDManager into) {
    NDList out = new NDList(list.size());
    for (NDArray a : list) {
      NDArray s = a.get(new NDIndex("{}:{}", i, i + 1));
      s.attach(into);
      out.add(s);
    }
    return out;
  }

  // ---------------------------------------------------------------- plumbing

  /** The gradient of a leaf, as an array owned by {@code scope} (never by the parameter's). */
  private static NDArray gradientOf(NDArray leaf, NDManager scope) {
    NDArray g = leaf.getGradient();
    g.attach(scope);
    return g;
  }

  /**
   * Gradients accumulate across backward passes (DESIGN.md §4): zero them in place, by a fill.
   * {@code g - g} is no zero for a buffer holding NaN or infinity, and a gradient buffer can: it
   * can start as uninitialised memory (a 4-float weight gradient came back NaN in ~1% of fresh
   * engines here, never with the fill), and a refused step leaves its NaN behind.
   */
  private void zeroGradients(NDManager scope) {
    for (Parameter p : parameters) {
      NDArray a = p.getArray();
      if (!a.hasGradient()) {
        a.setRequiresGradient(true);
      }
      gradientOf(a, scope).set(ALL, 0);
    }
  }

  private static final NDIndex ALL = new NDIndex("...");

  /**
   * The arrays on the engine's device, owned by {@code scope} for the step (an op's result belongs
   * to its first operand's manager, so this keeps every activation in the step's scope). The
   * caller's own arrays go back to their manager when the scope closes.
   */
  private NDList toScope(NDList list, NDManager scope) {
    NDList out = new NDList(list.size());
    for (NDArray a : list) {
      if (a.getDevice().equals(config.device())) {
        a.tempAttach(scope);
        out.add(a);
      } else {
        NDArray moved = a.toDevice(config.device(), true);
        moved.attach(scope);
        out.add(moved);
      }
    }
    return out;
  }

  private static void checkFinite(NDList list, String what, NDManager scope) {
    for (int i = 0; i < list.size(); i++) {
      NDArray a = list.get(i);
      DataType type = a.getDataType();
      if (!type.isFloating()) {
        continue;
      }
      boolean nan = a.isNaN().any().getBoolean();
      boolean inf = !nan && a.isInfinite().any().getBoolean();
      if (nan || inf) {
        throw new IllegalArgumentException(
            "minibatch " + what + " " + i + " (shape " + a.getShape() + ") contains "
                + (nan ? "NaN" : "infinite") + " values; stopping before any gradient or"
                + " parameter change");
      }
    }
  }
}

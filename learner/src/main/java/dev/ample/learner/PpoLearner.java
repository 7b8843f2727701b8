// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.ample.agents.ObservationInput;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.agents.Trajectory;
import dev.ample.learner.gradients.PerExampleGradients;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.learner.logging.GradStatsWriter;
import dev.ample.optim.Optimizer;
import dev.ample.optim.OptimizerState;
import dev.ample.optim.OptimizerStates;
import dev.ample.optim.Statistic;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The PPO learner (DESIGN.md §1): GAE over a rollout, then {@code epochs} passes over it in
 * shuffled minibatches, each one forward/backward pass of the per-example gradient engine
 * computing exactly the statistics the optimizer declares, one optimizer step, and the step added
 * to the parameters. It owns the network's parameters, the engine, the optimizer and its state
 * across iterations.
 *
 * <p>Weights leave the learner only as {@link PolicySnapshot}s: after each update (and after a
 * {@link #loadState}) it publishes an immutable copy of its parameters whose version is its
 * iteration count ({@link #snapshot()}); inference loads those into networks of its own and never
 * sees the arrays updated here.
 *
 * <p>Memory: the parameters and the optimizer state live in the long-lived manager; everything a
 * step creates (inputs, activations, statistics, updates) lives in a sub-manager closed at the end
 * of the step, and the optimizer closes the state it replaces. So the arrays on the long-lived
 * manager stay the same in number from step to step.
 *
 * <p>Non-finite input stops an update before anything changes: a rollout with NaN or infinite
 * fields is refused before the first minibatch; a minibatch whose inputs, targets or loss are not
 * finite is refused by the engine before its backward pass, and non-finite statistics by the
 * optimizer before its state changes; non-finite updates (from finite statistics) are refused
 * before the parameters change, but the optimizer state has then advanced, so the learner refuses
 * further updates until {@link #loadState} restores a checkpoint.
 *
 * <p>Not thread-safe: one learner thread (the engine opens the process's only gradient collector).
 */
public final class PpoLearner {

  private static final String MAGIC = "ample-ppo-learner";
  private static final int VERSION = 1;

  private final PolicyValueNetwork network;
  private final Optimizer optimizer;
  private final PpoConfig config;
  private final NDManager manager;
  private final PerExampleGradients engine;
  private final List<NDArray> params;
  private final GradStatsWriter gradStats;
  private OptimizerState optimizerState;
  private PolicySnapshot published;
  private long iterations;
  private long optimizerSteps;
  /** Why updates are refused, or null; set when the optimizer state advanced past a failed step. */
  private String broken;
  /** Reused by every step for its minibatch's observations (see {@link #observations}). */
  private final ObservationInput minibatchInput = new ObservationInput();

  private PpoLearner(Builder b) {
    this.network = b.network;
    this.optimizer = b.optimizer;
    this.config = b.config;
    this.manager = b.manager;
    this.engine = PerExampleGradients.create(b.network, b.engineConfig);
    this.params = engine.parameters().stream().map(Parameter::getArray).toList();
    this.gradStats = b.gradStats;
    this.optimizerState = optimizer.init(params);
    this.published = PolicySnapshot.of(0, network);
  }

  public static Builder builder() {
    return new Builder();
  }

  public PolicyValueNetwork network() {
    return network;
  }

  public PpoConfig config() {
    return config;
  }

  /** PPO iterations ({@link #update} calls) completed. */
  public long iterations() {
    return iterations;
  }

  /** Optimizer steps taken. */
  public long optimizerSteps() {
    return optimizerSteps;
  }

  /**
   * The policy as of the latest update (version {@link #iterations()}), or of the initial or
   * loaded parameters before any update: what inference should act with now.
   */
  public PolicySnapshot snapshot() {
    return published;
  }

  /** Parameter names, in the order of the engine's statistics and the checkpoint. */
  public List<String> parameterNames() {
    return engine.parameterNames();
  }

  /**
   * One PPO iteration on a rollout.
   *
   * @param rollout the experience, collected by a policy snapshot of this learner
   * @param progress fraction of training done, in [0, 1]; anneals the clip range when configured
   *     (the optimizer anneals the learning rate on its own step count)
   * @return the iteration's metrics
   * @throws IllegalArgumentException for a rollout that does not fit the network or the minibatch
   *     size, or holds non-finite values (nothing changed then)
   */
  public PpoMetrics update(Trajectory rollout, double progress) {
    if (broken != null) {
      throw new IllegalStateException(broken);
    }
    if (!(progress >= 0 && progress <= 1)) {
      throw new IllegalArgumentException("progress must be in [0, 1], got " + progress);
    }
    int size = rollout.size();
    int mb = config.minibatchSize();
    if (size % mb != 0) {
      throw new IllegalArgumentException(
          "the minibatch size " + mb + " must divide the rollout size " + rollout.steps() + " x "
              + rollout.envs() + " = " + size);
    }
    for (int k = 0; k < size; k++) {
      int a = rollout.actions()[k];
      if (a < 0 || a >= network.numActions()) {
        throw new IllegalArgumentException(
            "rollout action " + a + " at " + k + " is outside 0.." + (network.numActions() - 1));
      }
    }
    rollout.requireFinite();
    Gae.Estimates gae = config.gae().estimate(rollout);
    for (int k = 0; k < size; k++) {
      if (!Float.isFinite(gae.advantages()[k]) || !Float.isFinite(gae.returns()[k])) {
        throw new IllegalArgumentException(
            "advantage or return " + k + " is not finite (" + gae.advantages()[k] + ", "
                + gae.returns()[k] + "); update refused before any change");
      }
    }

    PpoLoss loss = config.lossAt(progress);
    SplittableRandom rng = shuffleRandom();
    int[] order = new int[size];
    for (int k = 0; k < size; k++) {
      order[k] = k;
    }
    double[] sums = new double[6];
    int minibatches = 0;
    double lr = Double.NaN;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      shuffle(order, rng);
      for (int start = 0; start < size; start += mb) {
        int[] rows = Arrays.copyOfRange(order, start, start + mb);
        StepResult s = step(rollout, gae, rows, loss);
        for (int j = 0; j < sums.length; j++) {
          sums[j] += s.measures()[j];
        }
        lr = s.learningRate();
        minibatches++;
      }
    }
    iterations++;
    published = PolicySnapshot.of(iterations, network);
    return new PpoMetrics(sums[0] / minibatches, sums[1] / minibatches, sums[2] / minibatches,
        sums[3] / minibatches, sums[4] / minibatches, sums[5] / minibatches, lr, loss.clip(),
        optimizerSteps);
  }

  /**
   * @param measures pgLoss, valueLoss, entropy, approxKl, clipFrac (minibatch means), update norm
   */
  private record StepResult(double[] measures, double learningRate) {}

  private StepResult step(Trajectory rollout, Gae.Estimates gae, int[] rows, PpoLoss loss) {
    long step = optimizerSteps + 1;
    EnumSet<Statistic> want = EnumSet.copyOf(optimizer.requiredStatistics());
    if (gradStats != null && gradStats.due(step)) {
      want.addAll(gradStats.statisticsFor(step)); // complete gradstats records on sampled steps
    }
    try (NDManager scope = manager.newSubManager()) {
      NDList inputs = new NDList(observations(rollout, rows, scope));
      NDList targets = targets(rollout, gae, rows, scope);
      PerExampleGradients.Result r = engine.compute(scope, inputs, targets, loss, want);
      // Checks the statistics are finite before touching the state; consumes the old state.
      Optimizer.Step s = optimizer.update(r.stats(), optimizerState, params);
      optimizerState = s.state();
      double norm = applyUpdates(params, s.updates());
      if (!Double.isFinite(norm)) {
        broken = "optimizer step " + step + " produced non-finite updates from finite gradient"
            + " statistics; the parameters are unchanged but the optimizer state has advanced:"
            + " load a checkpoint before updating again";
        throw new IllegalStateException(broken);
      }
      optimizerSteps = step;
      if (gradStats != null) {
        gradStats.write(step, engine.parameterNames(), r.stats(), s.updates());
      }
      PpoLoss.Terms t = loss.terms(r.outputs().get(0), r.outputs().get(1), targets);
      float[] means = NDArrays.stack(new NDList(t.pgLoss().mean(), t.valueLoss().mean(),
          t.entropy().mean(), t.approxKl().mean(), t.clipFrac().mean())).toFloatArray();
      double[] measures = {means[0], means[1], means[2], means[3], means[4], norm};
      return new StepResult(measures, s.learningRate());
    }
  }

  /**
   * The parameter side of a learner step, after the optimizer: the updates' global L2 norm, and
   * {@code params += updates} in place only when that norm is finite (else nothing changes).
   * {@code ample bench learner} times the learner's step with this same code.
   */
  public static double applyUpdates(List<NDArray> params, List<NDArray> updates) {
    double norm = Math.sqrt(squaredNorm(updates));
    if (Double.isFinite(norm)) {
      for (int j = 0; j < params.size(); j++) {
        params.get(j).addi(updates.get(j));
      }
    }
    return norm;
  }

  private static double squaredNorm(List<NDArray> updates) {
    NDList parts = new NDList(updates.size());
    for (NDArray u : updates) {
      parts.add(u.square().sum().toType(DataType.FLOAT64, false));
    }
    return NDArrays.stack(parts).sum().getDouble();
  }

  /**
   * The minibatch's observations, staged in {@link #minibatchInput} (one direct buffer for every
   * step: a fresh 7 MB one per step, B = 256 Pong frames, cost 1,400-5,600 page faults per step).
   * The array reads that buffer until the step's scope closes, before the next step writes it.
   */
  private NDArray observations(Trajectory rollout, int[] rows, NDManager scope) {
    Shape shape = new Shape(rows.length).addAll(new Shape(
        Arrays.stream(rollout.space().shape()).asLongStream().toArray()));
    return minibatchInput.rows(rollout.observations(), rows, shape, scope);
  }

  private NDList targets(Trajectory rollout, Gae.Estimates gae, int[] rows, NDManager scope) {
    int b = rows.length;
    int[] actions = new int[b];
    float[] oldLogProbs = new float[b];
    float[] advantages = new float[b];
    float[] returns = new float[b];
    float[] oldValues = new float[b];
    for (int k = 0; k < b; k++) {
      actions[k] = rollout.actions()[rows[k]];
      oldLogProbs[k] = rollout.logProbs()[rows[k]];
      advantages[k] = gae.advantages()[rows[k]];
      returns[k] = gae.returns()[rows[k]];
      oldValues[k] = rollout.values()[rows[k]];
    }
    if (config.normalizeAdvantages()) {
      normalize(advantages);
    }
    return PpoLoss.targets(scope.create(actions), scope.create(oldLogProbs),
        scope.create(advantages), scope.create(returns), scope.create(oldValues));
  }

  /** {@code (A - mean) / (std + 1e-8)}, population std, in double. */
  static void normalize(float[] a) {
    double mean = 0;
    for (float v : a) {
      mean += v;
    }
    mean /= a.length;
    double var = 0;
    for (float v : a) {
      var += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(var / a.length);
    for (int k = 0; k < a.length; k++) {
      a[k] = (float) ((a[k] - mean) / (std + 1e-8));
    }
  }

  /**
   * The minibatch shuffles' generator for the current iteration, a function of (seed, iteration)
   * only, so a resumed learner repeats them. Seeds pass through SplittableRandom's mixer: seeds
   * that differ by a multiple of its increment would otherwise give shifted copies of one sequence.
   */
  private SplittableRandom shuffleRandom() {
    long base = new SplittableRandom(config.seed()).nextLong();
    return new SplittableRandom(new SplittableRandom(base + iterations).nextLong());
  }

  /** Fisher-Yates. */
  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int k = a.length - 1; k > 0; k--) {
      int j = rng.nextInt(k + 1);
      int t = a[k];
      a[k] = a[j];
      a[j] = t;
    }
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Writes the learner's state: iteration and step counts, the parameters (raw bytes, DJL's {@link
   * NDList#encode()}) and the optimizer state ({@link OptimizerStates}). Loading it into a learner
   * built with the same network, optimizer and config resumes bit-exactly (the minibatch shuffles
   * depend only on the seed and the iteration count). The stream is not closed.
   */
  public void saveState(OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeUTF(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(optimizer.name());
    out.writeLong(iterations);
    out.writeLong(optimizerSteps);
    List<String> names = engine.parameterNames();
    out.writeInt(names.size());
    for (String name : names) {
      out.writeUTF(name);
    }
    writeBlock(out, new NDList(params).encode());
    writeBlock(out, OptimizerStates.encode(optimizerState));
    out.flush();
  }

  /** {@link #saveState(OutputStream)} to a file, replacing it. */
  public void saveState(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      saveState(out);
    }
  }

  /**
   * Restores a state written by {@link #saveState}: parameters are overwritten in place, the
   * optimizer state replaced (the old one closed), the counts restored. The whole stream is read
   * and checked (optimizer, parameter names and shapes) before anything changes.
   */
  public void loadState(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (!MAGIC.equals(in.readUTF())) {
      throw new IllegalArgumentException("not an ample PPO learner state");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported PPO learner state version " + version);
    }
    String optimizerName = in.readUTF();
    if (!optimizerName.equals(optimizer.name())) {
      throw new IllegalArgumentException("the state was saved with optimizer " + optimizerName
          + ", this learner uses " + optimizer.name());
    }
    long savedIterations = in.readLong();
    long savedSteps = in.readLong();
    int count = in.readInt();
    List<String> names = engine.parameterNames();
    if (count != names.size()) {
      throw new IllegalArgumentException(
          "the state has " + count + " parameter tensors, the network " + names.size());
    }
    for (String name : names) {
      String saved = in.readUTF();
      if (!saved.equals(name)) {
        throw new IllegalArgumentException(
            "the state's parameter " + saved + " does not match the network's " + name);
      }
    }
    byte[] paramBytes = readBlock(in);
    byte[] stateBytes = readBlock(in);
    try (NDManager scope = manager.newSubManager()) {
      NDList saved = NDList.decode(scope, paramBytes);
      for (int j = 0; j < params.size(); j++) {
        if (!saved.get(j).getShape().equals(params.get(j).getShape())
            || saved.get(j).getDataType() != params.get(j).getDataType()) {
          throw new IllegalArgumentException(
              "the state's " + names.get(j) + " is " + saved.get(j).getDataType()
                  + saved.get(j).getShape() + ", the network's " + params.get(j).getDataType()
                  + params.get(j).getShape());
        }
      }
      OptimizerState restored = OptimizerStates.decode(stateBytes, manager);
      for (int j = 0; j < params.size(); j++) {
        params.get(j).set(saved.get(j).toByteBuffer());
      }
      OptimizerStates.close(optimizerState);
      optimizerState = restored;
    }
    iterations = savedIterations;
    optimizerSteps = savedSteps;
    broken = null;
    published = PolicySnapshot.of(iterations, network);
  }

  /** {@link #loadState(InputStream)} from a file. */
  public void loadState(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      loadState(in);
    }
  }

  private static void writeBlock(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  /** Builds a {@link PpoLearner}; network, optimizer and manager are required. */
  public static final class Builder {
    private PolicyValueNetwork network;
    private Optimizer optimizer;
    private NDManager manager;
    private PpoConfig config = PpoConfig.pong();
    private PerExampleGradientsConfig engineConfig = PerExampleGradientsConfig.defaults();
    private GradStatsWriter gradStats;

    private Builder() {}

    /** The initialised network whose parameters the learner trains (in place). */
    public Builder setNetwork(PolicyValueNetwork network) {
      this.network = network;
      return this;
    }

    /** The optimizer, e.g. {@code Optimizers.create("eve", hyperparameters)}. */
    public Builder setOptimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /**
     * The long-lived manager the network was initialised in: the optimizer state lives with the
     * parameters, and each step's arrays in a sub-manager of this one.
     */
    public Builder setManager(NDManager manager) {
      this.manager = manager;
      return this;
    }

    /** PPO hyperparameters (default: the Pong protocol). */
    public Builder optConfig(PpoConfig config) {
      this.config = config;
      return this;
    }

    /** Per-example gradient engine settings (device, memory cap...). */
    public Builder optEngineConfig(PerExampleGradientsConfig engineConfig) {
      this.engineConfig = engineConfig;
      return this;
    }

    /**
     * Writes gradstats on the steps it samples, with the updates applied there; those steps
     * compute every statistic, the others only what the optimizer needs.
     */
    public Builder optGradStats(GradStatsWriter gradStats) {
      this.gradStats = gradStats;
      return this;
    }

    public PpoLearner build() {
      if (network == null || optimizer == null || manager == null) {
        throw new IllegalArgumentException("PpoLearner needs setNetwork, setOptimizer and setManager");
      }
      return new PpoLearner(this);
    }
  }
}

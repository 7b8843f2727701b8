// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static dev.ample.optim.Hyperparameter.beta;
import static dev.ample.optim.Hyperparameter.bool;
import static dev.ample.optim.Hyperparameter.lr;
import static dev.ample.optim.Hyperparameter.nonNegative;
import static dev.ample.optim.Hyperparameter.number;

import dev.ample.optim.Transforms.SignSource;
import dev.ample.optim.Transforms.TraceForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The optimizer registry: every optimizer by name, with its declared hyperparameters (key, default,
 * allowed range, doc) and the statistics it needs. {@link #create} builds a {@link
 * ConfiguredOptimizer} from a name and a map of hyperparameters, validating every value against
 * this one table; {@code ample optimizers} prints it.
 *
 * <p>Every optimizer also takes {@code schedule} ({@link Schedule#parse}: {@code constant}, {@code
 * linear}, {@code linear:N}, {@code cosine:W:N}) and {@code max_grad_norm} (global-norm clipping, 0 = off).
 */
public final class Optimizers {

  /**
   * A registered optimizer.
   *
   * @param name registry name
   * @param doc one line: what it is and where the formula comes from
   * @param hyperparameters declared hyperparameters, including the common ones
   * @param statistics the statistics it needs
   */
  public record Spec(
      String name,
      String doc,
      List<Hyperparameter> hyperparameters,
      Set<Statistic> statistics,
      Function<Values, Optimizer> stages) {

    public Hyperparameter hyperparameter(String key) {
      return hyperparameters.stream().filter(h -> h.key().equals(key)).findFirst().orElse(null);
    }
  }

  /**
   * Validated hyperparameter values of one optimizer, and the training run's decay that the
   * {@code linear} schedule follows (null outside a run).
   */
  public record Values(Map<String, Object> values, RunDecay run) {
    public double number(String key) {
      return (Double) values.get(key);
    }

    public boolean bool(String key) {
      return (Boolean) values.get(key);
    }

    public String string(String key) {
      return (String) values.get(key);
    }

    Schedule schedule() {
      return Schedule.parse(string("schedule"), number("lr"), run);
    }
  }

  private static final Set<Statistic> MEAN = Set.of(Statistic.MEAN);
  private static final Set<Statistic> MEAN_SECOND = Set.of(Statistic.MEAN, Statistic.SECOND_MOMENT);
  private static final Set<Statistic> MEAN_SIGN = Set.of(Statistic.MEAN, Statistic.SIGN_MEAN);

  private static final List<Hyperparameter> COMMON = List.of(
      Hyperparameter.string("schedule", "constant",
          "learning-rate schedule: constant | linear (to 0 at the run's end) | linear:N | cosine:W:N"),
      nonNegative("max_grad_norm", 0, "clip the global norm of the mean gradient to this (0 = off)"));

  private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

  static {
    Hyperparameter b1 = beta("b1", 0.9, "decay of the first-moment EMA");
    Hyperparameter b2 = beta("b2", 0.999, "decay of the second-moment EMA");
    Hyperparameter eps = nonNegative("eps", 1e-8, "added to the root of the preconditioner");
    Hyperparameter epsRoot = nonNegative("eps_root", 0, "added inside the root of the preconditioner");
    Hyperparameter momentum = beta("beta", 0.9, "momentum decay");

    add("sgd", "plain stochastic gradient descent: -lr mu", MEAN, List.of(lr(0.01)),
        v -> Transforms.scaleByLearningRate(v.schedule()));
    add("momentum", "momentum, EMA form: m = b m + (1-b) mu, step -lr m", MEAN, List.of(lr(0.01), momentum),
        v -> Chain.of("momentum", Transforms.trace(v.number("beta"), TraceForm.EMA), lrStage(v)));
    add("momentum-velocity", "classic (heavy-ball) momentum: m = b m + mu, step -lr m", MEAN,
        List.of(lr(0.01), momentum),
        v -> Chain.of("momentum-velocity", Transforms.trace(v.number("beta"), TraceForm.VELOCITY), lrStage(v)));
    add("nesterov", "Nesterov momentum (Sutskever et al. 2013): m = b m + mu, step -lr (mu + b m)", MEAN,
        List.of(lr(0.01), momentum),
        v -> Chain.of("nesterov", Transforms.trace(v.number("beta"), TraceForm.NESTEROV), lrStage(v)));
    add("adagrad", "AdaGrad (Duchi et al. 2011): G += mu^2, step -lr mu/(sqrt(G)+eps)", MEAN,
        List.of(lr(0.01), nonNegative("eps", 1e-10, "added to sqrt(G)"),
            nonNegative("initial_accumulator", 0, "initial value of G")),
        v -> Chain.of("adagrad", Transforms.scaleByAdaGrad(v.number("eps"), v.number("initial_accumulator")), lrStage(v)));
    add("adadelta", "AdaDelta (Zeiler 2012), PyTorch form with lr scaling the step", MEAN,
        List.of(lr(1.0), beta("rho", 0.9, "decay of the squared-gradient and squared-step EMAs"),
            nonNegative("eps", 1e-6, "added inside both roots")),
        v -> Chain.of("adadelta", Transforms.scaleByAdaDelta(v.number("rho"), v.number("eps")), lrStage(v)));
    add("rmsprop", "RMSProp (Tieleman & Hinton 2012): nu = d nu + (1-d) mu^2, step -lr mu/(sqrt(nu)+eps)", MEAN,
        List.of(lr(0.01), beta("decay", 0.99, "decay of the squared-gradient EMA"), eps),
        v -> Chain.of("rmsprop", Transforms.scaleByRms(v.number("decay"), v.number("eps"), false), lrStage(v)));
    add("rmsprop-centered", "centered RMSProp (Graves 2013): divides by sqrt(nu - m^2)+eps", MEAN,
        List.of(lr(0.01), beta("decay", 0.99, "decay of the squared-gradient and gradient EMAs"), eps),
        v -> Chain.of("rmsprop-centered", Transforms.scaleByRms(v.number("decay"), v.number("eps"), true), lrStage(v)));
    add("adam", "Adam (Kingma & Ba 2015), DESIGN.md §3", MEAN, List.of(lr(1e-3), b1, b2, eps, epsRoot),
        v -> Chain.of("adam", Transforms.scaleByAdam(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root")), lrStage(v)));
    add("adamw", "AdamW (Loshchilov & Hutter 2019): Adam plus decoupled weight decay, step -lr (adam + wd p)", MEAN,
        List.of(lr(1e-3), b1, b2, eps, epsRoot, nonNegative("weight_decay", 0.01, "decoupled weight decay")),
        v -> Chain.of("adamw",
            Transforms.scaleByAdam(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root")),
            Transforms.addDecayedWeights(v.number("weight_decay")), lrStage(v)));
    add("adamax", "AdaMax (Kingma & Ba 2015 §7.1): u = max(b2 u, |mu|), step -lr mhat/(u+eps)", MEAN,
        List.of(lr(2e-3), b1, b2, eps),
        v -> Chain.of("adamax", Transforms.scaleByAdaMax(v.number("b1"), v.number("b2"), v.number("eps")), lrStage(v)));
    add("nadam", "NAdam (Dozat 2016), Optax form: Nesterov look-ahead on Adam's first moment", MEAN,
        List.of(lr(2e-3), b1, b2, eps, epsRoot),
        v -> Chain.of("nadam", Transforms.scaleByNadam(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root")), lrStage(v)));
    add("amsgrad", "AMSGrad (Reddi et al. 2018): Adam with vmax = max(vmax, v)", MEAN,
        List.of(lr(1e-3), b1, b2, eps, epsRoot),
        v -> Chain.of("amsgrad", Transforms.scaleByAmsGrad(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root")), lrStage(v)));
    add("radam", "RAdam (Liu et al. 2020): rectified Adam, momentum step while rho_t <= 4", MEAN,
        List.of(lr(1e-3), b1, b2, eps, epsRoot),
        v -> Chain.of("radam", Transforms.scaleByRadam(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root")), lrStage(v)));
    add("eve", "Eve: Adam with v from the examplewise second moment and batch correction, DESIGN.md §3",
        MEAN_SECOND,
        List.of(lr(1e-3), b1, b2, eps, epsRoot,
            bool("batch_correction", true, "vt = vhat/B + (1-1/B) mhat^2 (false: the paper's ablation)")),
        v -> Chain.of("eve", Transforms.scaleByEve(v.number("b1"), v.number("b2"), v.number("eps"),
            v.number("eps_root"), v.bool("batch_correction")), lrStage(v)));
    add("signsgd", "signSGD (Bernstein et al. 2018): step -lr sign(mu)", MEAN, List.of(lr(1e-4)),
        v -> Chain.of("signsgd", Transforms.scaleBySign(SignSource.MEAN), lrStage(v)));
    add("sign-mean", "per-example sign (Roulet & Agarwala 2025): step -lr mean_i sign(g_i)", MEAN_SIGN,
        List.of(lr(1e-4)),
        v -> Chain.of("sign-mean", Transforms.scaleBySign(SignSource.PER_EXAMPLE), lrStage(v)));
    add("signema", "SignEMA (Roulet & Agarwala 2025, sign placed late): m = b m + (1-b) mu, step -lr sign(m)",
        MEAN, List.of(lr(1e-4), momentum),
        v -> Chain.of("signema", Transforms.scaleBySignEma(v.number("beta")), lrStage(v)));
    add("examplewise", "general examplewise preconditioner v = EMA(a msq + c var) (reconstructed)", MEAN_SECOND,
        List.of(lr(1e-3), b1, b2, eps, epsRoot,
            number("a", 1, 0, true, Double.POSITIVE_INFINITY, false, "weight of the noise-free squared mean msq"),
            number("c", 0, 0, true, Double.POSITIVE_INFINITY, false, "weight of the per-example variance (1/B gives Adam)")),
        v -> examplewise("examplewise", v, v.number("a"), v.number("c")));
    add("microadam-var", "MicroAdamVar (reconstructed from Roulet & Agarwala 2025's abstract): v = EMA(var)",
        MEAN_SECOND, List.of(lr(1e-3), b1, b2, eps, epsRoot),
        v -> examplewise("microadam-var", v, 0, 1));
    add("microadam-msq", "MicroAdamMSQ (reconstructed from Roulet & Agarwala 2025's abstract): v = EMA(mu^2 - noise)",
        MEAN_SECOND, List.of(lr(1e-3), b1, b2, eps, epsRoot),
        v -> examplewise("microadam-msq", v, 1, 0));
  }

  private Optimizers() {}

  private static Optimizer lrStage(Values v) {
    return Transforms.scaleByLearningRate(v.schedule());
  }

  private static Optimizer examplewise(String name, Values v, double a, double c) {
    return Chain.of(name,
        Transforms.scaleByExamplewise(v.number("b1"), v.number("b2"), v.number("eps"), v.number("eps_root"), a, c),
        lrStage(v));
  }

  private static void add(String name, String doc, Set<Statistic> stats, List<Hyperparameter> own,
      Function<Values, Optimizer> stages) {
    List<Hyperparameter> all = new ArrayList<>(own);
    all.addAll(COMMON);
    SPECS.put(name, new Spec(name, doc, List.copyOf(all), stats, stages));
  }

  /** Every registered optimizer, in registry order. */
  public static List<Spec> specs() {
    return List.copyOf(SPECS.values());
  }

  /** Every registered name, in registry order. */
  public static List<String> names() {
    return List.copyOf(SPECS.keySet());
  }

  /** The spec of a name; an unknown name fails listing the known ones. */
  public static Spec spec(String name) {
    Spec spec = SPECS.get(name);
    if (spec == null) {
      throw new IllegalArgumentException(
          "unknown optimizer '" + name + "'; known optimizers: " + String.join(", ", SPECS.keySet()));
    }
    return spec;
  }

  /** The optimizer with its default hyperparameters. */
  public static ConfiguredOptimizer create(String name) {
    return create(name, Map.of());
  }

  /**
   * The optimizer {@code name} with the given hyperparameters (missing keys take their defaults).
   * Unknown keys and values outside their range are rejected naming the key and allowed range.
   * The {@code linear} schedule needs a training run: see {@link #create(String, Map, RunDecay)}.
   */
  public static ConfiguredOptimizer create(String name, Map<String, ?> hyperparameters) {
    return create(name, hyperparameters, null);
  }

  /**
   * As {@link #create(String, Map)}, inside a training run whose decay {@code run} the {@code
   * linear} schedule follows (the same decay anneals PPO's clip range).
   */
  public static ConfiguredOptimizer create(String name, Map<String, ?> hyperparameters,
      RunDecay run) {
    Spec spec = spec(name);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Hyperparameter h : spec.hyperparameters()) {
      values.put(h.key(), h.defaultValue());
    }
    for (Map.Entry<String, ?> e : hyperparameters.entrySet()) {
      Hyperparameter h = spec.hyperparameter(e.getKey());
      if (h == null) {
        Set<String> keys = new TreeSet<>();
        spec.hyperparameters().forEach(x -> keys.add(x.key()));
        throw new IllegalArgumentException(
            "optimizer " + name + " has no hyperparameter '" + e.getKey() + "'; its hyperparameters: "
                + String.join(", ", keys));
      }
      values.put(h.key(), h.parse(e.getValue(), name));
    }
    Values v = new Values(values, run);
    try {
      v.schedule();
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("optimizer " + name + ": hyperparameter schedule: " + ex.getMessage());
    }
    return new ConfiguredOptimizer(name, spec.stages().apply(v), v.number("max_grad_norm"));
  }
}

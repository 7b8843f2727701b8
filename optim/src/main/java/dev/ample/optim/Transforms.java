// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Set;

/**
 * The optimizer stages, in the style of Optax's {@code scale_by_*} transformations. Each stage maps
 * the incoming "gradient" (the mean of the {@link GradientStats}, or the previous stage's output in
 * a {@link Chain}) to a direction and keeps its own state record; the learning rate and its sign
 * are applied by {@link #scaleByLearningRate}. Complete optimizers are chains of these stages, built
 * by name in {@link Optimizers}.
 *
 * <p>Notation as in DESIGN.md §3: {@code mu} mean gradient, {@code s} examplewise second moment,
 * {@code t} step count from 1, {@code bc1 = 1 - b1^t}, {@code bc2 = 1 - b2^t}.
 */
public final class Transforms {

  private Transforms() {}

  private static final Set<Statistic> MEAN = Set.of(Statistic.MEAN);

  // ---------------------------------------------------------------- state records

  /** State of stateless stages: only the step count. */
  public record CountState(long count) implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of();
    }
  }

  /** A step count and one trace (momentum buffer) per tensor. */
  public record TraceState(long count, List<NDArray> trace) implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(trace);
    }
  }

  /** AdaGrad: the running sum of squared gradients. */
  public record AdaGradState(long count, List<NDArray> sumOfSquares) implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(sumOfSquares);
    }
  }

  /** AdaDelta: running averages of squared gradients and of squared steps. */
  public record AdaDeltaState(long count, List<NDArray> squaredGrads, List<NDArray> squaredSteps)
      implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(squaredGrads, squaredSteps);
    }
  }

  /** RMSProp: running average of squared gradients and (centered only, else empty) of gradients. */
  public record RmsState(long count, List<NDArray> nu, List<NDArray> meanGrad)
      implements SlotState {
    /** Both lists; an uncentered stage uses only the first. */
    @Override
    public List<List<NDArray>> slots() {
      return List.of(nu, meanGrad);
    }
  }

  /** Adam-family moments: first moment {@code mu} and second moment {@code nu} EMAs. */
  public record MomentsState(long count, List<NDArray> mu, List<NDArray> nu)
      implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(mu, nu);
    }
  }

  /** AMSGrad: Adam moments plus the running maximum of {@code nu}. */
  public record AmsGradState(long count, List<NDArray> mu, List<NDArray> nu, List<NDArray> nuMax)
      implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(mu, nu, nuMax);
    }
  }

  /** AdaMax: first moment and the exponentially weighted infinity norm. */
  public record AdaMaxState(long count, List<NDArray> mu, List<NDArray> infNorm)
      implements SlotState {
    @Override
    public List<List<NDArray>> slots() {
      return List.of(mu, infNorm);
    }
  }

  // ---------------------------------------------------------------- bases

  private abstract static class Stateless extends Tensorwise<CountState> {
    Stateless(String name, Set<Statistic> required) {
      super(name, required, CountState.class, 0, (count, slots) -> new CountState(count));
    }
  }

  private abstract static class Moments extends Tensorwise<MomentsState> {
    Moments(String name, Set<Statistic> required) {
      super(name, required, MomentsState.class, 2,
          (count, slots) -> new MomentsState(count, slots.get(0), slots.get(1)));
    }
  }

  /** {@code b x + (1-b) y}, the exponential moving average step. */
  static NDArray ema(NDArray x, NDArray y, double b) {
    return x.mul(b).addi(y.mul(1 - b));
  }

  /** {@code num / (sqrt(v + epsRoot) + eps)}; {@code v} is consumed (modified in place). */
  static NDArray precondition(NDArray num, NDArray v, double eps, double epsRoot) {
    if (epsRoot != 0) {
      v.addi(epsRoot);
    }
    return num.div(v.sqrt().addi(eps));
  }

  // ---------------------------------------------------------------- stages

  /**
   * {@code u -> -lr(t) u}: the learning rate (from a {@link Schedule}) and the descent sign. The
   * schedule is indexed by the number of earlier updates, {@code t - 1}.
   */
  public static Optimizer scaleByLearningRate(Schedule schedule) {
    return new Stateless("scale_by_learning_rate", MEAN) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        return new NDArray[] {g.mean().mul(-schedule.at(t - 1))};
      }

      @Override
      double learningRate(long t) {
        return schedule.at(t - 1);
      }
    };
  }

  /** {@code u -> u + wd p}: decoupled weight decay (AdamW, Loshchilov & Hutter 2019). */
  public static Optimizer addDecayedWeights(double weightDecay) {
    return new Stateless("add_decayed_weights", MEAN) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        return new NDArray[] {weightDecay == 0 ? g.mean().duplicate() : p.mul(weightDecay).addi(g.mean())};
      }
    };
  }

  /** The forms of a momentum trace. */
  public enum TraceForm {
    /** {@code m = b m + (1-b) g}, output {@code m}. */
    EMA,
    /** Classic heavy ball (velocity) form, {@code m = b m + g}, output {@code m}. */
    VELOCITY,
    /** Nesterov (Sutskever et al. 2013 form, as PyTorch/Optax): {@code m = b m + g}, output {@code g + b m}. */
    NESTEROV
  }

  /** Momentum trace in one of its {@link TraceForm forms}. */
  public static Optimizer trace(double beta, TraceForm form) {
    return new Tensorwise<>("trace_" + form.name().toLowerCase(), MEAN, TraceState.class, 1,
        (count, slots) -> new TraceState(count, slots.get(0))) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        return switch (form) {
          case EMA -> {
            NDArray m = ema(slots[0], mu, beta);
            yield new NDArray[] {m, m};
          }
          case VELOCITY -> {
            NDArray m = slots[0].mul(beta).addi(mu);
            yield new NDArray[] {m, m};
          }
          case NESTEROV -> {
            NDArray m = slots[0].mul(beta).addi(mu);
            yield new NDArray[] {m.mul(beta).addi(mu), m};
          }
        };
      }
    };
  }

  /**
   * AdaGrad (Duchi et al. 2011, PyTorch form): {@code G = G + mu^2}, output {@code mu/(sqrt(G) +
   * eps)}; {@code G} starts at {@code initialAccumulator}.
   */
  public static Optimizer scaleByAdaGrad(double eps, double initialAccumulator) {
    return new Tensorwise<>("scale_by_adagrad", MEAN, AdaGradState.class, 1,
        (count, slots) -> new AdaGradState(count, slots.get(0))) {
      @Override
      NDArray initSlot(int k, NDArray param) {
        return param.zerosLike().addi(initialAccumulator);
      }

      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray sum = slots[0].add(mu.square());
        return new NDArray[] {mu.div(sum.sqrt().addi(eps)), sum};
      }
    };
  }

  /**
   * AdaDelta (Zeiler 2012, PyTorch form): {@code E[g2] = rho E[g2] + (1-rho) mu^2}; {@code d =
   * sqrt(E[dx2] + eps)/sqrt(E[g2] + eps) mu}; {@code E[dx2] = rho E[dx2] + (1-rho) d^2}; output
   * {@code d} (PyTorch then scales by lr, default 1).
   */
  public static Optimizer scaleByAdaDelta(double rho, double eps) {
    return new Tensorwise<>("scale_by_adadelta", MEAN, AdaDeltaState.class, 2,
        (count, slots) -> new AdaDeltaState(count, slots.get(0), slots.get(1))) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray eg2 = ema(slots[0], mu.square(), rho);
        NDArray d = slots[1].add(eps).sqrt().divi(eg2.add(eps).sqrt()).muli(mu);
        NDArray edx2 = ema(slots[1], d.square(), rho);
        return new NDArray[] {d, eg2, edx2};
      }
    };
  }

  /**
   * RMSProp (Tieleman & Hinton 2012, PyTorch form): {@code nu = d nu + (1-d) mu^2}, output {@code
   * mu/(sqrt(nu) + eps)}; centered (Graves 2013) also tracks {@code m = d m + (1-d) mu} and uses
   * {@code sqrt(nu - m^2) + eps}.
   */
  public static Optimizer scaleByRms(double decay, double eps, boolean centered) {
    String name = centered ? "scale_by_rms_centered" : "scale_by_rms";
    return new Tensorwise<>(name, MEAN, RmsState.class, centered ? 2 : 1,
        (count, slots) -> new RmsState(count, slots.get(0), centered ? slots.get(1) : List.of())) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray nu = ema(slots[0], mu.square(), decay);
        if (!centered) {
          return new NDArray[] {mu.div(nu.sqrt().addi(eps)), nu};
        }
        NDArray m = ema(slots[1], mu, decay);
        NDArray var = nu.sub(m.square());
        return new NDArray[] {mu.div(var.sqrt().addi(eps)), nu, m};
      }
    };
  }

  /**
   * Adam (Kingma & Ba 2015; DESIGN.md §3): {@code m = b1 m + (1-b1) mu}; {@code v = b2 v + (1-b2)
   * mu^2}; output {@code (m/bc1) / (sqrt(v/bc2 + epsRoot) + eps)}.
   */
  public static Optimizer scaleByAdam(double b1, double b2, double eps, double epsRoot) {
    return new Moments("scale_by_adam", MEAN) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray v = slots[1].mul(b2).addi(mu.square().muli(1 - b2));
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        return new NDArray[] {precondition(m.mul(1 / bc1), v.mul(1 / bc2), eps, epsRoot), m, v};
      }
    };
  }

  /**
   * Eve (DESIGN.md §3, following the authors' released code, which uses b2 for v): {@code m = b1 m
   * + (1-b1) mu}; {@code v = b2 v + (1-b2) s} with the examplewise second moment {@code s};
   * {@code mhat = m/bc1}, {@code vhat = v/bc2}; with batch correction {@code vt = (1/B) vhat + (1 -
   * 1/B) mhat^2}, without (the paper's ablation) {@code vt = vhat}; output {@code mhat/(sqrt(vt +
   * epsRoot) + eps)}. With B = 1 (so {@code s = mu^2}) the arithmetic is exactly Adam's.
   */
  public static Optimizer scaleByEve(
      double b1, double b2, double eps, double epsRoot, boolean batchCorrection) {
    return new Moments("scale_by_eve", Set.of(Statistic.MEAN, Statistic.SECOND_MOMENT)) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray m = ema(slots[0], g.mean(), b1);
        NDArray v = slots[1].mul(b2).addi(g.secondMoment().mul(1 - b2));
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        NDArray mhat = m.mul(1 / bc1);
        NDArray vt;
        if (batchCorrection) {
          double invB = 1.0 / batchSize;
          // Same operation order as Adam's v.mul(1/bc2), so B = 1 gives Adam's bits exactly.
          vt = v.mul(1 / (bc2 * batchSize)).addi(mhat.square().muli(1 - invB));
        } else {
          vt = v.mul(1 / bc2);
        }
        return new NDArray[] {precondition(mhat, vt, eps, epsRoot), m, v};
      }
    };
  }

  /**
   * AMSGrad (Reddi et al. 2018, PyTorch form): Adam's moments plus {@code vmax = max(vmax, v)};
   * output {@code (m/bc1) / (sqrt(vmax/bc2 + epsRoot) + eps)}.
   */
  public static Optimizer scaleByAmsGrad(double b1, double b2, double eps, double epsRoot) {
    return new Tensorwise<>("scale_by_amsgrad", MEAN, AmsGradState.class, 3,
        (count, slots) -> new AmsGradState(count, slots.get(0), slots.get(1), slots.get(2))) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray v = ema(slots[1], mu.square(), b2);
        NDArray vmax = slots[2].maximum(v);
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        return new NDArray[] {precondition(m.mul(1 / bc1), vmax.mul(1 / bc2), eps, epsRoot), m, v, vmax};
      }
    };
  }

  /**
   * NAdam (Dozat 2016, in Optax's form without momentum-decay schedule): Adam's moments, then
   * {@code mhat = b1 m/(1 - b1^(t+1)) + (1-b1) mu/(1 - b1^t)}; output {@code mhat/(sqrt(v/bc2 +
   * epsRoot) + eps)}.
   */
  public static Optimizer scaleByNadam(double b1, double b2, double eps, double epsRoot) {
    return new Moments("scale_by_nadam", MEAN) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray v = ema(slots[1], mu.square(), b2);
        NDArray mhat = m.mul(b1 / (1 - Math.pow(b1, t + 1))).addi(mu.mul((1 - b1) / (1 - Math.pow(b1, t))));
        double bc2 = 1 - Math.pow(b2, t);
        return new NDArray[] {precondition(mhat, v.mul(1 / bc2), eps, epsRoot), m, v};
      }
    };
  }

  /**
   * RAdam (Liu et al. 2020; DESIGN.md §3): Adam's moments; {@code rho_inf = 2/(1-b2) - 1}, {@code
   * rho_t = rho_inf - 2 t b2^t/(1-b2^t)}; when {@code rho_t > 4} output {@code r mhat/(sqrt(vhat +
   * epsRoot) + eps)} with {@code r = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2)
   * rho_t))}, else the un-adapted momentum {@code mhat}.
   */
  public static Optimizer scaleByRadam(double b1, double b2, double eps, double epsRoot) {
    return new Moments("scale_by_radam", MEAN) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray v = ema(slots[1], mu.square(), b2);
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        double rhoInf = 2 / (1 - b2) - 1;
        double rhoT = rhoInf - 2 * t * Math.pow(b2, t) / bc2;
        if (rhoT > 4) {
          double r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
          return new NDArray[] {precondition(m.mul(r / bc1), v.mul(1 / bc2), eps, epsRoot), m, v};
        }
        return new NDArray[] {m.mul(1 / bc1), m, v};
      }
    };
  }

  /**
   * AdaMax (Kingma & Ba 2015 §7.1, Optax form): {@code m = b1 m + (1-b1) mu}; {@code u = max(b2 u,
   * |mu|)}; output {@code (m/bc1)/(u + eps)}.
   */
  public static Optimizer scaleByAdaMax(double b1, double b2, double eps) {
    return new Tensorwise<>("scale_by_adamax", MEAN, AdaMaxState.class, 2,
        (count, slots) -> new AdaMaxState(count, slots.get(0), slots.get(1))) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray u = slots[1].mul(b2).maximum(mu.abs());
        double bc1 = 1 - Math.pow(b1, t);
        return new NDArray[] {m.mul(1 / bc1).divi(u.add(eps)), m, u};
      }
    };
  }

  /**
   * The general examplewise preconditioner {@code v = EMA(a msq + c var)} (DESIGN.md §3; after
   * Roulet &amp; Agarwala 2025, <b>reconstructed from the paper's abstract</b>, not from its
   * formulas). With B examples, {@code var = B/(B-1) (s - mu^2)} is the unbiased per-example
   * variance and {@code msq = mu^2 - var/B} the unbiased estimate of the squared true mean, i.e.
   * {@code mu^2} with the per-example noise removed; for B = 1 there is no per-example information
   * and {@code var = 0, msq = mu^2}. So {@code a = 1, c = 1/B} gives Adam's {@code mu^2} exactly,
   * {@code a = 1, c = 0} is MicroAdamMSQ and {@code a = 0, c = 1} MicroAdamVar. Then {@code m = b1 m
   * + (1-b1) mu}, {@code v = b2 v + (1-b2)(a msq + c var)}, output {@code (m/bc1) /
   * (sqrt(max(v/bc2, 0) + epsRoot) + eps)}: {@code msq} is unbiased but can be negative, so the EMA
   * is kept unbiased and only the preconditioner is clamped at 0.
   */
  public static Optimizer scaleByExamplewise(
      double b1, double b2, double eps, double epsRoot, double a, double c) {
    return new Moments("scale_by_examplewise", Set.of(Statistic.MEAN, Statistic.SECOND_MOMENT)) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray mu = g.mean();
        NDArray m = ema(slots[0], mu, b1);
        NDArray mu2 = mu.square();
        // a msq + c var = a mu^2 + k (s - mu^2) with k = (c B - a)/(B - 1).
        NDArray x = mu2.mul(a);
        if (batchSize > 1) {
          double k = (c * batchSize - a) / (batchSize - 1);
          x.addi(g.secondMoment().sub(mu2).muli(k));
        }
        NDArray v = slots[1].mul(b2).addi(x.muli(1 - b2));
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        return new NDArray[] {precondition(m.mul(1 / bc1), v.mul(1 / bc2).maximum(0f), eps, epsRoot), m, v};
      }
    };
  }

  /** Where a sign stage takes its sign (Roulet &amp; Agarwala 2025's sign placements). */
  public enum SignSource {
    /** signSGD (Bernstein et al. 2018): {@code sign(mu)}. */
    MEAN,
    /** Per-example sign: {@code mean_i sign(g_i)}, the {@link Statistic#SIGN_MEAN} statistic. */
    PER_EXAMPLE
  }

  /** Output {@code sign(mu)} or {@code mean_i sign(g_i)}. */
  public static Optimizer scaleBySign(SignSource source) {
    Set<Statistic> needs = source == SignSource.MEAN ? MEAN : Set.of(Statistic.MEAN, Statistic.SIGN_MEAN);
    return new Stateless("scale_by_sign_" + source.name().toLowerCase(), needs) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        return new NDArray[] {source == SignSource.MEAN ? g.mean().sign() : g.signMean().duplicate()};
      }
    };
  }

  /** SignEMA, the sign placed late: {@code m = b m + (1-b) mu}, output {@code sign(m)}. */
  public static Optimizer scaleBySignEma(double beta) {
    return new Tensorwise<>("scale_by_sign_ema", MEAN, TraceState.class, 1,
        (count, slots) -> new TraceState(count, slots.get(0))) {
      @Override
      NDArray[] step(TensorStats g, NDArray p, NDArray[] slots, long t, int batchSize) {
        NDArray m = ema(slots[0], g.mean(), beta);
        return new NDArray[] {m.sign(), m};
      }
    };
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import java.util.Locale;

/**
 * One declared hyperparameter of a registered optimizer: key, type, default, allowed range and a
 * one-line doc. The registry validates user values and prints {@code ample optimizers} from these.
 *
 * @param key the config key, e.g. {@code b1}
 * @param kind the value type
 * @param defaultValue the default (Double, Boolean or String)
 * @param min lower bound of a number (ignored otherwise)
 * @param minInclusive whether {@code min} itself is allowed
 * @param max upper bound of a number
 * @param maxInclusive whether {@code max} itself is allowed
 * @param doc what it means
 */
public record Hyperparameter(
    String key,
    Kind kind,
    Object defaultValue,
    double min,
    boolean minInclusive,
    double max,
    boolean maxInclusive,
    String doc) {

  /** Value types. */
  public enum Kind {
    NUMBER,
    BOOLEAN,
    STRING
  }

  static Hyperparameter number(String key, double def, double min, boolean minIncl, double max,
      boolean maxIncl, String doc) {
    return new Hyperparameter(key, Kind.NUMBER, def, min, minIncl, max, maxIncl, doc);
  }

  /** A learning rate: {@code (0, inf)}. */
  static Hyperparameter lr(double def) {
    return number("lr", def, 0, false, Double.POSITIVE_INFINITY, false, "learning rate (peak value when a schedule is set)");
  }

  /** A decay rate: {@code [0, 1)}. */
  static Hyperparameter beta(String key, double def, String doc) {
    return number(key, def, 0, true, 1, false, doc);
  }

  /** A non-negative constant: {@code [0, inf)}. */
  static Hyperparameter nonNegative(String key, double def, String doc) {
    return number(key, def, 0, true, Double.POSITIVE_INFINITY, false, doc);
  }

  static Hyperparameter bool(String key, boolean def, String doc) {
    return new Hyperparameter(key, Kind.BOOLEAN, def, 0, false, 0, false, doc);
  }

  static Hyperparameter string(String key, String def, String doc) {
    return new Hyperparameter(key, Kind.STRING, def, 0, false, 0, false, doc);
  }

  /** The allowed values, e.g. {@code [0, 1)}, {@code true|false}. */
  public String range() {
    return switch (kind) {
      case NUMBER -> (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxInclusive ? "]" : ")");
      case BOOLEAN -> "true|false";
      case STRING -> "text";
    };
  }

  /** The default as text. */
  public String defaultText() {
    return defaultValue instanceof Double d ? fmt(d) : String.valueOf(defaultValue);
  }

  /**
   * Converts and checks a user value (a Number, Boolean or String, e.g. from HOCON or the command
   * line).
   *
   * @param owner the optimizer name, for messages
   */
  Object parse(Object raw, String owner) {
    String where = "optimizer " + owner + ": hyperparameter " + key + " = " + raw;
    switch (kind) {
      case NUMBER -> {
        double v;
        if (raw instanceof Number n) {
          v = n.doubleValue();
        } else {
          try {
            v = Double.parseDouble(String.valueOf(raw).trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " is not a number; allowed range " + range());
          }
        }
        boolean ok = !Double.isNaN(v)
            && (minInclusive ? v >= min : v > min)
            && (maxInclusive ? v <= max : v < max);
        if (!ok) {
          throw new IllegalArgumentException(where + " is outside its allowed range " + range());
        }
        return v;
      }
      case BOOLEAN -> {
        if (raw instanceof Boolean b) {
          return b;
        }
        String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
          return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException(where + " is not a boolean; allowed " + range());
      }
      default -> {
        return String.valueOf(raw);
      }
    }
  }

  private static String fmt(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e6) {
      return String.valueOf((long) d);
    }
    return String.valueOf(d);
  }
}

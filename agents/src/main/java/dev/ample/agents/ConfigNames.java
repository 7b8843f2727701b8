// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How enum choices are spelt in configs: {@code LECUN_NORMAL} as {@code lecun-normal}. */
public final class ConfigNames {
  private ConfigNames() {}

  /** The config spelling of a constant: lower case, '-' for '_'. */
  public static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The constant of {@code type} spelt {@code name}; else an error naming {@code key} and every
   * allowed spelling.
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String name, String key) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(name)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(key + " '" + name + "' is not one of: "
        + Arrays.stream(type.getEnumConstants()).map(ConfigNames::of)
            .collect(Collectors.joining(", ")));
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.atari.ale.NativeAle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seam to native ALE, in both builds (with and without {@code -Dample.nativeAle=false}). */
class EnvsNativeAleTest {
  /** Set by the no-native-ale profile's surefire configuration. */
  private static boolean builtWithoutNativeAle() {
    return "false".equals(System.getProperty("ample.nativeAle"));
  }

  @Test
  void theSeamFindsNativeAleExactlyWhenTheBuildHasIt() {
    assertEquals(!builtWithoutNativeAle(), NativeAle.find().isPresent());
  }

  @Test
  void withoutNativeAleTheAleBackendAndAutoAnswerOneLineNamingBothWaysOut() {
    assumeTrue(builtWithoutNativeAle(), "this build has native ALE");
    for (EnvConfig.Backend backend : List.of(EnvConfig.Backend.ALE, EnvConfig.Backend.AUTO)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Envs.create(EnvConfig.of("pong", 1).withBackend(backend)));
      assertEquals(NativeAle.NOT_IN_THIS_BUILD, e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertTrue(e.getMessage().contains("-Dample.nativeAle=false"), e.getMessage());
      assertTrue(e.getMessage().contains("env.backend = gymnasium"), e.getMessage());
    }
    try (VectorEnv env = Envs.create(EnvConfig.of("catch", 2))) {
      assertEquals(3, env.numActions());
    }
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.atari.ale.NativeAle;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvsTest {
  @TempDir Path dir;

  @Test
  void builtInIds() {
    try (VectorEnv env = Envs.create(EnvConfig.of("cartpole", 4))) {
      assertEquals(2, env.numActions());
      assertEquals(16, env.reset(0).observations().floats().length);
    }
    try (VectorEnv env = Envs.create(EnvConfig.of("Catch", 2))) {
      assertEquals(3, env.numActions());
    }
  }

  /** Frames per agent step as the envs report them, and as {@link Envs} says before building. */
  @Test
  void framesPerStepCountTheAtariFrameSkipOnly() {
    for (String id : new String[] {"cartpole", "Catch"}) {
      try (VectorEnv env = Envs.create(EnvConfig.of(id, 1))) {
        assertEquals(1, env.framesPerStep(), id);
      }
      assertEquals(1, Envs.framesPerStep(EnvConfig.of(id, 1)), id);
    }
    assertEquals(4, Envs.framesPerStep(EnvConfig.of("pong", 1)));
    assertEquals(4, Envs.framesPerStep(EnvConfig.of("PongNoFrameskip-v4", 1)));
    assertEquals(4, Envs.framesPerStep(
        EnvConfig.of("ALE/Pong-v5", 1).withBackend(EnvConfig.Backend.GYMNASIUM)));
    assertEquals(1, Envs.framesPerStep(EnvConfig.of("CartPole-v1", 1)));
  }

  @Test
  void unknownIdIsOneLineListingWhatIsKnown() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Envs.create(EnvConfig.of("pongg", 1)));
    assertTrue(e.getMessage().startsWith("unknown env id 'pongg'; known: cartpole, catch"),
        e.getMessage());
  }

  @Test
  void missingRomIsAClearError() {
    assumeTrue(NativeAle.find().isPresent(), "native ALE is not in this build");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Envs.create(EnvConfig.of("pong", 1).withRomDir(dir)));
    assertTrue(e.getMessage().contains("no ROM for 'pong'"), e.getMessage());
  }

  @Test
  void backendMismatch() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Envs.create(EnvConfig.of("cartpole", 1).withBackend(EnvConfig.Backend.ALE)));
    assertThrows(
        IllegalArgumentException.class, () -> EnvConfig.Backend.parse("native"));
  }
}

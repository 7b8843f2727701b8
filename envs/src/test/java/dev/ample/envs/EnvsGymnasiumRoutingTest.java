// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.gymnasium.GymnasiumWorkerException;
import org.junit.jupiter.api.Test;

/** How {@link Envs#create} routes ids to the Gymnasium backend (no Python needed). */
class EnvsGymnasiumRoutingTest {

  @Test
  void aleGameNamesBecomeGymnasiumV5IdsUnlessAlreadyGymnasiumIds() {
    assertEquals("ALE/Pong-v5", Envs.gymnasiumAtariId("pong", "pong"));
    assertEquals("ALE/SpaceInvaders-v5", Envs.gymnasiumAtariId("space_invaders", "space_invaders"));
    assertEquals("PongNoFrameskip-v4", Envs.gymnasiumAtariId("PongNoFrameskip-v4", "pong"));
    assertEquals("ALE/Breakout-v5", Envs.gymnasiumAtariId("ALE/Breakout-v5", "breakout"));
  }

  @Test
  void nonAtariGymnasiumIdGoesToAPythonWorker() {
    EnvConfig config = EnvConfig.of("CartPole-v1", 2).withBackend(EnvConfig.Backend.GYMNASIUM);
    assertEquals("CartPole-v1", config.id(), "Gymnasium ids keep their case");
    try (VectorEnv env = Envs.create(config)) {
      // A Python with py4j and gymnasium is installed: the worker really serves CartPole.
      assertEquals(2, env.numActions());
      assertEquals(4, env.observationSpace().size());
    } catch (GymnasiumWorkerException e) {
      // The usual case here: python3 lacks the packages, and the error says how to install them.
      assertTrue(e.getMessage().contains("pip install"), e.getMessage());
    }
  }

  @Test
  void unknownIdListsWhatIsKnown() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Envs.create(EnvConfig.of("not_a_game", 1)));
    assertTrue(e.getMessage().contains("cartpole") && e.getMessage().contains("gymnasium"), e.getMessage());
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.StepResult;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CatchTest {

  @Test
  void followingTheBallCatchesItAndStayingAwayMisses() {
    for (long seed = 0; seed < 10; seed++) {
      Catch game = new Catch();
      game.reset(new SplittableRandom(seed));
      float reward = 0;
      for (int t = 0; t < 9; t++) {
        int a = Integer.compare(game.ballColumn(), game.paddleColumn()) + 1;
        reward = game.step(a);
      }
      assertTrue(game.terminated());
      assertEquals(1f, reward);
    }
    Catch game = new Catch();
    game.reset(new SplittableRandom(3));
    int away = game.ballColumn() < 2 ? 2 : 0;
    float reward = 0;
    for (int t = 0; t < 9; t++) {
      reward = game.step(away);
    }
    assertEquals(-1f, reward);
  }

  @Test
  void pixelsShowBallAndPaddle() {
    BuiltinVectorEnv env = new BuiltinVectorEnv(2, Catch::new);
    StepResult r = env.reset(0);
    assertEquals("UINT8[1, 10, 5]", env.observationSpace().toString());
    byte[] b = r.observations().bytes();
    int lit = 0;
    for (int p = 0; p < 50; p++) {
      lit += b[p] != 0 ? 1 : 0;
    }
    assertEquals(2, lit);
    assertEquals((byte) 255, b[9 * 5 + 2], "paddle starts in the middle of the bottom row");
    for (int t = 0; t < 8; t++) {
      assertNull(env.step(new int[] {1, 1}).episodeEnds()[0]);
    }
    StepResult end = env.step(new int[] {1, 1});
    assertNotNull(end.episodeEnds()[0]);
    assertEquals(9, end.episodeEnds()[0].length());
    assertNotNull(end.finalObservations());
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.Observations;
import dev.ample.envs.atari.AtariSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Test episodes on the built-in envs: their own unclipped env, seeding, frames, the step cap. */
class TestEpisodesTest {

  private static final int[] CATCH = {1, 10, 5};

  @Test
  void testEnvIsOneUnclippedCopyOfTheFullGame() {
    EnvConfig training = EnvConfig.of("pong", 8)
        .withAtari(AtariSettings.v4().withEpisodicLife(true).withNoopMax(30));
    EnvConfig test = TestEpisodes.envConfig(training);
    assertEquals(1, test.numEnvs());
    assertFalse(test.atari().clipRewards());
    assertFalse(test.atari().episodicLife());
    assertEquals(30, test.atari().noopMax(), "the rest of the protocol is the training env's");
    assertEquals(training.atari().maxEpisodeFrames(), test.atari().maxEpisodeFrames());
  }

  @Test
  void catchEpisodesAreWholeGamesReproducibleFromTheirSeed() {
    try (TestAgents a = new TestAgents(CATCH, true, 3)) {
      TestEpisodes tests = TestEpisodes.of(EnvConfig.of("catch", 8), a.agent, false);
      TestEpisodes.Result r = tests.play(20, TestEpisodes.random(1, 40));
      assertEquals(20, r.episodes().size());
      for (TestEpisodes.Episode e : r.episodes()) {
        assertEquals(9, e.length(), "a Catch game is rows - 1 steps");
        assertTrue(e.rawReturn() == 1 || e.rawReturn() == -1, "caught or missed: " + e);
        assertFalse(e.truncated());
      }
      assertEquals(r, tests.play(20, TestEpisodes.random(1, 40)), "same seed and iteration");
      // The first episodes do not depend on how many follow.
      assertEquals(r.episodes().subList(0, 5),
          tests.play(5, TestEpisodes.random(1, 40)).episodes());
      assertNotEquals(r, tests.play(20, TestEpisodes.random(1, 80)), "another iteration");
      assertEquals(9, r.meanLength());
    }
  }

  @Test
  void greedyPlayDrawsOnlyTheResetSeeds() {
    try (TestAgents a = new TestAgents(CATCH, true, 3)) {
      TestEpisodes greedy = TestEpisodes.of(EnvConfig.of("catch", 1), a.agent, true);
      SplittableRandom rng = new SplittableRandom(3);
      TestEpisodes.Result r = greedy.play(4, rng);
      SplittableRandom seeds = new SplittableRandom(3);
      for (int k = 0; k < 4; k++) {
        seeds.nextLong();
      }
      assertEquals(seeds.nextLong(), rng.nextLong(), "one draw per episode, none per step");
      assertEquals(r, greedy.play(4, new SplittableRandom(3)));
    }
  }

  @Test
  void firstEpisodeFramesRunFromResetToTheFinalObservation() {
    try (TestAgents a = new TestAgents(CATCH, true, 3)) {
      List<Observations> frames = new ArrayList<>();
      TestEpisodes.Result r = TestEpisodes.of(EnvConfig.of("catch", 1), a.agent, false)
          .play(3, new SplittableRandom(9), frames::add);
      assertEquals(r.episodes().get(0).length() + 1, frames.size(), "only the first episode");
      byte[] last = frames.get(frames.size() - 1).bytes();
      int ballsInBottomRow = 0;
      for (int c = 0; c < 5; c++) {
        ballsInBottomRow += last[9 * 5 + c] != 0 ? 1 : 0;
      }
      // The ball has reached the paddle's row: one lit pixel if caught, two if missed.
      assertEquals(r.episodes().get(0).rawReturn() > 0 ? 1 : 2, ballsInBottomRow);
      for (int k = 0; k < 9 * 5; k++) {
        assertEquals(0, last[k], "nothing above the bottom row at the end");
      }
    }
  }

  @Test
  void episodesPastTheStepCapAreCut() {
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      TestEpisodes.Result r = TestEpisodes.of(EnvConfig.of("cartpole", 1), a.agent, false)
          .withMaxSteps(3).play(2, new SplittableRandom(1));
      for (TestEpisodes.Episode e : r.episodes()) {
        assertEquals(3, e.length());
        assertEquals(3.0, e.rawReturn(), "CartPole pays 1 per step, unclipped");
        assertTrue(e.truncated());
      }
      assertEquals(2, r.truncated());
      assertThrows(IllegalArgumentException.class,
          () -> TestEpisodes.of(EnvConfig.of("cartpole", 1), a.agent, false).withMaxSteps(0));
    }
  }

  @Test
  void resultStatistics() {
    TestEpisodes.Result r = new TestEpisodes.Result(List.of(
        new TestEpisodes.Episode(1, 9, false), new TestEpisodes.Episode(-1, 9, false),
        new TestEpisodes.Episode(1, 3, true)));
    assertEquals(1.0 / 3, r.meanReturn(), 1e-12);
    assertEquals(Math.sqrt(8.0 / 9), r.stdReturn(), 1e-12);
    assertEquals(7, r.meanLength());
    assertEquals(1, r.truncated());
  }
}

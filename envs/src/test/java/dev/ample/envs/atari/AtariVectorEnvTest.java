// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.StepResult;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Preprocessing against hand-built frames from {@link FakeEmulators}: 4x4 screens resized to 2x2
 * (each output pixel the mean of a 2x2 block), stacks of 3.
 */
class AtariVectorEnvTest {
  /** v4 but with a 2x2 frame and a stack of 3, so frames can be checked by hand. */
  private static AtariSettings small() {
    return new AtariSettings(
        4, 3, 2, Resize.Method.AREA, 0, false, false, true, 0f, false, 0, -1, -1);
  }

  /** Env {@code i}'s stack as {@code [slot][pixel]} unsigned values. */
  private static int[][] stack(StepResult r, int i) {
    byte[] b = r.observations().bytes();
    int[][] out = new int[3][4];
    for (int s = 0; s < 3; s++) {
      for (int p = 0; p < 4; p++) {
        out[s][p] = b[i * 12 + s * 4 + p] & 0xff;
      }
    }
    return out;
  }

  @Test
  void maxPoolsTheLastTwoFramesResizesAndStacks() {
    FakeEmulators fake = new FakeEmulators(1, 4, 4);
    AtariVectorEnv env = new AtariVectorEnv(fake, small());
    assertEquals(4, env.framesPerStep(), "the frame skip");
    StepResult r = env.reset(0);
    // Frame 0 everywhere: the first frame fills every slot.
    assertArrayEquals(new int[][] {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}, stack(r, 0));
    r = env.step(new int[] {0});
    // Frames 3 and 4: max is 4 everywhere except pixel (0,0) = 200 from odd frame 3;
    // top-left block mean = (200 + 4 + 4 + 4) / 4 = 53.
    assertArrayEquals(new int[][] {{0, 0, 0, 0}, {0, 0, 0, 0}, {53, 4, 4, 4}}, stack(r, 0));
    r = env.step(new int[] {0});
    r = env.step(new int[] {0});
    // Frames 7/8 then 11/12: the oldest frame drops out.
    assertArrayEquals(
        new int[][] {{53, 4, 4, 4}, {56, 8, 8, 8}, {59, 12, 12, 12}}, stack(r, 0));
  }

  /** 4x4 screens to 3x3 frames, where area averaging and bilinear give different bytes. */
  @Test
  void resizesWithTheConfiguredMethod() {
    byte[] last = new byte[16];
    byte[] previous = new byte[16];
    FakeEmulators frames = new FakeEmulators(1, 4, 4);
    frames.screen(4, last, 0);
    frames.screen(3, previous, 0);
    byte[][] got = new byte[2][];
    for (Resize.Method method : Resize.Method.values()) {
      AtariSettings settings =
          new AtariSettings(4, 1, 3, method, 0, false, false, true, 0f, false, 0, -1, -1);
      AtariVectorEnv env = new AtariVectorEnv(new FakeEmulators(1, 4, 4), settings);
      env.reset(0);
      got[method.ordinal()] = env.step(new int[] {0}).observations().bytes();
      byte[] want = new byte[9];
      method.create(4, 4, 3, 3).maxThenResize(last, 0, previous, 0, want, 0);
      assertArrayEquals(want, got[method.ordinal()], method.name());
    }
    assertFalse(Arrays.equals(got[0], got[1]), "the two methods differ on this frame");
  }

  @Test
  void clipsTrainingRewardsButReportsRawReturns() {
    FakeEmulators fake = new FakeEmulators(2, 4, 4);
    fake.gameLength = 10;
    AtariVectorEnv env = new AtariVectorEnv(fake, small());
    env.reset(0);
    StepResult r = env.step(new int[] {0, 0});
    // Frame 4 pays 3: raw 3, clipped 1.
    assertArrayEquals(new float[] {1, 1}, r.rewards());
    r = env.step(new int[] {0, 0});
    r = env.step(new int[] {0, 0});
    // Frames 9..10: the game ends after 2 frames of the third step.
    assertTrue(r.terminated()[0]);
    assertNotNull(r.episodeEnds()[0]);
    assertEquals(6.0, r.episodeEnds()[0].rawReturn());
    assertEquals(3, r.episodeEnds()[0].length());
    assertEquals(10, r.episodeEnds()[0].frames());

    AtariVectorEnv unclipped = new AtariVectorEnv(new FakeEmulators(1, 4, 4),
        small().withClipRewards(false));
    unclipped.reset(0);
    assertArrayEquals(new float[] {3}, unclipped.step(new int[] {0}).rewards());
  }

  @Test
  void autoresetKeepsTheFinalObservationAndStartsANewGame() {
    FakeEmulators fake = new FakeEmulators(1, 4, 4);
    fake.gameLength = 6;
    AtariVectorEnv env = new AtariVectorEnv(fake, small());
    env.reset(0);
    env.step(new int[] {0});
    StepResult r = env.step(new int[] {0});
    assertTrue(r.done(0));
    // Final observation: frames 3/4 max-pooled, then frame 6 alone: the game ended after 2 of
    // the 4 frames, and a backend gives the frame before last only for a full repeat
    // (AtariEmulators.FrameStep), so frame 5's flickering 200 is not pooled in.
    byte[] fin = r.finalObservations().bytes();
    assertEquals(53, fin[4] & 0xff);
    assertEquals(6, fin[8] & 0xff);
    // The next game's first frame (frame 0) fills the new stack.
    assertArrayEquals(new int[][] {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}, stack(r, 0));
    assertEquals(2, fake.resets);
  }

  @Test
  void noopResetPlaysOneToNoopMaxNoopFramesFromTheSeed() {
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      FakeEmulators fake = new FakeEmulators(1, 4, 4);
      AtariVectorEnv env = new AtariVectorEnv(fake, small().withNoopMax(3));
      StepResult first = env.reset(seed);
      assertEquals("reset 0 seed " + seed, fake.calls.get(0));
      String noops = fake.calls.get(1);
      assertTrue(noops.matches("act 0 action 0 x[123]"), noops);
      seen.add(noops);
      // Same seed, same noops.
      FakeEmulators again = new FakeEmulators(1, 4, 4);
      new AtariVectorEnv(again, small().withNoopMax(3)).reset(seed);
      assertEquals(fake.calls, again.calls);
      // The first observation shows the frame after the noops.
      int frames = noops.charAt(noops.length() - 1) - '0';
      assertEquals(frames, stack(first, 0)[2][3]);
    }
    assertEquals(3, seen.size(), "all of 1..3 noops occur");
  }

  @Test
  void fireResetPressesFireThenActionTwo() {
    FakeEmulators fake = new FakeEmulators(1, 4, 4);
    AtariVectorEnv env = new AtariVectorEnv(fake, small().withFireReset(true));
    env.reset(5);
    assertEquals(
        List.of("reset 0 seed 5", "act 0 action 1 x1", "act 0 action 2 x1"), fake.calls);
  }

  @Test
  void episodicLifeEndsTheLearnersEpisodeButNotTheGame() {
    FakeEmulators fake =
        new FakeEmulators(1, 4, 4) {
          @Override
          int lives(int env, int f) {
            return f < 6 ? 3 : f < 14 ? 2 : 1;
          }
        };
    fake.gameLength = 16;
    AtariVectorEnv env = new AtariVectorEnv(fake, small().withEpisodicLife(true));
    env.reset(0);
    StepResult r = env.step(new int[] {0});
    assertFalse(r.done(0));
    r = env.step(new int[] {0}); // frame 8: a life is lost
    assertTrue(r.terminated()[0]);
    assertNull(r.episodeEnds()[0], "the game goes on");
    assertNotNull(r.finalObservations());
    // The new learner episode starts from the current screen (frame 8) in every slot.
    assertArrayEquals(new int[][] {{8, 8, 8, 8}, {8, 8, 8, 8}, {8, 8, 8, 8}}, stack(r, 0));
    assertEquals(1, fake.resets);
    r = env.step(new int[] {0});
    r = env.step(new int[] {0}); // frame 16: second life lost, and game over
    assertTrue(r.terminated()[0]);
    assertNotNull(r.episodeEnds()[0]);
    assertEquals(4, r.episodeEnds()[0].length(), "the game's length, over all lives");
    assertEquals(12.0, r.episodeEnds()[0].rawReturn());
    assertEquals(2, fake.resets);
  }

  @Test
  void maxEpisodeFramesTruncates() {
    FakeEmulators fake = new FakeEmulators(1, 4, 4);
    AtariVectorEnv env = new AtariVectorEnv(fake, small().withMaxEpisodeFrames(8));
    env.reset(0);
    assertFalse(env.step(new int[] {0}).done(0));
    StepResult r = env.step(new int[] {0});
    assertTrue(r.truncated()[0]);
    assertFalse(r.terminated()[0]);
    assertEquals(8, r.episodeEnds()[0].frames());
    assertEquals(2, fake.resets);
  }

  @Test
  void agentActionsAreIndicesIntoTheActionSet() {
    FakeEmulators fake = new FakeEmulators(1, 4, 4);
    AtariVectorEnv env = new AtariVectorEnv(fake, small());
    assertEquals(4, env.numActions());
    env.reset(0);
    env.step(new int[] {3});
    assertEquals("act 0 action 3 x4", fake.calls.get(fake.calls.size() - 1));
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.agents.Agent;
import dev.ample.agents.Trajectory;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The actor rollout gives, bit for bit, what a plain single-threaded loop over ONE vector env of
 * all N envs gives with the same seed, agent and sampling random source, across consecutive
 * collects (the envs continue, they are not reset between batches). Double-buffered sampling
 * gives the same envs' data, actions and games; its network outputs come from half batches, so
 * they are compared to a float's last bits only.
 */
class LocalRolloutEquivalenceTest {

  private static final long SEED = 11;
  private static final int STEPS = 16;
  private static final int COLLECTS = 3;

  /** The reference: one VectorEnv of N envs stepped in a loop, as LocalRollout documents. */
  static List<RolloutBatch> reference(VectorEnv env, Agent agent, long seed, int steps, int collects) {
    ObservationSpace space = env.observationSpace();
    int n = env.numEnvs();
    SplittableRandom rng = LocalRollout.actionRandom(seed);
    Observations obs = env.reset(seed).observations();
    List<RolloutBatch> batches = new ArrayList<>();
    for (int c = 0; c < collects; c++) {
      int tn = steps * n;
      Observations all = Observations.allocate(space, tn);
      int[] actions = new int[tn];
      float[] logProbs = new float[tn];
      float[] values = new float[tn];
      float[] rewards = new float[tn];
      boolean[] terminated = new boolean[tn];
      boolean[] truncated = new boolean[tn];
      float[] finalValues = new float[tn];
      List<EpisodeEnd> episodes = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        obs.copyRows(0, all, t * n, n);
        Agent.Acted a = agent.act(obs, rng);
        StepResult r = env.step(a.actions());
        List<Integer> cut = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int k = t * n + i;
          actions[k] = a.actions()[i];
          logProbs[k] = a.logProbs()[i];
          values[k] = a.values()[i];
          rewards[k] = r.rewards()[i];
          terminated[k] = r.terminated()[i];
          truncated[k] = r.truncated()[i];
          if (r.episodeEnds()[i] != null) {
            episodes.add(r.episodeEnds()[i]);
          }
          if (truncated[k]) {
            cut.add(i);
          }
        }
        if (!cut.isEmpty()) {
          // V of the truncated envs' final observations, one batch of just those, in env order.
          Observations finals = Observations.allocate(space, cut.size());
          for (int j = 0; j < cut.size(); j++) {
            r.finalObservations().copyRows(cut.get(j), finals, j, 1);
          }
          float[] v = agent.values(finals);
          for (int j = 0; j < cut.size(); j++) {
            finalValues[t * n + cut.get(j)] = v[j];
          }
        }
        obs = r.observations();
      }
      float[] bootstrap = agent.values(obs);
      Trajectory trajectory = new Trajectory(steps, n, all, actions, logProbs, values, rewards,
          terminated, truncated, finalValues, bootstrap, new long[steps]);
      batches.add(new RolloutBatch(trajectory, episodes, tn, tn));
    }
    return batches;
  }

  static void assertSameBatch(RolloutBatch wantBatch, RolloutBatch gotBatch, String where) {
    Trajectory want = wantBatch.trajectory();
    Trajectory got = gotBatch.trajectory();
    assertEquals(want.steps(), got.steps(), where);
    assertEquals(want.envs(), got.envs(), where);
    assertEquals(want.space(), got.space(), where);
    assertArrayEquals(want.observations().bytes(), got.observations().bytes(),
        where + " byte observations");
    assertArrayEquals(want.observations().floats(), got.observations().floats(),
        where + " float observations");
    assertArrayEquals(want.actions(), got.actions(), where + " actions");
    // assertArrayEquals on floats without a delta compares bit patterns: bit for bit.
    assertArrayEquals(want.logProbs(), got.logProbs(), where + " log-probs");
    assertArrayEquals(want.values(), got.values(), where + " values");
    assertArrayEquals(want.rewards(), got.rewards(), where + " rewards");
    assertArrayEquals(want.terminated(), got.terminated(), where + " terminated");
    assertArrayEquals(want.truncated(), got.truncated(), where + " truncated");
    assertArrayEquals(want.finalValues(), got.finalValues(), where + " final values");
    assertArrayEquals(want.bootstrapValues(), got.bootstrapValues(), where + " bootstrap values");
    assertArrayEquals(want.policyVersions(), got.policyVersions(), where + " policy versions");
    assertEquals(wantBatch.episodes(), gotBatch.episodes(), where + " episodes");
    assertEquals(wantBatch.agentSteps(), gotBatch.agentSteps(), where + " agent steps");
    assertEquals(wantBatch.frames(), gotBatch.frames(), where + " frames");
  }

  /**
   * {@link #assertSameBatch} with the network's outputs (log-probs and values) compared to within
   * {@code 1e-6}: inference on a part of the envs may round differently from the whole batch.
   */
  static void assertSameBatchUpToInference(RolloutBatch wantBatch, RolloutBatch gotBatch,
      String where) {
    Trajectory want = wantBatch.trajectory();
    Trajectory got = gotBatch.trajectory();
    float d = 1e-6f;
    assertArrayEquals(want.logProbs(), got.logProbs(), d, where + " log-probs");
    assertArrayEquals(want.values(), got.values(), d, where + " values");
    assertArrayEquals(want.finalValues(), got.finalValues(), d, where + " final values");
    assertArrayEquals(want.bootstrapValues(), got.bootstrapValues(), d, where + " bootstrap");
    Trajectory inferredAsWanted = new Trajectory(got.steps(), got.envs(), got.observations(),
        got.actions(), want.logProbs(), want.values(), got.rewards(), got.terminated(),
        got.truncated(), want.finalValues(), want.bootstrapValues(), got.policyVersions());
    assertSameBatch(wantBatch, new RolloutBatch(inferredAsWanted, gotBatch.episodes(),
        gotBatch.agentSteps(), gotBatch.frames()), where);
  }

  private static List<RolloutBatch> collect(LocalRollout rollout, TestAgents a) {
    List<RolloutBatch> got = new ArrayList<>();
    for (int c = 0; c < COLLECTS; c++) {
      got.add(rollout.collect(STEPS, a.snapshot));
    }
    return got;
  }

  private static void assertSame(List<RolloutBatch> want, List<RolloutBatch> got) {
    for (int c = 0; c < want.size(); c++) {
      assertSameBatch(want.get(c), got.get(c), "collect " + c);
    }
  }

  @Test
  void catchWithTwoRunnersOfFourEqualsOneVectorOfEight() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3)) {
      List<RolloutBatch> want;
      try (VectorEnv env = new BuiltinVectorEnv(8, dev.ample.envs.builtin.Catch::new)) {
        want = reference(env, a.agent, SEED, STEPS, COLLECTS);
      }
      List<RolloutBatch> got;
      try (LocalRollout rollout = LocalRollout.start(EnvConfig.of("catch", 8), 2, a.agent, SEED)) {
        assertEquals(8, rollout.numEnvs());
        assertEquals(3, rollout.numActions());
        assertEquals(new ObservationSpace(new int[] {1, 10, 5}, ObservationSpace.Dtype.UINT8),
            rollout.observationSpace());
        got = collect(rollout, a);
      }
      assertSame(want, got);
      // Catch episodes last 9 steps: 16 steps x 8 envs end games in every collect.
      assertTrue(got.get(0).episodes().size() >= 8);
    }
  }

  @Test
  void cartpoleWithTwoRunnersOfFourEqualsOneVectorOfEight() {
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      List<RolloutBatch> want;
      try (VectorEnv env = new BuiltinVectorEnv(8, dev.ample.envs.builtin.CartPole::new)) {
        want = reference(env, a.agent, SEED, STEPS, COLLECTS);
      }
      List<RolloutBatch> got;
      try (LocalRollout rollout = LocalRollout.start(EnvConfig.of("cartpole", 8), 2, a.agent, SEED)) {
        got = collect(rollout, a);
      }
      assertSame(want, got);
    }
  }

  @Test
  void truncationGivesFinalValuesAlsoWithAnUnevenSplit() {
    assertTruncationOverThreeRunners(false);
  }

  /** Double-buffered, the groups are runner 0 (3 envs) and runners 1-2 (5 envs). */
  @Test
  void doubleBufferedTruncationWithGroupsOfUnevenSize() {
    assertTruncationOverThreeRunners(true);
  }

  private static void assertTruncationOverThreeRunners(boolean doubleBuffered) {
    IntFunction<VectorEnv> envs = n -> new BuiltinVectorEnv(n, () -> new ShortCartPole(5));
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      List<RolloutBatch> want;
      try (VectorEnv env = envs.apply(8)) {
        want = reference(env, a.agent, SEED, STEPS, COLLECTS);
      }
      List<RolloutBatch> got;
      // 3 runners: 3 + 3 + 2 envs.
      try (LocalRollout rollout = LocalRollout.start(
          RolloutEnvs.open(8, 3, (r, count) -> envs.apply(count)), a.agent, SEED, doubleBuffered)) {
        got = collect(rollout, a);
      }
      for (int c = 0; c < COLLECTS; c++) {
        if (doubleBuffered) {
          assertSameBatchUpToInference(want.get(c), got.get(c), "collect " + c);
        } else {
          assertSameBatch(want.get(c), got.get(c), "collect " + c);
        }
      }
      int cut = 0;
      for (RolloutBatch b : got) {
        Trajectory t = b.trajectory();
        for (int k = 0; k < t.size(); k++) {
          if (t.truncated()[k]) {
            cut++;
            assertTrue(t.finalValues()[k] != 0f, "final value at " + k);
          } else {
            assertEquals(0f, t.finalValues()[k]);
          }
        }
      }
      assertTrue(cut > 8, "truncations seen: " + cut);
    }
  }

  @Test
  void doubleBufferedCatchGivesThePlainLoopsEnvsActionsAndGames() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3)) {
      List<RolloutBatch> want;
      try (VectorEnv env = new BuiltinVectorEnv(8, dev.ample.envs.builtin.Catch::new)) {
        want = reference(env, a.agent, SEED, STEPS, COLLECTS);
      }
      List<RolloutBatch> got;
      try (LocalRollout rollout = LocalRollout.start(
          RolloutEnvs.open(EnvConfig.of("catch", 8), 2), a.agent, SEED, true)) {
        got = collect(rollout, a);
      }
      for (int c = 0; c < COLLECTS; c++) {
        assertSameBatchUpToInference(want.get(c), got.get(c), "collect " + c);
      }
      assertTrue(got.get(0).episodes().size() >= 8);
    }
  }

  @Test
  void doubleBufferedNeedsTwoRunners() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3)) {
      IllegalArgumentException e = assertThrows(
          IllegalArgumentException.class, () -> LocalRollout.start(
              RolloutEnvs.open(EnvConfig.of("catch", 4), 1), a.agent, SEED, true));
      assertEquals("double-buffered sampling needs at least 2 runners (one per group), got 1",
          e.getMessage());
    }
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.RolloutBatch;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's collection protocols: which snapshot every transition was acted with. */
class PpoExperimentTest {

  private static PpoExperiment build(boolean overlap) {
    return build(overlap, false);
  }

  private static PpoExperiment build(boolean overlap, boolean doubleBuffer) {
    ExperimentSettings experiment = ExperimentSettings.from(ExperimentConfigs.load(null, List.of(
        "env.num-envs=4", "ppo.rollout-steps=8", "ppo.minibatch-size=16", "ppo.epochs=1",
        "train.runners=2", "train.seed=5", "train.gradstats-every=0", "train.agent-steps=128",
        "train.overlap=" + overlap, "train.double-buffer=" + doubleBuffer)));
    return PpoExperiment.build(experiment, experiment.optimizer().create(RunDecay.over(8)), null, 0,
        null);
  }

  private static long[] filled(int steps, long version) {
    long[] v = new long[steps];
    Arrays.fill(v, version);
    return v;
  }

  /**
   * Overlapped: iteration 1 is collected with snapshot 0 before any update; iteration k + 1 is
   * collected with snapshot k - 1 while the learner makes update k, so from iteration 2 on every
   * transition carries the version one behind the learner that trains on it (policy lag 1).
   */
  @Test
  void overlappedCollectionActsWithTheSnapshotFromBeforeTheConcurrentUpdate() {
    assertOverlappedVersions(false);
  }

  /** Both groups of a double-buffered collect act with the collect's one snapshot. */
  @Test
  void overlappedDoubleBufferedCollectionToo() {
    assertOverlappedVersions(true);
  }

  private static void assertOverlappedVersions(boolean doubleBuffer) {
    try (PpoExperiment ppo = build(true, doubleBuffer)) {
      assertTrue(ppo.overlapped());
      long[] expectedVersions = {0, 0, 1, 2};
      long[] expectedLag = {0, 1, 1, 1};
      for (int it = 0; it < 4; it++) {
        RolloutBatch batch = ppo.collect(it + 1 < 4);
        assertEquals(it + 1 < 4, ppo.collecting(), "iteration " + it);
        assertArrayEquals(filled(8, expectedVersions[it]), batch.trajectory().policyVersions(),
            "iteration " + it);
        assertEquals(expectedLag[it], ppo.update(batch, it / 4.0).policyLag(), "iteration " + it);
        assertEquals(it + 1, ppo.learner().snapshot().version());
      }
    }
  }

  @Test
  void synchronousCollectionActsWithTheLearnersCurrentSnapshot() {
    try (PpoExperiment ppo = build(false)) {
      for (int it = 0; it < 3; it++) {
        RolloutBatch batch = ppo.collect(true);
        assertFalse(ppo.collecting());
        assertArrayEquals(filled(8, it), batch.trajectory().policyVersions());
        assertEquals(0, ppo.update(batch, it / 3.0).policyLag());
      }
    }
  }
}

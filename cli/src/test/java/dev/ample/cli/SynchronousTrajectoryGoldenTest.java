// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ample.agents.Trajectory;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.envs.EpisodeEnd;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.RolloutBatch;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three synchronous iterations (collect, update, collect with the updated policy, ...) on Catch
 * from a fixed seed hash to the value the code before policy snapshots produced (computed on the
 * main branch when the learner and the agent still shared one network): publishing weights as
 * snapshots must not change a bit of what the synchronous protocol collects.
 */
class SynchronousTrajectoryGoldenTest {

  /** SHA-256 of the three iterations' batches, as {@link #bytes} lays them out. */
  private static final String GOLDEN =
      "1ccc9b878ecb17819e7a4524465608752748e3d65fc22e6cbbcda0292096d438";

  @Test
  void synchronousCollectionIsBitIdenticalToTheSharedNetworkCode() throws Exception {
    ExperimentSettings experiment = ExperimentSettings.from(ExperimentConfigs.load(null, List.of(
        "env.num-envs=8", "ppo.rollout-steps=16", "ppo.minibatch-size=32", "ppo.epochs=2",
        "train.runners=2", "train.seed=3", "train.gradstats-every=0", "train.agent-steps=384")));
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (PpoExperiment ppo = PpoExperiment.build(experiment,
        experiment.optimizer().create(RunDecay.over(3 * 8)), null, 0, null)) {
      for (int it = 0; it < 3; it++) {
        RolloutBatch b = ppo.collect(it + 1 < 3);
        digest.update(bytes(b));
        assertEquals(0, ppo.update(b, it / 3.0).policyLag());
      }
    }
    assertEquals(GOLDEN, HexFormat.of().formatHex(digest.digest()));
  }

  private static byte[] bytes(RolloutBatch batch) throws IOException {
    Trajectory b = batch.trajectory();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeInt(b.steps());
    out.writeInt(b.envs());
    out.write(b.observations().bytes());
    for (int k = 0; k < b.size(); k++) {
      out.writeInt(b.actions()[k]);
      out.writeFloat(b.logProbs()[k]);
      out.writeFloat(b.values()[k]);
      out.writeFloat(b.rewards()[k]);
      out.writeBoolean(b.terminated()[k]);
      out.writeBoolean(b.truncated()[k]);
      out.writeFloat(b.finalValues()[k]);
    }
    for (float v : b.bootstrapValues()) {
      out.writeFloat(v);
    }
    for (EpisodeEnd e : batch.episodes()) {
      out.writeDouble(e.rawReturn());
      out.writeInt(e.length());
      out.writeLong(e.frames());
    }
    out.writeLong(batch.agentSteps());
    out.writeLong(batch.frames());
    return buf.toByteArray();
  }
}

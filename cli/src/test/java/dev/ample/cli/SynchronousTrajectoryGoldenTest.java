// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ample.agents.Agent;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.envs.EpisodeEnd;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.Rollout;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.LocalRollout;
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
    Engine.getInstance().setRandomSeed(3);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (NDManager base = NDManager.newBaseManager(Device.cpu())) {
      EnvNetworks.Built built = EnvNetworks.create(experiment.env(), experiment.network(), 3, base);
      PpoLearner learner = PpoLearner.builder().setNetwork(built.network()).setManager(base)
          .setOptimizer(experiment.optimizer().create(RunDecay.over(3 * 8)))
          .optConfig(experiment.train().ppo()).build();
      try (Agent agent = Agent.of(built.network(), Device.cpu());
          LocalRollout rollout = LocalRollout.start(experiment.env(), 2, agent, 3)) {
        for (int it = 0; it < 3; it++) {
          RolloutBatch b = rollout.collect(16);
          digest.update(bytes(b));
          learner.update(new Rollout(b.steps(), b.envs(), b.space().shape(), b.byteObservations(),
              b.floatObservations(), b.actions(), b.logProbs(), b.values(), b.rewards(),
              b.terminated(), b.truncated(), b.finalValues(), b.bootstrapValues()), it / 3.0);
        }
      }
    }
    assertEquals(GOLDEN, HexFormat.of().formatHex(digest.digest()));
  }

  private static byte[] bytes(RolloutBatch b) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeInt(b.steps());
    out.writeInt(b.envs());
    out.write(b.byteObservations());
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
    for (EpisodeEnd e : b.episodes()) {
      out.writeDouble(e.rawReturn());
      out.writeInt(e.length());
      out.writeLong(e.frames());
    }
    out.writeLong(b.agentSteps());
    out.writeLong(b.frames());
    return buf.toByteArray();
  }
}

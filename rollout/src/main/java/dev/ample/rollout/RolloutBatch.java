// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.agents.Trajectory;
import dev.ample.envs.EpisodeEnd;
import java.util.List;

/**
 * What one collect hands back: the {@link Trajectory} for the learner, and what the run reports
 * about it.
 *
 * @param trajectory T x N transitions
 * @param episodes games that ended during this batch (raw unclipped return, length), in step order
 *     and, within a step, env order
 * @param agentSteps agent steps in this batch, T*N (not a running total)
 * @param frames emulator frames in this batch, {@code agentSteps} times the envs' {@link
 *     dev.ample.envs.VectorEnv#framesPerStep() frames per step} (not a running total)
 */
public record RolloutBatch(
    Trajectory trajectory, List<EpisodeEnd> episodes, long agentSteps, long frames) {

  public RolloutBatch {
    episodes = List.copyOf(episodes);
    if (agentSteps != trajectory.size()) {
      throw new IllegalArgumentException("a batch of " + trajectory.size() + " transitions counts "
          + agentSteps + " agent steps");
    }
  }
}

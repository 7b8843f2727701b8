// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import akka.actor.typed.ActorRef;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.rollout.RolloutBatch;

/**
 * The messages that cross between the learner node and its rollout workers, each bound to the
 * wire serializer ({@code ample-wire.conf}; codecs in {@code dev.ample.rollout.wire}). A worker
 * registers with the receptionist under {@link LearnerEndpoint#WORKERS}; the learner answers with
 * an {@link Assign}, the worker builds its envs and answers {@link Joined}; then every iteration
 * the learner sends each joined worker one {@link Collect} holding the newest weights, and the
 * worker answers with one {@link Fragment}. The learner ends it all with {@link Stop}.
 */
public final class ClusterProtocol {

  private ClusterProtocol() {}

  /** What the learner's endpoint receives (from workers, and locally from the rollout). */
  public interface ToLearner {}

  /** What a worker receives from the learner. */
  public interface ToWorker {}

  /**
   * The learner takes a worker on: it is to build {@code env.numEnvs()} envs (unless it was started
   * with {@code --envs K}) from the run's env config, seeded {@code seed + j} for its env j, and an
   * inference network of {@code network} (the run's {@code network} config section, HOCON).
   *
   * @param slot the worker's place in the learner's fixed fragment order
   * @param steps T, steps per env per iteration
   * @param minibatchSize the learner's minibatch; T x the worker's envs must be a multiple of it
   * @param space the observation space the learner's network was built for
   * @param numActions the learner's action count
   * @param learner where the worker sends {@link Joined}, {@link Fragment} and {@link WorkerFailed}
   */
  public record Assign(int slot, long seed, EnvConfig env, String network, int steps,
      int minibatchSize, ObservationSpace space, int numActions, ActorRef<ToLearner> learner)
      implements ToWorker {}

  /** Collect T steps of every env acting with {@code policy} (the learner's version) and answer. */
  public record Collect(long version, int steps, PolicySnapshot policy) implements ToWorker {}

  /** The run is over (or the worker refused): close the envs and exit, printing {@code reason}. */
  public record Stop(String reason, boolean refused) implements ToWorker {}

  /** A worker has its envs and network and is used from the next iteration on. */
  public record Joined(int slot, int envs, String address) implements ToLearner {}

  /** A worker's T x k fragment, collected with policy {@code version}. */
  public record Fragment(int slot, long version, RolloutBatch batch) implements ToLearner {}

  /** A worker cannot go on (bad assignment, a failed env); one line naming the cause. */
  public record WorkerFailed(int slot, String message) implements ToLearner {}
}

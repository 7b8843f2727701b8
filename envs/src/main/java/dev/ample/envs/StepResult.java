// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

/**
 * Result of {@link VectorEnv#reset} or {@link VectorEnv#step} for all N envs.
 *
 * <p>Autoreset: an env whose episode ended on this step ({@code terminated[i] || truncated[i]}) is
 * reset within the same call, so {@code observations} for it is already the first observation of
 * the next episode; the last observation of the ended episode is in {@code finalObservations}
 * (all other rows of it are unspecified). {@code episodeEnds[i]} is non-null exactly for envs whose
 * <em>game</em> ended (for episodic-life Atari training a lost life sets {@code terminated} but
 * not {@code episodeEnds}).
 *
 * @param observations next observations
 * @param rewards rewards as the learner should see them (clipped when reward clipping is on)
 * @param terminated the MDP reached a terminal state (no bootstrapping)
 * @param truncated the episode was cut by a time limit (bootstrapping would be valid)
 * @param episodeEnds raw return and length of games that ended on this step, else null
 * @param finalObservations last observations of the ended episodes, or null if none ended
 */
public record StepResult(
    Observations observations,
    float[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    EpisodeEnd[] episodeEnds,
    Observations finalObservations) {

  /** Whether env {@code i}'s episode ended on this step. */
  public boolean done(int i) {
    return terminated[i] || truncated[i];
  }
}

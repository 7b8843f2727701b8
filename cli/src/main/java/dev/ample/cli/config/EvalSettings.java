// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;

/**
 * Test episodes during training (the {@code train.eval-*} keys): whole games in an env of their
 * own, rewards unclipped, as the Eve authors' {@code test_episodes.py} plays them (DESIGN.md §7).
 *
 * @param every iterations between evaluations, iteration 0 (before the first update) included;
 *     0 = off ({@code train.eval-every})
 * @param episodes test episodes per evaluation ({@code train.eval-episodes})
 * @param greedy play the most probable action; false samples from the policy, as the authors do
 *     ({@code train.eval-greedy})
 */
public record EvalSettings(int every, int episodes, boolean greedy) {

  public EvalSettings {
    if (every < 0) {
      throw new IllegalArgumentException("train.eval-every must be >= 0 (0 = off), got " + every);
    }
    if (episodes < 1) {
      throw new IllegalArgumentException("train.eval-episodes must be >= 1, got " + episodes);
    }
  }

  /** Reads the keys from the {@code train} section. */
  static EvalSettings from(Config train) {
    return new EvalSettings(train.getInt("eval-every"), train.getInt("eval-episodes"),
        train.getBoolean("eval-greedy"));
  }

  /** Whether the policy after {@code iteration} updates is tested. */
  public boolean due(long iteration) {
    return every > 0 && iteration % every == 0;
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks between sections, which {@code ./ample config} and {@code train} both make through
 * {@link ExperimentSettings}.
 */
class ExperimentSettingsTest {

  private static ExperimentSettings settings(String... overrides) {
    return ExperimentSettings.from(ExperimentConfigs.load(null, List.of(overrides)));
  }

  private static void assertRefused(String expected, String... overrides) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> settings(overrides));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void theDefaultsPass() {
    ExperimentSettings s = settings();
    assertEquals(1024, s.agentStepsPerIteration(), "8 envs x 128 steps");
    assertEquals(12, s.optimizerStepsPerIteration(), "3 epochs x 4 minibatches");
  }

  @Test
  void combinationsOfSectionsAreChecked() {
    assertRefused("not a multiple of ppo.minibatch-size", "ppo.minibatch-size=100");
    assertRefused("less than one iteration", "train.agent-steps=1000");
    assertRefused("train.agent-steps must be >= 1", "train.agent-steps=-5");
    assertRefused("more than env.num-envs", "train.runners=3", "env.num-envs=2",
        "ppo.minibatch-size=128");
    assertRefused("train.double-buffer needs train.runners >= 2", "train.double-buffer=true",
        "train.runners=1");
    assertTrue(settings("train.double-buffer=true").train().doubleBuffer());
    assertFalse(settings().train().doubleBuffer(), "off by default");
  }

  @Test
  void envIdsAreCheckedWithoutStartingAnEnv() {
    assertRefused("unknown env id 'pongg'", "env.id=pongg");
    assertRefused("is built in", "env.id=catch", "env.backend=ale");
    assertRefused("is an Atari game", "env.id=pong", "env.backend=builtin");
    // A game or a Gymnasium id passes: its ROM or Python is found only when the env starts.
    settings("env.id=pong", "env.rom-dir=/nowhere");
    settings("env.id=\"CartPole-v1\"");
  }

  /** The budget is agent steps: whole iterations that fit in what is left, whatever came before. */
  @Test
  void iterationsLeftNeverPassTheBudget() {
    ExperimentSettings s = settings("train.agent-steps=4096", "ppo.rollout-steps=64",
        "ppo.minibatch-size=128");
    assertEquals(8, s.iterationsLeft(0), "4096 / (8 x 64)");
    // 12 iterations of 8 x 32 = 3,072 steps done before rollout-steps changed to 64.
    assertEquals(2, s.iterationsLeft(3072), "(4096 - 3072) / 512");
    assertEquals(1, s.iterationsLeft(3200), "floor(896 / 512)");
    assertEquals(0, s.iterationsLeft(6144), "already past the budget");
  }
}

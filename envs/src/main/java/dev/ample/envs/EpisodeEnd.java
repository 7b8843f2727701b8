// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

/**
 * Summary of a finished episode, reported on the step that ends it.
 *
 * @param rawReturn sum of unclipped rewards over the episode (for Atari, over the whole game, not
 *     one life)
 * @param length agent steps in the episode
 * @param frames emulator frames in the episode (equal to {@code length} for non-Atari envs)
 */
public record EpisodeEnd(double rawReturn, int length, long frames) {}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.agents.Agent;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Test episodes, played as the Eve authors' {@code test_episodes.py} plays them (DESIGN.md §7):
 * whole games in an env of their own, one copy built from the run's env config with reward
 * clipping and episodic life off, so a return is the game's raw score; actions from the policy,
 * sampled (as the authors do) or greedy. Both {@code ./ample train} (every {@code train.eval-every}
 * iterations) and {@code ./ample eval} play them through this class.
 *
 * <pre>{@code
 * TestEpisodes tests = TestEpisodes.of(env, agent, false);
 * TestEpisodes.Result r = tests.play(5, TestEpisodes.random(seed, iteration));
 * }</pre>
 *
 * <p>Each {@link #play} call creates its env and closes it at the end, so the training envs and
 * their episodes are never touched. It runs in a plain loop on the caller's thread, not on the
 * rollout's actors: one env needs no scatter/gather. The agent is the caller's (in {@code ./ample
 * train} one of its own, loaded with the snapshot to test, so an overlapped collection is not
 * disturbed). The agent's randomness is only the {@code rng} given, so
 * playing test episodes leaves the training stream unchanged.
 *
 * <p>An episode the env does not end within {@code maxSteps} agent steps is cut there and counted
 * as {@link Episode#truncated() truncated}, as is one the env truncates (a time limit), so a
 * policy that never finishes a game cannot hang training or evaluation.
 */
public final class TestEpisodes {

  /**
   * The default step cap: the v4 Atari limit of 400,000 frames at frame skip 4. Built-in envs and
   * the v4/v5 presets end every episode sooner; the cap catches envs without a time limit.
   */
  public static final int MAX_EPISODE_STEPS = 100_000;

  /** Separates the test episodes' streams from the training ones (see {@link #random}). */
  private static final long TEST_STREAM_SALT = 0x7E57_E915_0DE5L;

  /**
   * One test episode.
   *
   * @param rawReturn sum of the unclipped rewards
   * @param length agent steps played
   * @param truncated the env cut it (a time limit) or the step cap did, before the game ended
   */
  public record Episode(double rawReturn, int length, boolean truncated) {}

  /** The episodes of one {@link #play} call, in order. */
  public record Result(List<Episode> episodes) {
    public Result {
      episodes = List.copyOf(episodes);
    }

    public double meanReturn() {
      return episodes.stream().mapToDouble(Episode::rawReturn).average().orElse(Double.NaN);
    }

    /** Population standard deviation of the returns (0 for one episode). */
    public double stdReturn() {
      double mean = meanReturn();
      return Math.sqrt(episodes.stream()
          .mapToDouble(e -> (e.rawReturn() - mean) * (e.rawReturn() - mean))
          .average().orElse(Double.NaN));
    }

    public double meanLength() {
      return episodes.stream().mapToInt(Episode::length).average().orElse(Double.NaN);
    }

    /** Episodes cut by a time limit or the step cap. */
    public int truncated() {
      return (int) episodes.stream().filter(Episode::truncated).count();
    }
  }

  private final EnvConfig env;
  private final Agent agent;
  private final boolean greedy;
  private final int maxSteps;

  private TestEpisodes(EnvConfig env, Agent agent, boolean greedy, int maxSteps) {
    this.env = env;
    this.agent = agent;
    this.greedy = greedy;
    this.maxSteps = maxSteps;
  }

  /**
   * Test episodes of {@code agent} in envs like the training ones ({@link #envConfig}).
   *
   * @param greedy play the most probable action instead of sampling one
   */
  public static TestEpisodes of(EnvConfig training, Agent agent, boolean greedy) {
    if (agent == null) {
      throw new IllegalArgumentException("test episodes need an agent");
    }
    return new TestEpisodes(envConfig(training), agent, greedy, MAX_EPISODE_STEPS);
  }

  /** The same with another step cap (agent steps per episode, at least 1). */
  public TestEpisodes withMaxSteps(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("the test episode step cap must be >= 1, got " + steps);
    }
    return new TestEpisodes(env, agent, greedy, steps);
  }

  /**
   * The test env for a run's env config: one copy, rewards unclipped, a lost life not an episode
   * end (the built-in envs have neither setting), everything else as in training.
   */
  public static EnvConfig envConfig(EnvConfig training) {
    return new EnvConfig(training.id(), training.backend(), 1, training.romDir(),
        training.atari().withClipRewards(false).withEpisodicLife(false),
        training.allowUnverifiedRom());
  }

  /** The env config episodes are played in. */
  public EnvConfig env() {
    return env;
  }

  /**
   * The random stream of the test episodes at {@code iteration} of a run seeded {@code seed}.
   * Keyed on both, so a resumed run, and {@code ./ample eval} of that iteration's checkpoint, draw
   * what an unbroken run drew there; salted, so it starts where no training stream does (built-in
   * env i: {@code seed + i}; actions: a split of {@code seed}).
   */
  public static SplittableRandom random(long seed, long iteration) {
    return new SplittableRandom(
        new SplittableRandom(seed ^ TEST_STREAM_SALT).nextLong() + iteration);
  }

  /** Plays {@code episodes} episodes; see {@link #play(int, SplittableRandom, Consumer)}. */
  public Result play(int episodes, SplittableRandom rng) {
    return play(episodes, rng, observation -> {});
  }

  /**
   * Plays {@code episodes} episodes one after another in a fresh env. Each starts from a reset
   * seeded with the next draw of {@code rng}; sampled actions then take one draw per step from it.
   *
   * @param firstEpisode receives the first episode's observations (one env each): the reset
   *     observation, then the one after every step, the last being the episode's final
   *     observation, so {@code length + 1} in all
   * @throws IllegalArgumentException when the env cannot be built (as {@link Envs#create})
   */
  public Result play(int episodes, SplittableRandom rng, Consumer<Observations> firstEpisode) {
    if (episodes < 1) {
      throw new IllegalArgumentException("test episodes: need at least 1, got " + episodes);
    }
    List<Episode> played = new ArrayList<>();
    try (VectorEnv vec = Envs.create(env)) {
      for (int e = 0; e < episodes; e++) {
        played.add(playOne(vec, rng, e == 0 ? firstEpisode : observation -> {}));
      }
    }
    return new Result(played);
  }

  private Episode playOne(VectorEnv vec, SplittableRandom rng, Consumer<Observations> frames) {
    Observations obs = vec.reset(rng.nextLong()).observations();
    frames.accept(obs);
    double rawReturn = 0;
    for (int length = 1; ; length++) {
      int[] actions = greedy
          ? agent.greedyActions(obs)
          : agent.act(obs, rng).actions();
      StepResult r = vec.step(actions);
      rawReturn += r.rewards()[0];
      if (r.done(0)) {
        // Autoreset already replaced the observation with the next episode's first one.
        frames.accept(r.finalObservations());
        return new Episode(rawReturn, length, !r.terminated()[0]);
      }
      obs = r.observations();
      frames.accept(obs);
      if (length == maxSteps) {
        return new Episode(rawReturn, length, true);
      }
    }
  }
}

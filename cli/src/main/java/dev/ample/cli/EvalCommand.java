// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.config.OptimizerSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.TestEpisodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ample eval}: test episodes of a trained agent, played as training plays them ({@link
 * TestEpisodes}: whole games in an env of their own, rewards unclipped). The env and the network
 * are rebuilt from the run's {@code config.conf} as {@code ./ample train} builds them, and the
 * checkpoint's parameters are loaded into that network.
 *
 * <p>With the default seed (the run's {@code train.seed}) the episodes are drawn from the stream
 * training used for its test at the checkpoint's iteration, so {@code --episodes
 * train.eval-episodes} replays the test that {@code metrics.jsonl} logged there (when that
 * iteration had one, in the same action mode).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Play test episodes with a trained agent: whole games, rewards unclipped, as the test"
          + " episodes of ./ample train; prints each episode's return and their mean ± std.",
      "CHECKPOINT_OR_RUN_DIR is a run directory of ./ample train (its newest checkpoint is"
          + " used) or one of its checkpoints/iter-NNNNNN.ckpt; the env and the network come"
          + " from the run's config.conf."
    })
public final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHECKPOINT_OR_RUN_DIR",
      description = "a run directory or a checkpoint file in its checkpoints/")
  Path target;

  @Option(names = "--episodes", paramLabel = "N", defaultValue = "10",
      description = "test episodes to play (default ${DEFAULT-VALUE})")
  int episodes;

  @Option(names = "--greedy",
      description = "play the most probable action (default: sample from the policy)")
  boolean greedy;

  @Option(names = "--seed", paramLabel = "S",
      description = "seed of the episodes (default: the run's train.seed, which replays the test"
          + " episodes training played at the checkpoint's iteration)")
  Long seed;

  @Option(names = "--record", paramLabel = "FILE.gif",
      description = "write the first episode as an animated GIF, one picture per observation")
  Path record;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a key of the run's config, e.g. --set env.rom-dir=/path/to/roms")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (episodes < 1) {
      throw new IllegalArgumentException("--episodes must be at least 1, got " + episodes);
    }
    Checkpoint checkpoint = checkpointOf(target);
    long iteration = checkpoint.progress().iteration();
    Path runDir = checkpoint.file().toAbsolutePath().getParent().getParent();
    Config config = ExperimentConfigs.load(runDir.resolve(RunDirectory.CONFIG), overrides);
    ExperimentSettings experiment = ExperimentSettings.from(config);
    EnvConfig env = experiment.env();
    TrainSettings train = experiment.train();
    Device device = train.djlDevice();
    long episodeSeed = seed == null ? train.seed() : seed;
    PrintWriter out = spec.commandLine().getOut();
    ObservationPictures pictures = ObservationPictures.forEnv(env);
    // Opened first, so that an unwritable --record fails before anything is loaded or played.
    try (AnimatedGif gif = record == null ? null
            : AnimatedGif.create(record, pictures.frameDelayCentiseconds());
        NDManager base = NDManager.newBaseManager(device)) {
      EnvNetworks.Built built =
          EnvNetworks.createProbing(env, experiment.network(), train.seed(), base);
      PolicyValueNetwork network = built.network();
      PolicySnapshot policy = loadParameters(built, experiment.optimizer(), base, device, checkpoint);
      ObservationSpace space = built.identity().observationSpace();
      try (Agent agent = Agent.create(
          () -> experiment.network().architecture(space, network.numActions()), space, policy,
          device)) {
        TestEpisodes tests = TestEpisodes.of(env, agent, greedy);
        out.printf("ample eval: %s (iteration %d); %s, %d episode%s, %s actions, seed %d%n",
            checkpoint.file(), iteration, env.id(), episodes, episodes == 1 ? "" : "s",
            greedy ? "greedy" : "sampled", episodeSeed);
        out.flush();
        SplittableRandom rng = TestEpisodes.random(episodeSeed, iteration);
        TestEpisodes.Result result = gif == null ? tests.play(episodes, rng)
            : playRecorded(tests, rng, pictures, gif, out);
        List<TestEpisodes.Episode> played = result.episodes();
        for (int e = 0; e < played.size(); e++) {
          TestEpisodes.Episode episode = played.get(e);
          out.printf("episode %d: return %.2f, length %d%s%n", e + 1, episode.rawReturn(),
              episode.length(),
              episode.truncated() ? " (cut by a time limit or the step cap)" : "");
        }
        out.printf("return %.2f ± %.2f (mean ± std over %d episode%s), mean length %.1f%n",
            result.meanReturn(), result.stdReturn(), played.size(),
            played.size() == 1 ? "" : "s", result.meanLength());
        out.flush();
      }
    }
    return 0;
  }

  /**
   * The checkpoint a target names, read and verified: itself, or the newest of a run directory
   * (a damaged newest one is refused, naming the newest intact one).
   */
  private static Checkpoint checkpointOf(Path target) {
    String fix = "; give a run directory of ./ample train or one of its"
        + " checkpoints/iter-NNNNNN.ckpt";
    if (Files.isDirectory(target)) {
      if (!Files.isRegularFile(target.resolve(RunDirectory.CONFIG))) {
        throw new IllegalArgumentException(target + " is not a run directory (no config.conf)"
            + fix);
      }
      RunFiles.Newest newest = new RunFiles(target).newestIntact();
      if (newest.newestIsIntact()) {
        return newest.intact();
      }
      throw new IllegalArgumentException(newest.damaged().get(0).getMessage()
          + (newest.intact() == null ? "; no intact checkpoint is left"
              : "; evaluate the newest intact one: ./ample eval " + newest.intact().file()));
    }
    if (!Files.isRegularFile(target)) {
      throw new IllegalArgumentException(target + " does not exist" + fix);
    }
    Path runDir = target.toAbsolutePath().getParent().getParent();
    if (RunFiles.iterationOf(target) < 0 || runDir == null
        || !Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG))) {
      throw new IllegalArgumentException(target + " is not a checkpoint in a run directory"
          + " (<run>/checkpoints/iter-NNNNNN.ckpt beside <run>/config.conf)" + fix);
    }
    try {
      return Checkpoint.read(target);
    } catch (Checkpoint.Damaged e) {
      throw new IllegalArgumentException(e.getMessage() + "; evaluate another iter-NNNNNN.ckpt"
          + " beside it, or the run directory for its newest intact one", e);
    }
  }

  /**
   * Loads a checkpoint's parameters through the learner that wrote it, after checking that it
   * fits the network the run's config builds ({@link Checkpoint#restore}); the optimizer state it
   * also holds is read and dropped with the manager.
   *
   * @return the checkpoint's policy, for an agent to load
   */
  private static PolicySnapshot loadParameters(EnvNetworks.Built built, OptimizerSettings optimizer,
      NDManager base, Device device, Checkpoint checkpoint) {
    PpoLearner learner = PpoLearner.builder()
        .setNetwork(built.network())
        // Only the parameters are used: the optimizer is never stepped, so any run length will do.
        .setOptimizer(optimizer.create(RunDecay.over(1)))
        .setManager(base)
        .optEngineConfig(PerExampleGradientsConfig.defaults().withDevice(device))
        .build();
    checkpoint.restore(learner, built.identity());
    return learner.snapshot();
  }

  /** The episodes, with the first one's observations drawn into {@code --record}'s GIF. */
  private TestEpisodes.Result playRecorded(TestEpisodes tests, SplittableRandom rng,
      ObservationPictures pictures, AnimatedGif gif, PrintWriter out) throws IOException {
    TestEpisodes.Result result;
    try {
      result = tests.play(episodes, rng, observation -> {
        try {
          gif.add(pictures.draw(observation));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw new IllegalStateException("writing " + record + " failed: " + e.getCause(), e);
    }
    gif.finish();
    out.printf("recorded episode 1 in %s: %d pictures (its %d steps and the first observation),"
        + " %d ms apart, looping%n", record, gif.frames(), result.episodes().get(0).length(),
        pictures.frameDelayCentiseconds() * 10);
    return result;
  }
}

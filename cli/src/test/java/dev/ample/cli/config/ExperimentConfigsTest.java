// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.ample.envs.atari.Resize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigsTest {

  @TempDir Path dir;

  @Test
  void embeddedDefaultsGiveAdam() {
    OptimizerSettings s = OptimizerSettings.from(ExperimentConfigs.load(null, List.of()));
    assertEquals("adam", s.name());
    assertEquals(1e-3, ((Number) s.hyperparameters().get("lr")).doubleValue());
  }

  @Test
  void fileThenOverridesWin() throws IOException {
    Path file = write("optimizer { name = eve, lr = 1e-3, b2 = 0.99 }");
    Config c = ExperimentConfigs.load(file, List.of("optimizer.lr=3e-4", "optimizer.batch_correction=false"));
    OptimizerSettings s = OptimizerSettings.from(c);
    assertEquals("eve", s.name());
    assertEquals(3e-4, ((Number) s.hyperparameters().get("lr")).doubleValue());
    assertEquals(0.99, ((Number) s.hyperparameters().get("b2")).doubleValue());
    assertEquals(false, s.hyperparameters().get("batch_correction"));
    assertEquals("eve", s.create(dev.ample.optim.RunDecay.over(10)).name());
  }

  @Test
  void fileMayNestUnderAmpleRoot() throws IOException {
    Path file = write("ample { optimizer { name = sgd } }");
    assertEquals("sgd", OptimizerSettings.from(ExperimentConfigs.load(file, List.of())).name());
  }

  @Test
  void brokenFileNamesFileAndLine() throws IOException {
    Path file = write("optimizer {\n  name = eve\n  lr = = 3\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExperimentConfigs.load(file, List.of()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(": 3"), "names the line: " + e.getMessage());
  }

  @Test
  void misspeltSectionsAreRefusedNotIgnored() throws IOException {
    Path file = write("trian { agent-steps = 2048 }");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExperimentConfigs.load(file, List.of()));
    assertTrue(e.getMessage().contains("'trian' (did you mean 'train'?)")
        && e.getMessage().contains(file.toString()), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TrainSettings.from(
        ExperimentConfigs.load(null, List.of("train.agent-step=5"))));
    assertTrue(e.getMessage().contains("train.agent-step (did you mean 'agent-steps'?)"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentConfigs.load(null, List.of("foo=1")));
    assertTrue(e.getMessage().startsWith("--set foo=1: unknown config section 'foo'"),
        e.getMessage());
  }

  @Test
  void missingFileIsClear() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentConfigs.load(dir.resolve("nope.conf"), List.of()));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void unknownOptimizerListsKnownOnes() {
    Config c = ExperimentConfigs.load(null, List.of("optimizer.name=evee"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.from(c));
    assertTrue(e.getMessage().contains("evee") && e.getMessage().contains("eve")
        && e.getMessage().contains("adam"), e.getMessage());
  }

  @Test
  void outOfRangeHyperparameterNamesKeyAndRange() {
    Config c = ExperimentConfigs.load(null, List.of("optimizer.b1=1.0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.from(c));
    assertTrue(e.getMessage().contains("b1") && e.getMessage().contains("[0, 1)"), e.getMessage());
    Config negativeLr = ExperimentConfigs.load(null, List.of("optimizer.lr=-1"));
    e = assertThrows(IllegalArgumentException.class, () -> OptimizerSettings.from(negativeLr));
    assertTrue(e.getMessage().contains("lr") && e.getMessage().contains("(0, inf)"), e.getMessage());
  }

  @Test
  void malformedOverrideIsClear() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentConfigs.load(null, List.of("optimizer.name")));
    assertTrue(e.getMessage().contains("key=value"), e.getMessage());
  }

  @Test
  void renderRoundTrips() {
    Config c = ExperimentConfigs.load(null, List.of("optimizer.name=eve"));
    String text = ExperimentConfigs.render(c.getConfig("ample").atKey("ample"));
    assertTrue(text.contains("eve"), text);
  }

  @Test
  void envSectionParsesWithPresetOverrides() {
    Config c = ExperimentConfigs.load(null, List.of("env.id=PongNoFrameskip-v4", "env.num-envs=4",
        "env.preset=v5", "env.atari.noop-max=30", "env.rom-dir=/tmp/roms"));
    dev.ample.envs.EnvConfig env = EnvSettings.from(c);
    assertEquals("PongNoFrameskip-v4", env.id());
    assertEquals(4, env.numEnvs());
    assertEquals(0.25f, env.atari().stickyActionProbability());
    assertEquals(30, env.atari().noopMax());
    assertEquals(Resize.Method.AREA, env.atari().resize(), "the presets resize by area");
    assertEquals(Resize.Method.BILINEAR, EnvSettings.from(ExperimentConfigs.load(null,
        List.of("env.atari.resize=bilinear"))).atari().resize());
    assertEquals(Path.of("/tmp/roms"), env.romDir());
    assertEquals("catch", EnvSettings.from(ExperimentConfigs.load(null, List.of())).id());
    assertEquals(false, env.allowUnverifiedRom(), "unverified ROMs are refused by default");
    assertEquals(true, EnvSettings.from(ExperimentConfigs.load(null,
        List.of("env.allow-unverified-rom=true"))).allowUnverifiedRom());
  }

  @Test
  void envSectionRejectsMisspeltKeysAndBadValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnvSettings.from(ExperimentConfigs.load(null, List.of("env.atari.noopmax=30"))));
    assertTrue(e.getMessage().contains("env.atari.noopmax") && e.getMessage().contains("noop-max"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> EnvSettings.from(ExperimentConfigs.load(null, List.of("env.backend=docker"))));
    assertTrue(e.getMessage().contains("docker") && e.getMessage().contains("gymnasium"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> EnvSettings.from(ExperimentConfigs.load(null, List.of("env.num-envs=lots"))));
    assertTrue(e.getMessage().contains("num-envs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> EnvSettings.from(ExperimentConfigs.load(null, List.of("env.atari.resize=cubic"))));
    assertTrue(e.getMessage().contains("cubic") && e.getMessage().contains("area")
        && e.getMessage().contains("bilinear"), e.getMessage());
  }

  /** Every shipped experiment file must load and validate (the test runs in cli/). */
  @Test
  void shippedConfigsValidate() throws IOException {
    List<Path> files;
    try (var stream = Files.list(Path.of("..", "configs"))) {
      files = stream.filter(f -> f.toString().endsWith(".conf")).toList();
    }
    assertTrue(files.size() >= 3, "configs/ has the Pong protocol files");
    for (Path f : files) {
      Config c = ExperimentConfigs.load(f, List.of());
      ExperimentSettings.from(c);
      TrainSettings train = TrainSettings.from(c);
      dev.ample.envs.EnvConfig env = EnvSettings.from(c);
      int numEnvs = env.numEnvs();
      assertEquals(1024, train.batchSize(numEnvs), f + ": 8 x 128 transitions per iteration");
      assertEquals(256, train.ppo().minibatchSize());
      // The authors' protocol (pong-v4-*, pong-eve-vs-adam) or CleanRL's (pong-cleanrl-*).
      boolean authors = !f.getFileName().toString().contains("cleanrl");
      // The authors' cv2.INTER_LINEAR; CleanRL's gym ResizeObservation is INTER_AREA.
      assertEquals(authors ? Resize.Method.BILINEAR : Resize.Method.AREA, env.atari().resize(), f
          + ": resize");
      // floor(40M / 1024) as the authors' loop_steps; CleanRL's 10M gives floor 9,765.
      assertEquals(authors ? 39062 : 9765, train.iterations(numEnvs), f + ": iterations");
      assertEquals(authors ? 3 : 4, train.ppo().epochs());
      assertEquals(new EvalSettings(40, 1, false), train.eval(),
          f + ": the authors' test episodes, one every 40 iterations, sampled");
    }
  }

  /** The Eve and Adam protocol files differ only in the optimizer's name and Eve's own switch. */
  @Test
  void authorsEveAndAdamConfigsDifferOnlyInTheOptimizer() {
    Config eve = ExperimentConfigs.load(Path.of("..", "configs", "pong-v4-eve.conf"), List.of());
    Config adam = ExperimentConfigs.load(Path.of("..", "configs", "pong-v4-adam.conf"), List.of());
    assertEquals(eve.withoutPath("ample.optimizer"), adam.withoutPath("ample.optimizer"));
    assertEquals(eve.getConfig("ample.optimizer").withoutPath("name")
            .withoutPath("batch_correction"),
        adam.getConfig("ample.optimizer").withoutPath("name"));
    NetworkSettings net = NetworkSettings.from(eve);
    assertEquals(dev.ample.agents.NatureCnn.Padding.SAME, net.padding());
    assertEquals(dev.ample.agents.Initialization.LECUN_NORMAL, net.init());
    assertEquals(dev.ample.learner.PpoLoss.ValueLoss.SQUARED,
        TrainSettings.from(eve).ppo().valueLoss());
  }

  @Test
  void evalKeysAreValidated() {
    EvalSettings eval = TrainSettings.from(ExperimentConfigs.load(null, List.of())).eval();
    assertTrue(eval.due(0) && eval.due(eval.every()) && !eval.due(1), "iteration 0 included");
    assertFalse(TrainSettings.from(ExperimentConfigs.load(null, List.of("train.eval-every=0")))
        .eval().due(0), "0 = off");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("train.eval-every=-1"))));
    assertTrue(e.getMessage().contains("train.eval-every"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("train.eval-episodes=0"))));
    assertTrue(e.getMessage().contains("train.eval-episodes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("train.eval-greedy=maybe"))));
    assertTrue(e.getMessage().contains("eval-greedy"), e.getMessage());
  }

  @Test
  void trainSectionsAreValidated() {
    TrainSettings t = TrainSettings.from(ExperimentConfigs.load(null, List.of()));
    assertEquals(128, t.rolloutSteps());
    assertEquals(0.1, t.ppo().clip());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("train.agentsteps=5"))));
    assertTrue(e.getMessage().contains("train.agentsteps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("train.device=tpu"))));
    assertTrue(e.getMessage().contains("cpu or gpu"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainSettings.from(ExperimentConfigs.load(null, List.of("ppo.minibatch-size=300")))
            .batchSize(8));
    assertTrue(e.getMessage().contains("not a multiple of ppo.minibatch-size"), e.getMessage());
  }

  private Path write(String text) throws IOException {
    Path f = dir.resolve("exp.conf");
    Files.writeString(f, text);
    return f;
  }
}

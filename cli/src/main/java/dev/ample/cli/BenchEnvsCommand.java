// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.atari.Resize;
import dev.ample.envs.atari.ale.NativeAle;
import dev.ample.envs.gymnasium.GymnasiumBench;
import dev.ample.envs.gymnasium.GymnasiumSettings;
import dev.ample.envs.gymnasium.GymnasiumWorkerException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ample bench envs}: Pong emulator frames per second through the full v4 preprocessing
 * stack against a bare ALE loop in the same run; without a Pong ROM, steps per second of the
 * built-in envs.
 */
@Command(
    name = "envs",
    mixinStandardHelpOptions = true,
    description = "Env throughput: ALE Pong through the preprocessing stack vs bare ALE, or the"
        + " built-in envs when no ROM is found.")
public final class BenchEnvsCommand implements Runnable {
  @Option(names = "--rom-dir", description = "Folder with pong.bin (else ALE_ROM_DIR, else ale_py)")
  Path romDir;

  @Option(names = "--json", description = "Print one JSON object as the last line")
  boolean json;

  @Option(names = "--seconds", defaultValue = "5", description = "Seconds per measurement")
  double seconds;

  @Option(names = "--resize", defaultValue = "area",
      description = "The pipeline's resize: area (the presets') or bilinear (env.atari.resize)")
  String resize;

  /** v4 with the chosen resize. */
  private AtariSettings atari() {
    return AtariSettings.v4().withResize(Resize.Method.parse(resize));
  }

  @Override
  public void run() {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<NativeAle> ale = NativeAle.find();
    Path rom = null;
    if (ale.isEmpty()) {
      System.out.println("native ALE is not in this build, measuring the built-in envs instead");
    } else {
      try {
        rom = ale.get().verifiedRom("pong", romDir); // the benchmark loads only ROMs ALE knows
      } catch (IllegalArgumentException e) {
        System.out.println(
            "no usable Pong ROM, measuring the built-in envs instead: " + e.getMessage());
      }
    }
    if (rom != null) {
      benchPong(ale.get(), rom, out);
    }
    out.put("cartpole_steps_per_s", builtinStepsPerSecond("cartpole"));
    out.put("catch_steps_per_s", builtinStepsPerSecond("catch"));
    System.out.printf(
        "built-in (8 envs): cartpole %.0f steps/s, catch %.0f steps/s%n",
        out.get("cartpole_steps_per_s"), out.get("catch_steps_per_s"));
    bridgeHook(out);
    if (rom != null) {
      atariBridge(out);
    }
    if (json) {
      try {
        System.out.println(new ObjectMapper().writeValueAsString(out));
      } catch (Exception e) {
        throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
      }
    }
  }

  private void benchPong(NativeAle ale, Path rom, Map<String, Object> out) {
    System.out.println("ROM: " + rom + " (MD5 verified)");
    // Warm up both paths, then measure them back to back.
    ale.rawFramesPerSecond(rom, Math.min(1, seconds), 1);
    pipelineFramesPerSecond(Math.min(1, seconds));
    double raw = ale.rawFramesPerSecond(rom, seconds, 2);
    double pipeline = pipelineFramesPerSecond(seconds);
    System.out.printf("raw ALE (1 emulator, gray fetch every 4th frame): %.0f frames/s%n", raw);
    System.out.printf("v4 pipeline (1 env, skip 4, max, 84x84 %s, stack 4): %.0f frames/s%n",
        atari().resize(), pipeline);
    System.out.printf("pipeline / raw: %.3f%n", pipeline / raw);
    out.put("rom", rom.toString());
    out.put("raw_ale_fps", raw);
    out.put("pipeline_fps", pipeline);
    out.put("resize", atari().resize().toString());
    out.put("pipeline_over_raw", pipeline / raw);
  }

  /**
   * Emulator frames per second (agent steps x frame skip) through {@link Envs} with {@link
   * #atari}.
   */
  private double pipelineFramesPerSecond(double secs) {
    EnvConfig config = EnvConfig.of("pong", 1).withRomDir(romDir).withAtari(atari());
    try (VectorEnv env = Envs.create(config)) {
      env.reset(3);
      SplittableRandom rng = new SplittableRandom(3);
      int[] action = new int[1];
      long steps = 0;
      long start = System.nanoTime();
      long end = start + (long) (secs * 1e9);
      while (true) {
        action[0] = rng.nextInt(env.numActions());
        env.step(action);
        steps++;
        long now = System.nanoTime();
        if (now >= end) {
          return steps * config.atari().frameSkip() / ((now - start) / 1e9);
        }
      }
    }
  }

  /**
   * An 8-env v4 Pong step through the Gymnasium backend (ale-py in the worker, frames over Py4J,
   * the same Java preprocessing) against the native backend, when Python has ale-py.
   */
  private void atariBridge(Map<String, Object> out) {
    EnvConfig config = EnvConfig.of("pong", 8).withRomDir(romDir).withAtari(atari());
    double nativeMs = msPerStep(config.withBackend(EnvConfig.Backend.ALE));
    double bridgeMs;
    try {
      bridgeMs = msPerStep(config.withBackend(EnvConfig.Backend.GYMNASIUM));
    } catch (GymnasiumWorkerException | IllegalArgumentException e) {
      System.out.println("gymnasium Atari: not measured: " + e.getMessage());
      out.put("bridge_atari_step_ms", null);
      return;
    }
    System.out.printf("8-env v4 Pong step: native %.2f ms, gymnasium backend %.2f ms%n",
        nativeMs, bridgeMs);
    out.put("native_atari_step_ms", nativeMs);
    out.put("bridge_atari_step_ms", bridgeMs);
  }

  private double msPerStep(EnvConfig config) {
    try (VectorEnv env = Envs.create(config)) {
      env.reset(5);
      SplittableRandom rng = new SplittableRandom(5);
      int[] actions = new int[config.numEnvs()];
      long steps = 0;
      long start = 0;
      double secs = Math.min(seconds, 2);
      for (int warm = 0; ; steps++) {
        for (int i = 0; i < actions.length; i++) {
          actions[i] = rng.nextInt(env.numActions());
        }
        env.step(actions);
        if (warm < 20) { // the first steps pay for class loading and the JIT
          warm++;
          steps = -1;
          start = System.nanoTime();
          continue;
        }
        long now = System.nanoTime();
        if (now - start >= secs * 1e9) {
          return (now - start) / 1e6 / (steps + 1);
        }
      }
    }
  }

  private double builtinStepsPerSecond(String id) {
    try (VectorEnv env = Envs.create(EnvConfig.of(id, 8))) {
      env.reset(0);
      SplittableRandom rng = new SplittableRandom(0);
      int[] actions = new int[8];
      long steps = 0;
      double secs = Math.min(seconds, 2);
      long start = System.nanoTime();
      long end = start + (long) (secs * 1e9);
      while (true) {
        for (int i = 0; i < 8; i++) {
          actions[i] = rng.nextInt(env.numActions());
        }
        env.step(actions);
        steps += 8;
        long now = System.nanoTime();
        if (now >= end) {
          return steps / ((now - start) / 1e9);
        }
      }
    }
  }

  /**
   * GYMNASIUM BRIDGE HOOK: measure the Py4J bridge's per-step cost here once the Gymnasium backend
   * is wired into {@link Envs}; until then it reports null.
   */
  /**
   * The Gymnasium bridge's cost per vector step (8 CartPole-v1 envs, one Py4J call each) and per
   * bare round trip, when a Python with py4j and gymnasium is available ({@code AMPLE_PYTHON}).
   */
  private void bridgeHook(Map<String, Object> out) {
    GymnasiumSettings settings = GymnasiumSettings.defaults();
    try {
      double stepUs = GymnasiumBench.measureStepCost(settings, "CartPole-v1", 8, 2000);
      double echoUs = GymnasiumBench.measureRoundTrip(settings, 128, 2000);
      System.out.printf("gymnasium bridge: %.1f us per 8-env CartPole-v1 step, %.1f us per bare round trip%n",
          stepUs, echoUs);
      out.put("bridge_step_us", stepUs);
      out.put("bridge_round_trip_us", echoUs);
    } catch (GymnasiumWorkerException e) {
      System.out.println("gymnasium bridge: not measured: " + e.getMessage());
      out.put("bridge_step_us", null);
    }
  }
}

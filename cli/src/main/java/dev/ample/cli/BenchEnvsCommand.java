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
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
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

  @Option(names = "--seconds", defaultValue = "5",
      description = "Seconds per loop, split into interleaved rounds (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--resize", defaultValue = "area",
      description = "The pipeline's resize: area (the presets') or bilinear (env.atari.resize)")
  String resize;

  /** Interleaved raw / pipeline rounds per benchmark. */
  private static final int ROUNDS = 5;
  private static final long MAX_WARM_UP_SECONDS = 30;

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
    EnvConfig config = EnvConfig.of("pong", 1).withRomDir(romDir).withAtari(atari());
    try (VectorEnv env = Envs.create(config)) {
      PipelineLoop pipeline = new PipelineLoop(env, config.atari().frameSkip());
      double warmUp = pipeline.warmUp();
      ale.rawFramesPerSecond(rom, Math.min(1, seconds), 1);
      // Short rounds, alternating which loop goes first, and the median of the rounds' ratios:
      // on a shared machine the load shifts within seconds, and a loop measured later than the
      // other would otherwise get a different share of the CPU.
      double[] raw = new double[ROUNDS];
      double[] piped = new double[ROUNDS];
      double[] ratio = new double[ROUNDS];
      double secs = seconds / ROUNDS;
      for (int r = 0; r < ROUNDS; r++) {
        if (r % 2 == 0) {
          raw[r] = ale.rawFramesPerSecond(rom, secs, 2 + r);
          piped[r] = pipeline.framesPerSecond(secs);
        } else {
          piped[r] = pipeline.framesPerSecond(secs);
          raw[r] = ale.rawFramesPerSecond(rom, secs, 2 + r);
        }
        ratio[r] = piped[r] / raw[r];
      }
      double rawFps = median(raw);
      double pipelineFps = median(piped);
      double pipelineOverRaw = median(ratio);
      System.out.printf("pipeline warm-up: %.1f s (until compiled and two young collections)%n",
          warmUp);
      System.out.printf("raw ALE (1 emulator, gray fetch every 4th frame): %.0f frames/s%n", rawFps);
      System.out.printf("v4 pipeline (1 env, skip 4, max, 84x84 %s, stack 4): %.0f frames/s%n",
          atari().resize(), pipelineFps);
      System.out.printf("pipeline / raw: %.3f (median of %d interleaved rounds of %.1f s; %s)%n",
          pipelineOverRaw, ROUNDS, secs, Arrays.toString(Arrays.stream(ratio)
              .map(x -> Math.round(x * 1000) / 1000.0).toArray()));
      out.put("rom", rom.toString());
      out.put("raw_ale_fps", rawFps);
      out.put("pipeline_fps", pipelineFps);
      out.put("resize", atari().resize().toString());
      out.put("pipeline_over_raw", pipelineOverRaw);
      out.put("warm_up_seconds", warmUp);
    }
  }

  private static double median(double[] xs) {
    double[] a = xs.clone();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /**
   * The preprocessing stack stepped with random actions; one env for the whole benchmark, so its
   * rounds see what a long run sees.
   */
  private static final class PipelineLoop {
    private final VectorEnv env;
    private final int frameSkip;
    private final SplittableRandom rng = new SplittableRandom(3);
    private final int[] action = new int[1];

    PipelineLoop(VectorEnv env, int frameSkip) {
      this.env = env;
      this.frameSkip = frameSkip;
      env.reset(3);
    }

    /**
     * Steps until the JIT has stopped compiling and the young generation has been collected
     * twice (at most {@link #MAX_WARM_UP_SECONDS}); returns the seconds it took. Each step
     * allocates its observation, so until eden has been filled once every step also pays page
     * faults for fresh heap pages (~1 per step here, for a few seconds), which a long run does
     * not; the bare loop allocates nothing. Measuring before that point measured the JVM's
     * start, not the pipeline.
     */
    double warmUp() {
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
      long start = System.nanoTime();
      long collections = collections();
      long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
      long quietSince = start;
      while (true) {
        framesPerSecond(0.1);
        long now = System.nanoTime();
        long c = jitTimed ? jit.getTotalCompilationTime() : 0;
        if (c != compiled) {
          compiled = c;
          quietSince = now;
        }
        boolean settled = now - quietSince >= 500_000_000L
            && collections() >= collections + 2;
        if (settled || now - start >= MAX_WARM_UP_SECONDS * 1_000_000_000L) {
          return (now - start) / 1e9;
        }
      }
    }

    private static long collections() {
      long count = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        count += Math.max(0, gc.getCollectionCount());
      }
      return count;
    }

    /** Emulator frames per second (agent steps x frame skip) over about {@code secs}. */
    double framesPerSecond(double secs) {
      long steps = 0;
      long start = System.nanoTime();
      long end = start + (long) (secs * 1e9);
      while (true) {
        action[0] = rng.nextInt(env.numActions());
        env.step(action);
        steps++;
        long now = System.nanoTime();
        if (now >= end) {
          return steps * frameSkip / ((now - start) / 1e9);
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

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
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
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

  /** Rounds per benchmark; the figure is the median of their ratios. */
  private static final int ROUNDS = 5;
  /**
   * Within a round the two loops alternate in slices this long: the load on a shared machine
   * shifts within seconds, and loops measured a second apart saw ratios from 0.4 to 1.3 here.
   */
  private static final long SLICE_NANOS = 25_000_000L;
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
    try (VectorEnv env = Envs.create(config);
        NativeAle.RawLoop raw = ale.openRawLoop(rom, 2)) {
      long start = System.nanoTime();
      double heapSeconds = YoungGeneration.fill(MAX_WARM_UP_SECONDS);
      PipelineLoop pipeline = new PipelineLoop(env, config.atari().frameSkip());
      pipeline.warmUp();
      raw.playUntil(System.nanoTime() + (long) (Math.min(1, seconds) * 1e9));
      double warmUp = (System.nanoTime() - start) / 1e9;
      SliceClock clock = SliceClock.best();
      double[] rawFps = new double[ROUNDS];
      double[] pipelineFps = new double[ROUNDS];
      double[] ratio = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        double[] fps = alternate(raw::playUntil, pipeline::playUntil, seconds / ROUNDS, clock);
        rawFps[r] = fps[0];
        pipelineFps[r] = fps[1];
        ratio[r] = fps[1] / fps[0];
      }
      double pipelineOverRaw = median(ratio);
      System.out.printf("warm-up: %.1f s (young generation filled in %.1f s, then the pipeline"
          + " and the bare loop until compiled)%n", warmUp, heapSeconds);
      System.out.printf("raw ALE (1 emulator, gray fetch every 4th frame): %.0f frames/s%n",
          median(rawFps));
      System.out.printf("v4 pipeline (1 env, skip 4, max, 84x84 %s, stack 4): %.0f frames/s%n",
          atari().resize(), median(pipelineFps));
      System.out.printf("pipeline / raw: %.3f (median of %d rounds of %.1f s, the loops"
              + " alternating every %d ms, frames per second of %s; %s)%n",
          pipelineOverRaw, ROUNDS, seconds / ROUNDS, SLICE_NANOS / 1_000_000, clock.description,
          Arrays.toString(Arrays.stream(ratio).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
      out.put("rom", rom.toString());
      out.put("raw_ale_fps", median(rawFps));
      out.put("pipeline_fps", median(pipelineFps));
      out.put("resize", atari().resize().toString());
      out.put("pipeline_over_raw", pipelineOverRaw);
      out.put("clock", clock.name);
      out.put("warm_up_seconds", warmUp);
    }
  }

  /**
   * Frames per second of {@code raw} and of {@code pipeline} over about {@code secs}, the two
   * playing in alternate slices, in the order AB BA AB ... so that neither always follows the
   * other. Each loop plays until the given {@link System#nanoTime()} and returns its frames.
   */
  private static double[] alternate(
      LongUnaryOperator raw, LongUnaryOperator pipeline, double secs, SliceClock clock) {
    LongUnaryOperator[] loops = {raw, pipeline};
    long[] frames = new long[2];
    long[] nanos = new long[2];
    long gcMillis = YoungGeneration.collectionMillis();
    long end = System.nanoTime() + (long) (secs * 1e9);
    for (int pair = 0; System.nanoTime() < end; pair++) {
      for (int k = 0; k < 2; k++) {
        int loop = (pair + k) % 2;
        long t0 = clock.nanos();
        frames[loop] += loops[loop].applyAsLong(System.nanoTime() + SLICE_NANOS);
        nanos[loop] += clock.nanos() - t0;
      }
    }
    if (clock.excludesCollections) {
      // Only the pipeline allocates; its collections run on other threads while it waits.
      nanos[1] += (YoungGeneration.collectionMillis() - gcMillis) * 1_000_000L;
    }
    return new double[] {frames[0] / (nanos[0] / 1e9), frames[1] / (nanos[1] / 1e9)};
  }

  /**
   * The time a loop is charged with: the calling thread's CPU time where the JVM measures it, so
   * that time the thread spent waiting for a core on a shared machine (the same for both loops on
   * average, but noisy) is left out; else wall time.
   */
  private record SliceClock(String name, String description, boolean excludesCollections) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static SliceClock best() {
      if (THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()) {
        return new SliceClock(
            "thread_cpu", "the stepping thread's CPU time, plus GC pauses", true);
      }
      return new SliceClock("wall", "wall time", false);
    }

    long nanos() {
      return excludesCollections ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
  }

  private static double median(double[] xs) {
    double[] a = xs.clone();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /**
   * The heap as a long run has it. The pipeline allocates every step's observation (28 KB per
   * env), the bare loop nothing; until the young generation has reached its settled size and each
   * of its pages has been written once, every step also pays page faults for fresh heap pages.
   * With G1 on the 2-core AMD EPYC VM of README's figures the young generation grew for ~10 s of
   * pipeline steps (to ~390 MB) at 7 faults per step, and the pipeline ran at 0.6 of the bare
   * loop's rate meanwhile; a long run pays that once.
   */
  private static final class YoungGeneration {
    /** Kept reachable until the next allocation, so that the JIT cannot elide the allocations. */
    private static volatile byte[] garbage;

    /**
     * Allocates short-lived garbage until two collections in a row found the young generation
     * no larger than before (quicker than stepping the pipeline until then); returns the seconds
     * it took. Does nothing under a collector without a young generation.
     */
    static double fill(long maxSeconds) {
      Optional<MemoryPoolMXBean> eden = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP && p.getName().contains("Eden"))
          .findFirst();
      long start = System.nanoTime();
      if (eden.isEmpty()) {
        return 0;
      }
      long collections = collections();
      long peak = -1;
      int unchanged = 0;
      while (unchanged < 2 && System.nanoTime() - start < maxSeconds * 1_000_000_000L) {
        for (int i = 0; i < 1024; i++) {
          garbage = new byte[16 * 1024];
        }
        long c = collections();
        if (c != collections) {
          collections = c;
          long p = eden.get().getPeakUsage().getUsed();
          unchanged = p <= peak ? unchanged + 1 : 0;
          peak = Math.max(peak, p);
        }
      }
      garbage = null;
      return (System.nanoTime() - start) / 1e9;
    }

    static long collections() {
      long count = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        count += Math.max(0, gc.getCollectionCount());
      }
      return count;
    }

    static long collectionMillis() {
      long millis = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        millis += Math.max(0, gc.getCollectionTime());
      }
      return millis;
    }
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
     * Steps until the JIT has stopped compiling for half a second (at most {@link
     * #MAX_WARM_UP_SECONDS}).
     */
    void warmUp() {
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
      long start = System.nanoTime();
      long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
      long quietSince = start;
      while (true) {
        long now = System.nanoTime();
        playUntil(now + 100_000_000L);
        now = System.nanoTime();
        long c = jitTimed ? jit.getTotalCompilationTime() : 0;
        if (c != compiled) {
          compiled = c;
          quietSince = now;
        }
        if (now - quietSince >= 500_000_000L
            || now - start >= MAX_WARM_UP_SECONDS * 1_000_000_000L) {
          return;
        }
      }
    }

    /**
     * Steps at least once and until {@link System#nanoTime()} reaches {@code untilNanos};
     * returns the emulator frames (agent steps x frame skip).
     */
    long playUntil(long untilNanos) {
      long steps = 0;
      do {
        action[0] = rng.nextInt(env.numActions());
        env.step(action);
        steps++;
      } while (System.nanoTime() < untilNanos);
      return steps * frameSkip;
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

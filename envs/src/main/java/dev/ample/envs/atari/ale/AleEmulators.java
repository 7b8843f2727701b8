// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import dev.ample.envs.atari.AtariEmulators;
import dev.ample.envs.atari.AtariSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.IntPointer;

/**
 * N native ALE 0.7.3 emulators in the JVM ({@code org.bytedeco:ale}), one {@link ALEInterface}
 * each. Only emulation and grayscale screen fetches ({@link GrayscaleScreen}) happen here; all
 * preprocessing is in {@link dev.ample.envs.atari.AtariVectorEnv}.
 *
 * <p>Watchdog: a cartridge that never ends a frame (no VSYNC) makes ALE spin forever inside native
 * code. Loading the ROMs, {@link #reset} and, for a ROM whose MD5 ALE does not recognise, every
 * step (all emulate frames) run on one dedicated daemon
 * thread and the caller waits at most {@code timeout}; it then gets a clear {@link
 * IllegalStateException} instead of a hang (the stuck thread cannot be stopped; these emulators are
 * unusable afterwards). For an MD5-verified ROM (an original cartridge, which always ends its
 * frames) the per-step calls ({@link #act}, {@link #screens}, {@link #lives}) run on the caller's
 * thread instead, because handing every step to another thread and back costs a measurable share
 * of a step (2.5-15 us of ~250 us measured here); a daemon watchdog
 * thread watches when the current call started, and if one runs past the timeout it marks these
 * emulators broken, reports the stuck call on standard error, and every later call (from any
 * thread) fails with a clear {@link IllegalStateException}.
 *
 * <p>"Runs past the timeout" counts the CPU time of the thread that emulates, not wall time: an
 * emulator that never ends a frame spins, using CPU all along, while a process that is suspended
 * ({@code SIGSTOP}, a laptop's sleep) or starved on a busy machine uses none. With wall time, a
 * training run paused for 2.5 minutes was declared stuck on resuming (2026-12-02). Where the JVM
 * cannot measure thread CPU time, wall time is the fallback.
 *
 * <p>Not thread safe: call it from one thread at a time (as {@link
 * dev.ample.envs.atari.AtariVectorEnv} does).
 *
 * <p>Seeding: {@link #reset} reseeds the emulator's random generator (sticky actions) with the
 * given seed before starting a new game, without reloading the ROM, deriving ALE's 32-bit seed as
 * ale-py does ({@link AleSeeds}).
 */
public final class AleEmulators implements AtariEmulators {
  /** Default limit for one call (a step of all emulators, or loading the ROMs). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final RomResolver.Rom rom;
  private final Duration timeout;
  private final ExecutorService worker;
  private final ALEInterface[] ales;
  private final GrayscaleScreen[] screens;
  private int[] actionSet;
  private int height;
  private int width;
  private final ScheduledExecutorService watchdog;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_CLOCK = THREADS.isCurrentThreadCpuTimeSupported()
      && THREADS.isThreadCpuTimeEnabled();
  /** The emulator thread of {@link #call}. */
  private volatile Thread workerThread;
  /** The thread of the running caller-thread call. */
  private volatile long callThread;
  /** That thread's {@link #clock} when the call started; 0 when none runs. */
  private volatile long callStartedAt;
  private volatile String callWhat = "";
  private volatile boolean broken;
  private volatile String brokenReason = "";
  private boolean closed;

  /** Loads {@code numEnvs} emulators of a validated ROM (see {@link RomResolver}). */
  public AleEmulators(RomResolver.Rom rom, int numEnvs, AtariSettings settings) {
    this(rom, numEnvs, settings, DEFAULT_TIMEOUT);
  }

  public AleEmulators(
      RomResolver.Rom rom, int numEnvs, AtariSettings settings, Duration timeout) {
    if (numEnvs < 1) {
      throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
    }
    this.rom = rom;
    this.timeout = timeout;
    worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ale-emulators");
              t.setDaemon(true);
              workerThread = t;
              return t;
            });
    watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ale-watchdog");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, Math.min(1000, timeout.toMillis() / 4));
    watchdog.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS);
    ales = new ALEInterface[numEnvs];
    screens = new GrayscaleScreen[numEnvs];
    try {
      call(
          () -> {
            load(settings);
            return null;
          },
          "load " + rom.path() + " and emulate its first frames");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void load(AtariSettings settings) {
    for (int i = 0; i < ales.length; i++) {
      ALEInterface ale = new ALEInterface();
      ales[i] = ale;
      ale.setInt("random_seed", 0);
      ale.setFloat("repeat_action_probability", settings.stickyActionProbability());
      // The time limit is applied in Java so that every backend agrees on it.
      ale.setInt("max_num_frames_per_episode", 0);
      ale.setInt("frame_skip", 1);
      ale.loadROM(rom.path().toString());
      if (settings.mode() >= 0) {
        int[] modes = ints(ale.getAvailableModes());
        if (Arrays.stream(modes).noneMatch(m -> m == settings.mode())) {
          throw new IllegalArgumentException(
              "mode " + settings.mode() + " is not a mode of " + rom.game() + "; available: "
                  + Arrays.toString(modes));
        }
        ale.setMode(settings.mode());
      }
      if (settings.difficulty() >= 0) {
        int[] ds = ints(ale.getAvailableDifficulties());
        if (Arrays.stream(ds).noneMatch(d -> d == settings.difficulty())) {
          throw new IllegalArgumentException(
              "difficulty " + settings.difficulty() + " is not a difficulty of " + rom.game()
                  + "; available: " + Arrays.toString(ds));
        }
        ale.setDifficulty(settings.difficulty());
      }
      ale.reset_game();
      if (i == 0) {
        actionSet =
            ints(settings.fullActionSpace() ? ale.getLegalActionSet() : ale.getMinimalActionSet());
        height = (int) ale.getScreen().height();
        width = (int) ale.getScreen().width();
      }
      screens[i] = new GrayscaleScreen(ale, height, width);
    }
  }

  private static int[] ints(IntPointer p) {
    int[] out = new int[(int) p.limit()];
    p.get(out);
    return out;
  }

  /** The validated ROM these emulators run. */
  public RomResolver.Rom rom() {
    return rom;
  }

  @Override
  public int numEnvs() {
    return ales.length;
  }

  @Override
  public int screenHeight() {
    return height;
  }

  @Override
  public int screenWidth() {
    return width;
  }

  @Override
  public int[] actionSet() {
    return actionSet.clone();
  }

  @Override
  public void reset(int[] envIds, long[] seeds) {
    call(
        () -> {
          for (int k = 0; k < envIds.length; k++) {
            ALEInterface ale = ales[envIds[k]];
            ale.environment().getEnvironmentRNG().seed(seed32(seeds[k]));
            ale.reset_game();
            screens[envIds[k]].refresh();
          }
          return null;
        },
        "reset");
  }

  /**
   * ALE's 32-bit seed for a 64-bit one: the one ale-py's {@code reset(seed=...)} derives (see
   * {@link AleSeeds}), so that sticky actions match the Gymnasium backend's.
   */
  static int seed32(long seed) {
    return AleSeeds.aleSeed(seed);
  }

  @Override
  public FrameStep act(int[] envIds, int[] actions, int repeat) {
    int size = height * width;
    return actInto(
        envIds, actions, repeat, new byte[envIds.length * size], new byte[envIds.length * size]);
  }

  @Override
  public FrameStep actInto(
      int[] envIds, int[] actions, int repeat, byte[] lastScreens, byte[] previousScreens) {
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be >= 1, got " + repeat);
    }
    int need = envIds.length * height * width;
    if (lastScreens.length < need || previousScreens.length < need) {
      throw new IllegalArgumentException(
          "screen buffers need " + need + " bytes, got " + lastScreens.length + " and "
              + previousScreens.length);
    }
    if (!rom.md5Verified()) {
      // A cartridge ALE does not know by checksum may stop ending frames mid-game: keep the
      // caller able to get an error by running the step on the emulator thread with a timeout.
      return call(() -> actNow(envIds, actions, repeat, lastScreens, previousScreens), "step");
    }
    begin("step");
    try {
      return actNow(envIds, actions, repeat, lastScreens, previousScreens);
    } finally {
      end();
    }
  }

  /** Checks the emulators are usable and starts the watchdog clock for a caller-thread call. */
  private void begin(String what) {
    ensureUsable();
    callWhat = what;
    callThread = Thread.currentThread().getId();
    callStartedAt = Math.max(1, clock(callThread));
  }

  private void end() {
    callStartedAt = 0;
  }

  /** Runs on the watchdog thread: marks the emulators broken when a call runs past the timeout. */
  private void watch() {
    long started = callStartedAt;
    if (started == 0 || broken) {
      return;
    }
    if (clock(callThread) - started > timeout.toNanos()) {
      brokenReason = timeoutMessage(callWhat);
      broken = true;
      System.err.println(
          "ample: " + brokenReason + " (the calling thread is stuck in native code)");
      watchdog.shutdown();
    }
  }

  /** The thread's CPU time in ns (0 once it ended), or wall time where the JVM cannot tell. */
  private static long clock(long threadId) {
    return CPU_CLOCK ? Math.max(0, THREADS.getThreadCpuTime(threadId)) : System.nanoTime();
  }

  private String timeoutMessage(String what) {
    return "ALE did not finish '" + what + "' within " + timeout.toSeconds() + " s: " + rom.path()
        + " does not behave like a working Atari 2600 game (it never ends a frame);"
        + " use an original ROM of " + rom.game();
  }

  private void ensureUsable() {
    if (closed) {
      throw new IllegalStateException("ALE emulators are closed");
    }
    if (broken) {
      throw new IllegalStateException(
          "ALE emulators for " + rom.path() + " are stuck after an earlier timeout ("
              + brokenReason + "); create new ones");
    }
  }

  private FrameStep actNow(
      int[] envIds, int[] actions, int repeat, byte[] last, byte[] previous) {
    int m = envIds.length;
    int size = height * width;
    float[] rewards = new float[m];
    boolean[] over = new boolean[m];
    int[] emulated = new int[m];
    for (int k = 0; k < m; k++) {
      int i = envIds[k];
      ALEInterface ale = ales[i];
      GrayscaleScreen screen = screens[i];
      int aleAction = actionSet[actions[k]];
      int reward = 0;
      int f = 0;
      boolean gameOver = false;
      while (f < repeat) {
        reward += ale.act(aleAction);
        f++;
        gameOver = ale.game_over();
        if (gameOver) {
          break;
        }
        if (f == repeat - 1) {
          screen.keep();
        }
      }
      if (f >= 2 && f == repeat) {
        screen.readWithKept(last, previous, k * size);
      } else {
        // One frame, or the game ended before the frame before last was kept: both are the last.
        screen.read(last, k * size);
        System.arraycopy(last, k * size, previous, k * size, size);
      }
      rewards[k] = reward;
      over[k] = gameOver;
      emulated[k] = f;
    }
    return new FrameStep(rewards, over, emulated, last, previous);
  }

  @Override
  public byte[] screens(int[] envIds) {
    begin("screens");
    try {
      int size = height * width;
      byte[] out = new byte[envIds.length * size];
      for (int k = 0; k < envIds.length; k++) {
        screens[envIds[k]].read(out, k * size);
      }
      return out;
    } finally {
      end();
    }
  }

  @Override
  public int[] lives(int[] envIds) {
    begin("lives");
    try {
      int[] out = new int[envIds.length];
      for (int k = 0; k < envIds.length; k++) {
        out[k] = ales[envIds[k]].lives();
      }
      return out;
    } finally {
      end();
    }
  }

  /** Runs {@code task} on the emulator thread until it has used the timeout's CPU time. */
  private <T> T call(Callable<T> task, String what) {
    ensureUsable();
    Thread idle = workerThread; // null before the first task: a new thread starts at 0 ns
    long started = !CPU_CLOCK ? System.nanoTime() : idle == null ? 0 : clock(idle.getId());
    Future<T> future = worker.submit(task);
    long slice = Math.max(1, Math.min(1000, timeout.toMillis() / 4));
    try {
      while (true) {
        try {
          return future.get(slice, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (clock(workerThread.getId()) - started > timeout.toNanos()) {
            brokenReason = timeoutMessage(what);
            broken = true;
            throw new IllegalStateException(brokenReason);
          }
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("ALE failed during '" + what + "': " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ALE was running '" + what + "'", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.shutdownNow();
    if (broken) {
      // The emulator thread is stuck in native code; freeing its memory would crash the JVM.
      worker.shutdownNow();
      return;
    }
    worker.shutdown();
    try {
      worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = 0; i < ales.length; i++) {
      if (ales[i] != null) {
        ales[i].close();
      }
    }
  }
}

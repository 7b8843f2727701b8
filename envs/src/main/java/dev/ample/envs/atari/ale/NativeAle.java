// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.atari.AtariEmulators;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The native ALE backend: ALE 0.7.3 inside the JVM through {@code org.bytedeco:ale}, which is
 * GPL-2.0. A build with {@code -Dample.nativeAle=false} leaves that jar and the classes that use
 * it out (README "Licence"), so everything else reaches the backend only through this interface,
 * and {@link #find()} is empty in such a build.
 */
public interface NativeAle {
  /** The answer to the {@code ale} backend (and {@code auto} for an ALE game) in such a build. */
  String NOT_IN_THIS_BUILD =
      "env.backend = ale (and auto for an ALE game) needs native ALE, which this build of ample"
          + " leaves out (built with -Dample.nativeAle=false); set env.backend = gymnasium to run"
          + " the game through ale-py in a Python worker, or rebuild without"
          + " -Dample.nativeAle=false";

  /**
   * Finds and checks the ROM of {@code game} as {@code config} says ({@code env.rom-dir}, {@code
   * env.allow-unverified-rom}; see {@link RomResolver}) and loads {@code config.numEnvs()}
   * emulators of it.
   *
   * @throws IllegalArgumentException one line: what is wrong with the ROM and how to fix it
   */
  AtariEmulators openEmulators(String game, EnvConfig config);

  /**
   * The ROM of {@code game}, refused unless its MD5 is one ALE knows.
   *
   * @param romDir {@code env.rom-dir}, or null to look in {@code ALE_ROM_DIR} and ale_py
   * @throws IllegalArgumentException one line: what is wrong and how to fix it
   */
  Path verifiedRom(String game, Path romDir);

  /**
   * One bare emulator playing {@code rom} with random actions, the reference {@code ample bench
   * envs} measures the preprocessing stack against (see {@link RawAleLoop}).
   */
  RawLoop openRawLoop(Path rom, long seed);

  /** A bare emulator loop on the calling thread; not thread safe. */
  interface RawLoop extends AutoCloseable {
    /**
     * Plays 4 frames at a time, fetching the grayscale screen after each 4, at least once and
     * until {@link System#nanoTime()} reaches {@code untilNanos}; returns the frames played.
     */
    long playUntil(long untilNanos);

    @Override
    void close();
  }

  /** The backend, or empty in a build without native ALE. */
  static Optional<NativeAle> find() {
    // By name, not by type: the implementation is not compiled in a build without native ALE.
    String implementation = "dev.ample.envs.atari.ale.JavaCppAle";
    try {
      return Optional.of(
          (NativeAle) Class.forName(implementation).getDeclaredConstructor().newInstance());
    } catch (ClassNotFoundException absent) {
      return Optional.empty();
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      throw new IllegalStateException("cannot start " + implementation + ": " + cause, cause);
    }
  }

  /**
   * The backend.
   *
   * @throws IllegalArgumentException {@link #NOT_IN_THIS_BUILD} in a build without native ALE
   */
  static NativeAle require() {
    return find().orElseThrow(() -> new IllegalArgumentException(NOT_IN_THIS_BUILD));
  }
}

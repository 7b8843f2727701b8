// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.atari.AtariEmulators;
import java.nio.file.Path;

/**
 * {@link NativeAle} through the JavaCPP preset ({@code org.bytedeco:ale}); {@link NativeAle#find()}
 * loads it by name. Not compiled in a build with {@code -Dample.nativeAle=false}.
 */
public final class JavaCppAle implements NativeAle {
  /** Called by {@link NativeAle#find()}. */
  public JavaCppAle() {}

  @Override
  public AtariEmulators openEmulators(String game, EnvConfig config) {
    RomResolver.Rom rom = RomResolver.resolve(game, config.romDir());
    if (!config.allowUnverifiedRom()) {
      RomResolver.requireVerified(rom);
    }
    return new AleEmulators(rom, config.numEnvs(), config.atari());
  }

  @Override
  public Path verifiedRom(String game, Path romDir) {
    RomResolver.Rom rom = RomResolver.resolve(game, romDir);
    RomResolver.requireVerified(rom);
    return rom.path();
  }

  @Override
  public RawLoop openRawLoop(Path rom, long seed) {
    return new RawAleLoop(rom, seed);
  }
}

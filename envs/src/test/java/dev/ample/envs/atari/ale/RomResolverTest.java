// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ROM errors are one line naming the cause and the fix, never an exiting JVM. */
class RomResolverTest {
  @TempDir Path dir;

  @Test
  void missingRomSaysWhereItLookedAndWhereToGetRoms() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RomResolver.resolve("pong", dir));
    assertTrue(e.getMessage().contains("no ROM for 'pong'"), e.getMessage());
    assertTrue(e.getMessage().contains("env.rom-dir=" + dir), e.getMessage());
    assertTrue(e.getMessage().contains("ALE_ROM_DIR"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
    e = assertThrows(
        IllegalArgumentException.class, () -> RomResolver.resolve("pong", null, null, false));
    assertTrue(e.getMessage().contains("no ROM directory is set"), e.getMessage());
  }

  @Test
  void romDirFromTheEnvironmentVariable() throws Exception {
    TestCartridge.write(dir, "pong.bin", TestCartridge.image());
    RomResolver.Rom rom = RomResolver.resolve("pong", null, dir.toString(), false);
    assertEquals(dir.resolve("pong.bin"), rom.path());
  }

  @Test
  void unsupportedFileNameIsRejectedBeforeAleCouldExit() throws Exception {
    Path p = TestCartridge.write(dir, "mygame.bin", TestCartridge.image());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RomResolver.validate(p, "mygame"));
    assertTrue(e.getMessage().contains("not supported by ALE"), e.getMessage());
  }

  @Test
  void tooSmallOrEmptyFileIsNotACartridge() throws Exception {
    Path p = dir.resolve("pong.bin");
    Files.write(p, new byte[100]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RomResolver.validate(p, "pong"));
    assertTrue(e.getMessage().contains("not an Atari 2600 cartridge image"), e.getMessage());
  }

  @Test
  void romNamedForAnotherGame() throws Exception {
    Path p = TestCartridge.write(dir, "breakout.bin", TestCartridge.image());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RomResolver.validate(p, "pong"));
    assertTrue(e.getMessage().contains("use pong.bin"), e.getMessage());
  }

  @Test
  void unknownMd5ReportsNoGame() throws Exception {
    Path p = TestCartridge.write(dir, "pong.bin", TestCartridge.image());
    assertTrue(RomResolver.supportedGameByMd5(p).isEmpty());
  }

  @Test
  void gymnasiumStyleIdsMapToRomNames() {
    assertEquals("pong", AleGames.romName("PongNoFrameskip-v4"));
    assertEquals("pong", AleGames.romName("ALE/Pong-v5"));
    assertEquals("space_invaders", AleGames.romName("SpaceInvaders"));
    assertEquals("ms_pacman", AleGames.romName("ms_pacman"));
    assertEquals(104, AleGames.supported().size());
  }
}

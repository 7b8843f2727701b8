// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ale.ALEInterface;

/**
 * Finds a game's ROM file and checks it before ALE sees it: ALE 0.7.3 calls {@code exit(1)} on a
 * ROM it does not support, which would end the JVM.
 *
 * <p>Lookup order: the configured directory ({@code env.rom-dir}) when set, else the {@code
 * ALE_ROM_DIR} environment variable, else the {@code roms} folder of an installed Python {@code
 * ale_py}. The file is {@code <game>.bin}. ROMs are never shipped with ample (copyright).
 */
public final class RomResolver {
  /** Environment variable naming a ROM directory. */
  public static final String ROM_DIR_VARIABLE = "ALE_ROM_DIR";

  private static final String HOW_TO_GET =
      "ROMs are not shipped with ample: copy <game>.bin from an ale-py installation's roms folder"
          + " (pip install ale-py, or AutoROM) and set env.rom-dir or ALE_ROM_DIR";

  private RomResolver() {}

  /** Where a ROM was found, and how it was validated. */
  public record Rom(Path path, String game, boolean md5Verified) {}

  /**
   * Resolves and validates the ROM of {@code game} (an ALE ROM name such as {@code pong}).
   *
   * @param configuredDir {@code env.rom-dir}, or null to look in {@code ALE_ROM_DIR} and ale_py
   * @throws IllegalArgumentException one line: what is wrong and how to fix it
   */
  public static Rom resolve(String game, Path configuredDir) {
    return resolve(game, configuredDir, System.getenv(ROM_DIR_VARIABLE), true);
  }

  static Rom resolve(String game, Path configuredDir, String envDir, boolean askPython) {
    List<String> searched = new ArrayList<>();
    for (Path dir : candidateDirs(configuredDir, envDir, askPython, searched)) {
      Path rom = dir.resolve(game + ".bin");
      if (Files.isRegularFile(rom)) {
        return validate(rom, game);
      }
    }
    String where = searched.isEmpty() ? "no ROM directory is set" : "searched " + searched;
    throw new IllegalArgumentException(
        "no ROM for '" + game + "' (" + game + ".bin; " + where + "); " + HOW_TO_GET);
  }

  private static List<Path> candidateDirs(
      Path configuredDir, String envDir, boolean askPython, List<String> searched) {
    List<Path> dirs = new ArrayList<>();
    if (configuredDir != null) {
      dirs.add(configuredDir);
      searched.add("env.rom-dir=" + configuredDir);
      return dirs;
    }
    if (envDir != null && !envDir.isBlank()) {
      dirs.add(Path.of(envDir));
      searched.add(ROM_DIR_VARIABLE + "=" + envDir);
    }
    if (askPython) {
      aleRomsFolder()
          .ifPresent(
              p -> {
                dirs.add(p);
                searched.add("ale_py roms folder " + p);
              });
    }
    return dirs;
  }

  /**
   * Checks that ALE can load {@code rom} as {@code game}: its MD5 is the one ALE knows for that
   * game, or (as ALE itself allows) its MD5 is unknown and the file is named after the game.
   *
   * @throws IllegalArgumentException one line: what is wrong and how to fix it
   */
  public static Rom validate(Path rom, String game) {
    if (!Files.isRegularFile(rom) || !Files.isReadable(rom)) {
      throw new IllegalArgumentException("ROM " + rom + " is not a readable file; " + HOW_TO_GET);
    }
    long size;
    try {
      size = Files.size(rom);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read ROM " + rom + ": " + e.getMessage());
    }
    if (size < 2048 || size > 1 << 20) {
      throw new IllegalArgumentException(
          "ROM " + rom + " has " + size + " bytes, not an Atari 2600 cartridge image (2 KB to 1 MB);"
              + " use the original " + game + ".bin");
    }
    Optional<String> byMd5 = supportedGameByMd5(rom);
    if (byMd5.isPresent()) {
      if (!byMd5.get().equals(game)) {
        throw new IllegalArgumentException(
            "ROM " + rom + " is the ROM of '" + byMd5.get() + "', not '" + game
                + "'; put the " + game + " ROM there or set env.id=" + byMd5.get());
      }
      return new Rom(rom, game, true);
    }
    String stem = stem(rom);
    if (!AleGames.isSupported(stem)) {
      throw new IllegalArgumentException(
          "ROM " + rom + " is not supported by ALE 0.7.3 (unknown MD5 and '" + stem
              + "' names no supported game); use an original ROM named <game>.bin, e.g. pong.bin");
    }
    if (!stem.equals(game)) {
      throw new IllegalArgumentException(
          "ROM " + rom + " is named for '" + stem + "', not '" + game + "'; use " + game + ".bin");
    }
    // ALE loads a ROM of unknown MD5 by its file name (with a warning); a file that is not a
    // working cartridge is caught by the emulator's watchdog.
    return new Rom(rom, game, false);
  }

  /**
   * Refuses a ROM that {@link #validate} accepted only by its file name: its MD5 is not one ALE
   * knows, so it may be another revision, modified or corrupt, and a bad cartridge can crash the
   * emulator (and the JVM with it) instead of failing cleanly.
   *
   * @throws IllegalArgumentException one line: what is wrong and the two ways out
   */
  public static void requireVerified(Rom rom) {
    if (!rom.md5Verified()) {
      throw new IllegalArgumentException(
          "ROM " + rom.path() + " (MD5 " + md5(rom.path()) + ") is not a ROM ALE 0.7.3 knows for '"
              + rom.game() + "' (another revision, a modified or a corrupt file, which can crash"
              + " the emulator); use the original ROM (e.g. from ale-py's roms folder), or set"
              + " env.allow-unverified-rom = true to load it by its file name anyway");
    }
  }

  private static String md5(Path file) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return "unreadable";
    }
  }

  /** ALE's game name for this file's MD5, if it has one. */
  static Optional<String> supportedGameByMd5(Path rom) {
    try {
      return Optional.of(ALEInterface.isSupportedROM(rom.toString()).get().getString());
    } catch (RuntimeException unsupported) {
      // The binding throws "bad optional access" for an unknown MD5.
      return Optional.empty();
    }
  }

  private static String stem(Path rom) {
    String name = rom.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(java.util.Locale.ROOT);
  }

  /** The {@code roms} folder of an installed Python {@code ale_py}, if Python and it are there. */
  static Optional<Path> aleRomsFolder() {
    String script =
        "import importlib.util, os\n"
            + "s = importlib.util.find_spec('ale_py')\n"
            + "print(os.path.join(os.path.dirname(s.origin), 'roms') if s and s.origin else '')\n";
    for (String python : new String[] {"python3", "python"}) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", script).redirectErrorStream(false).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          continue;
        }
        String out;
        try (InputStream in = p.getInputStream()) {
          out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        if (p.exitValue() == 0 && !out.isEmpty() && Files.isDirectory(Path.of(out))) {
          return Optional.of(Path.of(out));
        }
        return Optional.empty();
      } catch (IOException e) {
        // This python is not installed; try the next name.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}

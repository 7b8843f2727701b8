// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal Atari 2600 program, assembled by hand, so that the ALE binding can be tested end to end
 * without a copyrighted ROM. Each frame is 262 scanlines (3 VSYNC, 37 VBLANK, 192 visible, 30
 * overscan). The joystick drives it:
 *
 * <ul>
 *   <li>the background colour is {@code SWCHA >> 4} (hue 0, luminance from the P0 direction bits),
 *       so NOOP, RIGHT and LEFT give three different grays;
 *   <li>every frame with RIGHT held adds 1 to RAM $8E and with LEFT held adds 1 to RAM $8D. ALE's
 *       Pong reads those bytes as the player's and the computer's score, so a cartridge named
 *       {@code pong.bin} yields reward +1 per RIGHT frame, -1 per LEFT frame, and game over when
 *       either reaches 21.
 * </ul>
 */
final class TestCartridge {
  private TestCartridge() {}

  /** The 4 KB image, code at $F000, reset vector at $FFFC. */
  static byte[] image() {
    int[] code = {
      0x78, //             F000 SEI
      0xD8, //             F001 CLD
      0xA2, 0x00, //       F002 LDX #0
      0xA9, 0x00, //       F004 LDA #0
      0x95, 0x00, //       F006 clear: STA $00,X   (TIA registers and RAM)
      0xE8, //             F008 INX
      0xD0, 0xFB, //       F009 BNE clear
      0xCA, //             F00B DEX               (X = $FF)
      0x9A, //             F00C TXS
      0xA9, 0x02, //       F00D frame: LDA #2
      0x85, 0x00, //       F00F STA VSYNC          (VSYNC on)
      0x85, 0x02, //       F011 STA WSYNC x3
      0x85, 0x02, //       F013
      0x85, 0x02, //       F015
      0xA9, 0x00, //       F017 LDA #0
      0x85, 0x00, //       F019 STA VSYNC          (VSYNC off)
      0xA9, 0x02, //       F01B LDA #2
      0x85, 0x01, //       F01D STA VBLANK
      0xA2, 0x25, //       F01F LDX #37
      0x85, 0x02, //       F021 vblank: STA WSYNC
      0xCA, //             F023 DEX
      0xD0, 0xFB, //       F024 BNE vblank
      0xAD, 0x80, 0x02, // F026 LDA SWCHA          (bit 7 = 0: right, bit 6 = 0: left)
      0x30, 0x02, //       F029 BMI +2
      0xE6, 0x8E, //       F02B INC $8E            (player score)
      0x0A, //             F02D ASL A
      0x30, 0x02, //       F02E BMI +2
      0xE6, 0x8D, //       F030 INC $8D            (computer score)
      0xAD, 0x80, 0x02, // F032 LDA SWCHA
      0x4A, 0x4A, 0x4A, 0x4A, // F035 LSR A x4
      0x85, 0x09, //       F039 STA COLUBK
      0xA9, 0x00, //       F03B LDA #0
      0x85, 0x01, //       F03D STA VBLANK         (beam on)
      0xA2, 0xC0, //       F03F LDX #192
      0x85, 0x02, //       F041 visible: STA WSYNC
      0xCA, //             F043 DEX
      0xD0, 0xFB, //       F044 BNE visible
      0xA9, 0x02, //       F046 LDA #2
      0x85, 0x01, //       F048 STA VBLANK
      0xA2, 0x1E, //       F04A LDX #30
      0x85, 0x02, //       F04C overscan: STA WSYNC
      0xCA, //             F04E DEX
      0xD0, 0xFB, //       F04F BNE overscan
      0x4C, 0x0D, 0xF0, // F051 JMP frame
    };
    return withCode(code);
  }

  /**
   * A cartridge that paints each visible scanline a different colour, {@code 2 * (line + shift)},
   * so that every one of the 128 colours of the palette is on screen. Every frame with RIGHT held
   * adds 1 to {@code shift} (RAM $80), changing the colour of every line; other frames repeat the
   * last picture. It never scores.
   */
  static byte[] everyColour() {
    int[] code = {
      0x78, //             F000 SEI
      0xD8, //             F001 CLD
      0xA2, 0x00, //       F002 LDX #0
      0xA9, 0x00, //       F004 LDA #0
      0x95, 0x00, //       F006 clear: STA $00,X
      0xE8, //             F008 INX
      0xD0, 0xFB, //       F009 BNE clear
      0xCA, //             F00B DEX
      0x9A, //             F00C TXS
      0xA9, 0x02, //       F00D frame: LDA #2
      0x85, 0x00, //       F00F STA VSYNC
      0x85, 0x02, //       F011 STA WSYNC x3
      0x85, 0x02, //       F013
      0x85, 0x02, //       F015
      0xA9, 0x00, //       F017 LDA #0
      0x85, 0x00, //       F019 STA VSYNC
      0xA9, 0x02, //       F01B LDA #2
      0x85, 0x01, //       F01D STA VBLANK
      0xA2, 0x25, //       F01F LDX #37
      0x85, 0x02, //       F021 vblank: STA WSYNC
      0xCA, //             F023 DEX
      0xD0, 0xFB, //       F024 BNE vblank
      0xAD, 0x80, 0x02, // F026 LDA SWCHA          (bit 7 = 0: right)
      0x30, 0x02, //       F029 BMI +2
      0xE6, 0x80, //       F02B INC $80            (shift)
      0xA9, 0x00, //       F02D LDA #0
      0x85, 0x01, //       F02F STA VBLANK
      0xA2, 0xC0, //       F031 LDX #192
      0x85, 0x02, //       F033 visible: STA WSYNC
      0x8A, //             F035 TXA
      0x18, //             F036 CLC
      0x65, 0x80, //       F037 ADC $80
      0x0A, //             F039 ASL A
      0x85, 0x09, //       F03A STA COLUBK         (within the horizontal blank)
      0xCA, //             F03C DEX
      0xD0, 0xF4, //       F03D BNE visible
      0xA9, 0x02, //       F03F LDA #2
      0x85, 0x01, //       F041 STA VBLANK
      0xA2, 0x1E, //       F043 LDX #30
      0x85, 0x02, //       F045 overscan: STA WSYNC
      0xCA, //             F047 DEX
      0xD0, 0xFB, //       F048 BNE overscan
      0x4C, 0x0D, 0xF0, // F04A JMP frame
    };
    return withCode(code);
  }

  /** A cartridge that never signals VSYNC: an endless loop. ALE would spin forever on it. */
  static byte[] neverEndingFrame() {
    byte[] rom = new byte[4096];
    rom[0] = 0x4C; // F000 JMP $F000
    rom[1] = 0x00;
    rom[2] = (byte) 0xF0;
    for (int v = 0xFFA; v < 0x1000; v += 2) {
      rom[v] = 0x00;
      rom[v + 1] = (byte) 0xF0;
    }
    return rom;
  }

  /** A 4 KB image with {@code code} at $F000 and the reset vector pointing there. */
  private static byte[] withCode(int[] code) {
    byte[] rom = new byte[4096];
    for (int i = 0; i < code.length; i++) {
      rom[i] = (byte) code[i];
    }
    // NMI, RESET and IRQ/BRK vectors all point at $F000.
    for (int v = 0xFFA; v < 0x1000; v += 2) {
      rom[v] = 0x00;
      rom[v + 1] = (byte) 0xF0;
    }
    return rom;
  }

  /** Writes {@code image} as {@code dir/name}. */
  static Path write(Path dir, String name, byte[] image) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, image);
    return p;
  }
}

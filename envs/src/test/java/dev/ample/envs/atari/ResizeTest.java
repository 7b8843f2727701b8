// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResizeTest {

  @Test
  void methodsParseByNameInAnyCase() {
    assertEquals(Resize.Method.AREA, Resize.Method.parse("area"));
    assertEquals(Resize.Method.BILINEAR, Resize.Method.parse("Bilinear"));
    for (Resize.Method m : Resize.Method.values()) {
      assertEquals(m, Resize.Method.parse(m.toString()), "toString is the config spelling");
    }
    assertInstanceOf(AreaResize.class, Resize.Method.AREA.create(210, 160, 84, 84));
    assertInstanceOf(BilinearResize.class, Resize.Method.BILINEAR.create(210, 160, 84, 84));
  }

  @Test
  void unknownMethodNamesTheAllowedOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Resize.Method.parse("cubic"));
    assertTrue(e.getMessage().contains("'cubic'") && e.getMessage().contains("area")
        && e.getMessage().contains("bilinear") && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void presetsKeepAreaAndWithResizeChangesOnlyTheResize() {
    assertEquals(Resize.Method.AREA, AtariSettings.v4().resize());
    assertEquals(Resize.Method.AREA, AtariSettings.v5().resize());
    AtariSettings bilinear = AtariSettings.v4().withResize(Resize.Method.BILINEAR);
    assertEquals(Resize.Method.BILINEAR, bilinear.resize());
    assertEquals(AtariSettings.v4(), bilinear.withResize(Resize.Method.AREA));
    assertThrows(IllegalArgumentException.class, () -> AtariSettings.v4().withResize(null));
  }
}

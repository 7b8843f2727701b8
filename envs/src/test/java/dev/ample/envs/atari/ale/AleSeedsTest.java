// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values from numpy 2.4: {@code SeedSequence(s).pool} and {@code generate_state(2)[1]}. */
class AleSeedsTest {

  @Test
  void matchesNumpySeedSequence() {
    long[] seeds = {
      0, 1, 7, 42, 2147483647L, 4294967295L, 4294967296L, Long.MAX_VALUE, -1L,
      -7158294155637196799L, 123456789012345678L
    };
    long[] word1 = {
      3677149159L, 1731038949L, 3939563265L, 2669555309L, 74134439L, 705021410L, 1358922860L,
      129883343L, 2931597649L, 3873487569L, 1709635133L
    };
    for (int k = 0; k < seeds.length; k++) {
      assertEquals(
          (int) word1[k], AleSeeds.aleSeed(seeds[k]), "seed " + Long.toUnsignedString(seeds[k]));
    }
  }

  @Test
  void poolMatchesNumpy() {
    assertArrayEquals(
        new int[] {(int) 4265667335L, 1328953910, 1320288413, (int) 3365567143L}, AleSeeds.pool(0));
    assertArrayEquals(
        new int[] {643596732, (int) 2998959364L, 1237747502, 1606102069},
        AleSeeds.pool(-7158294155637196799L));
  }
}

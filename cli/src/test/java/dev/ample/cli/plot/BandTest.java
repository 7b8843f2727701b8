// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean ± std bands over runs, and placing optimizer steps on agent steps. */
class BandTest {

  @Test
  void meanAndSampleStdOverTheCommonRangeWithTheOthersInterpolated() {
    Series a = new Series(new double[] {0, 10, 20, 30}, new double[] {1, 2, 3, 4});
    Series b = new Series(new double[] {5, 15, 25}, new double[] {3, 4, 5});
    Band band = Band.of(List.of(a, b), false);
    // Common range 5..25; a has 2 points there (10, 20), b has 3 (its own x values).
    assertArrayEquals(new double[] {5, 15, 25}, band.x());
    // a at 5, 15, 25 = 1.5, 2.5, 3.5; b = 3, 4, 5: mean 2.25, 3.25, 4.25; std |3 - 1.5| / sqrt 2.
    assertArrayEquals(new double[] {2.25, 3.25, 4.25}, band.mean(), 1e-12);
    double sd = 1.5 / Math.sqrt(2);
    assertArrayEquals(new double[] {2.25 - sd, 3.25 - sd, 4.25 - sd}, band.lower(), 1e-12);
    assertArrayEquals(new double[] {2.25 + sd, 3.25 + sd, 4.25 + sd}, band.upper(), 1e-12);
    assertArrayEquals(new double[] {5, 15, 25, 25, 15, 5}, band.outlineX());
  }

  @Test
  void onALogAxisTheBandIsGeometric() {
    Series a = new Series(new double[] {0, 1}, new double[] {1, 10});
    Series b = new Series(new double[] {0, 1}, new double[] {100, 1000});
    Band band = Band.of(List.of(a, b), true);
    // log10 values 0 and 2 (then 1 and 3): mean 1 (2), sample std sqrt 2.
    assertArrayEquals(new double[] {10, 100}, band.mean(), 1e-9);
    assertEquals(Math.pow(10, 1 - Math.sqrt(2)), band.lower()[0], 1e-12);
    assertEquals(Math.pow(10, 2 + Math.sqrt(2)), band.upper()[1], 1e-9);
  }

  @Test
  void runsThatDoNotOverlapHaveNoBand() {
    assertNull(Band.of(List.of(new Series(new double[] {0, 1}, new double[] {0, 1}),
        new Series(new double[] {2, 3}, new double[] {0, 1})), false));
  }

  @Test
  void optimizerStepsAreSpreadEvenlyOverTheirIteration() {
    // Iteration 1: agent steps 0..1024, optimizer steps 1..12; iteration 2: to 2048, 13..24.
    IterationClock clock = new IterationClock(new long[] {0, 1024, 2048}, new long[] {0, 12, 24});
    assertEquals(1024.0 * 10 / 12, clock.agentStepsAt(10), 1e-9);
    assertEquals(1024, clock.agentStepsAt(12), 1e-9);
    assertEquals(1024 + 1024.0 / 12, clock.agentStepsAt(13), 1e-9);
    assertEquals(2048, clock.agentStepsAt(24), 1e-9);
    assertEquals(Double.NaN, clock.agentStepsAt(0));
    assertEquals(Double.NaN, clock.agentStepsAt(25));
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunDecayTest {

  @Test
  void freshRunFallsFromOneToZeroAtItsEnd() {
    RunDecay d = RunDecay.over(8);
    assertEquals(1.0, d.at(0));
    assertEquals(0.75, d.at(2));
    assertEquals(0.0, d.at(8));
    assertEquals(0.0, d.at(20));
    assertEquals(0.25, d.progress(2));
  }

  @Test
  void reschedulingToTheSameEndIsTheSameLine() {
    RunDecay d = RunDecay.over(1000);
    RunDecay again = d.rescheduled(300, 1000);
    for (long s = 300; s <= 1000; s += 7) {
      assertEquals(d.at(s), again.at(s), 1e-12);
    }
  }

  @Test
  void aLongerBudgetContinuesFromTheValueReachedWithoutAJump() {
    RunDecay d = RunDecay.over(100);
    RunDecay longer = d.rescheduled(60, 300); // 0.4 left, now spread over 240 more steps
    assertEquals(0.4, longer.at(60), 1e-12);
    assertEquals(0.2, longer.at(180), 1e-12);
    assertEquals(0.0, longer.at(300));
    RunDecay shorter = d.rescheduled(60, 50); // budget already passed: nothing left
    assertEquals(0.0, shorter.at(60));
  }

  @Test
  void linearScheduleFollowsTheRunDecay() {
    Schedule lr = Schedule.parse("linear", 2.5e-4, RunDecay.over(40));
    assertEquals(2.5e-4, lr.at(0));
    assertEquals(1.25e-4, lr.at(20), 1e-18);
    assertEquals(0.0, lr.at(40));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Optimizers.create("adam", Map.of("schedule", "linear")));
    assertTrue(e.getMessage().contains("linear:N"), e.getMessage());
    Optimizers.create("adam", Map.of("schedule", "linear"), RunDecay.over(10));
  }
}

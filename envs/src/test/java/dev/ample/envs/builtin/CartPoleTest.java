// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.StepResult;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CartPoleTest {

  @Test
  void oneStepFromRestMatchesTheEquationsWorkedByHand() {
    CartPole env = new CartPole();
    env.setState(0, 0, 0, 0);
    assertEquals(1f, env.step(1));
    // theta = 0: temp = F / M = 10 / 1.1; thetaAcc = -temp / (l (4/3 - m_p / M));
    // xAcc = temp - m_p l thetaAcc / M. Euler: positions move with the old velocities (0).
    double temp = 10.0 / 1.1;
    double thetaAcc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
    double xAcc = temp - 0.05 * thetaAcc / 1.1;
    double[] s = env.state();
    assertEquals(0.0, s[0], 0);
    assertEquals(0.02 * xAcc, s[1], 1e-15);
    assertEquals(0.0, s[2], 0);
    assertEquals(0.02 * thetaAcc, s[3], 1e-15);
    assertEquals(0.195122, s[1], 1e-6);
    assertEquals(-0.292683, s[3], 1e-6);
  }

  @Test
  void tiltedPoleAndMovingCart() {
    CartPole env = new CartPole();
    double th = 0.1;
    double td = 0.5;
    env.setState(0.3, -0.2, th, td);
    env.step(0);
    double temp = (-10.0 + 0.05 * td * td * Math.sin(th)) / 1.1;
    double thetaAcc =
        (9.8 * Math.sin(th) - Math.cos(th) * temp)
            / (0.5 * (4.0 / 3.0 - 0.1 * Math.cos(th) * Math.cos(th) / 1.1));
    double xAcc = temp - 0.05 * thetaAcc * Math.cos(th) / 1.1;
    double[] s = env.state();
    assertEquals(0.3 + 0.02 * -0.2, s[0], 1e-15);
    assertEquals(-0.2 + 0.02 * xAcc, s[1], 1e-15);
    assertEquals(th + 0.02 * td, s[2], 1e-15);
    assertEquals(td + 0.02 * thetaAcc, s[3], 1e-15);
    float[] obs = new float[4];
    env.writeObservation(obs, 0);
    assertEquals((float) s[3], obs[3]);
  }

  @Test
  void terminatesPastTwelveDegreesAndPaysTheTerminatingStep() {
    CartPole env = new CartPole();
    env.setState(0, 0, 12 * 2 * Math.PI / 360 - 1e-4, 1.0);
    assertEquals(1f, env.step(1));
    assertTrue(env.terminated());
    env.setState(2.39, 1.0, 0, 0);
    env.step(1);
    assertTrue(env.terminated(), "x > 2.4");
  }

  @Test
  void truncatesAt500Steps() {
    BuiltinVectorEnv venv = new BuiltinVectorEnv(1, CartPole::new);
    venv.reset(0);
    // Balance with a simple controller; CartPole-v1 ends by truncation after 500 steps.
    CartPole probe = new CartPole();
    StepResult r = null;
    float[] obs = venv.reset(0).observations().floats();
    for (int t = 1; t <= 500; t++) {
      int a = obs[2] + 0.5f * obs[3] > 0 ? 1 : 0;
      r = venv.step(new int[] {a});
      obs = r.observations().floats();
      if (t < 500) {
        assertFalse(r.done(0), "step " + t);
      }
    }
    assertTrue(r.truncated()[0]);
    assertEquals(500.0, r.episodeEnds()[0].rawReturn());
    assertEquals(500, r.episodeEnds()[0].length());
    assertEquals(2, probe.numActions());
  }

  @Test
  void resetIsUniformInPlusMinus005AndSeeded() {
    BuiltinVectorEnv a = new BuiltinVectorEnv(3, CartPole::new);
    BuiltinVectorEnv b = new BuiltinVectorEnv(3, CartPole::new);
    float[] x = a.reset(42).observations().floats();
    float[] y = b.reset(42).observations().floats();
    assertEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(y));
    for (float v : x) {
      assertTrue(Math.abs(v) <= 0.05f);
    }
    CartPole c = new CartPole();
    c.reset(new SplittableRandom(1));
    assertFalse(c.terminated());
  }
}

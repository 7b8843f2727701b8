// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import dev.ample.envs.ObservationSpace;
import java.util.SplittableRandom;

/**
 * Gymnasium's CartPole-v1: the same constants, explicit Euler integration, thresholds,
 * reward (1 per step, including the terminating one) and 500-step truncation. The state is kept in
 * double precision as Gymnasium does; the observation {@code (x, x_dot, theta, theta_dot)} is
 * float32. Action 0 pushes left, 1 pushes right.
 *
 * <p>Dynamics (Florian 2007, as in Gymnasium): {@code temp = (F + m_p l thetaDot^2 sin) / M},
 * {@code thetaAcc = (g sin - cos temp) / (l (4/3 - m_p cos^2 / M))}, {@code xAcc = temp - m_p l
 * thetaAcc cos / M}, then {@code x += tau xDot; xDot += tau xAcc; theta += tau thetaDot; thetaDot
 * += tau thetaAcc}.
 */
public final class CartPole implements BuiltinEnv {
  public static final double GRAVITY = 9.8;
  public static final double MASS_CART = 1.0;
  public static final double MASS_POLE = 0.1;
  public static final double TOTAL_MASS = MASS_CART + MASS_POLE;
  /** Half the pole's length. */
  public static final double LENGTH = 0.5;
  public static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  public static final double FORCE_MAG = 10.0;
  /** Seconds between state updates. */
  public static final double TAU = 0.02;
  /** 12 degrees in radians. */
  public static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
  public static final double X_THRESHOLD = 2.4;
  public static final int MAX_STEPS = 500;

  private static final ObservationSpace SPACE =
      new ObservationSpace(new int[] {4}, ObservationSpace.Dtype.FLOAT32);

  private double x;
  private double xDot;
  private double theta;
  private double thetaDot;
  private int steps;
  private boolean terminated;
  private boolean truncated;

  @Override
  public ObservationSpace observationSpace() {
    return SPACE;
  }

  @Override
  public int numActions() {
    return 2;
  }

  @Override
  public void reset(SplittableRandom rng) {
    setState(
        uniform(rng), uniform(rng), uniform(rng), uniform(rng));
  }

  /** Sets the state directly (tests, and starting from a known state). */
  public void setState(double x, double xDot, double theta, double thetaDot) {
    this.x = x;
    this.xDot = xDot;
    this.theta = theta;
    this.thetaDot = thetaDot;
    steps = 0;
    terminated = false;
    truncated = false;
  }

  private static double uniform(SplittableRandom rng) {
    return rng.nextDouble(-0.05, 0.05);
  }

  @Override
  public float step(int action) {
    double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sin - cos * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    steps++;
    terminated =
        x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    truncated = steps >= MAX_STEPS;
    return 1f;
  }

  @Override
  public boolean terminated() {
    return terminated;
  }

  @Override
  public boolean truncated() {
    return truncated;
  }

  /** The state {@code (x, xDot, theta, thetaDot)} in double precision. */
  public double[] state() {
    return new double[] {x, xDot, theta, thetaDot};
  }

  @Override
  public void writeObservation(float[] dst, int offset) {
    dst[offset] = (float) x;
    dst[offset + 1] = (float) xDot;
    dst[offset + 2] = (float) theta;
    dst[offset + 3] = (float) thetaDot;
  }
}

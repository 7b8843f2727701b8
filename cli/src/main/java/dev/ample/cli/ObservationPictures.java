// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.builtin.CartPole;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Gray pictures of what an env's agent sees, for recording episodes ({@code ./ample eval
 * --record}). Pixel observations (an Atari frame stack, Catch's grid) show their newest frame,
 * scaled up by a whole factor so that every observation pixel stays a sharp square; CartPole,
 * whose observation is its state, is drawn from that state with Gymnasium's geometry at half size.
 */
final class ObservationPictures {

  /** Pixel frames are scaled until their longer side is at least this many pixels. */
  private static final int MIN_SIDE = 240;

  private final EnvConfig env;

  private ObservationPictures(EnvConfig env) {
    this.env = env;
  }

  static ObservationPictures forEnv(EnvConfig env) {
    return new ObservationPictures(env);
  }

  /**
   * Time between pictures, in GIF units of 1/100 s: an Atari step is its frame skip at 60 frames
   * per second, a CartPole step its 0.02 s of simulated time; Catch, which has no clock, plays at
   * 5 steps per second so the ball can be followed.
   */
  int frameDelayCentiseconds() {
    if (isCatch()) {
      return 20;
    }
    if (isCartPole()) {
      return (int) Math.round(CartPole.TAU * 100);
    }
    return (int) Math.round(Envs.framesPerStep(env) * 100 / 60.0);
  }

  /** The picture of one env's observation. */
  BufferedImage draw(Observations obs) {
    ObservationSpace space = obs.space();
    int[] shape = space.shape();
    if (space.dtype() == ObservationSpace.Dtype.UINT8 && shape.length == 3) {
      return newestFrame(obs.bytes(), shape[0], shape[1], shape[2]);
    }
    if (isCartPole() && shape.length == 1 && shape[0] == 4) {
      return cartPole(obs.floats());
    }
    throw new IllegalArgumentException("--record cannot draw the observations of env " + env.id()
        + " (" + space + "); it draws pixel envs (Atari games, catch) and cartpole");
  }

  /** The last of {@code channels} frames (stacks are oldest first), nearest-neighbour scaled. */
  private static BufferedImage newestFrame(byte[] obs, int channels, int height, int width) {
    int scale = Math.max(1, (MIN_SIDE + Math.max(height, width) - 1) / Math.max(height, width));
    int w = width * scale;
    int h = height * scale;
    byte[] pixels = new byte[w * h];
    int newest = (channels - 1) * height * width;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        pixels[y * w + x] = obs[newest + (y / scale) * width + x / scale];
      }
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, w, h, pixels);
    return image;
  }

  /**
   * Cart and pole at {@code x} and {@code theta} of the state {@code (x, x_dot, theta,
   * theta_dot)}, laid out as Gymnasium's CartPole renderer lays them out on 600x400, halved.
   */
  private static BufferedImage cartPole(float[] state) {
    int width = 300;
    int height = 200;
    double scale = width / (2 * CartPole.X_THRESHOLD);
    double poleLength = scale * 2 * CartPole.LENGTH;
    double cartWidth = 25;
    double cartHeight = 15;
    double trackY = height - 50;
    double cartX = state[0] * scale + width / 2.0;
    double axleY = trackY - cartHeight / 4;
    double theta = state[2];
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.draw(new Line2D.Double(0, trackY, width, trackY));
      g.fill(new Rectangle2D.Double(cartX - cartWidth / 2, trackY - cartHeight / 2, cartWidth,
          cartHeight));
      g.setColor(new Color(202, 152, 101)); // Gymnasium's pole colour, drawn gray here
      g.setStroke(new BasicStroke(5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
      g.draw(new Line2D.Double(cartX, axleY, cartX + Math.sin(theta) * poleLength,
          axleY - Math.cos(theta) * poleLength));
      g.setColor(new Color(129, 132, 203));
      g.fill(new Ellipse2D.Double(cartX - 2.5, axleY - 2.5, 5, 5));
    } finally {
      g.dispose();
    }
    return image;
  }

  private boolean isCatch() {
    return env.id().toLowerCase(Locale.ROOT).equals("catch");
  }

  /** The built-in {@code cartpole} or Gymnasium's {@code CartPole-v0/v1}: the same state. */
  private boolean isCartPole() {
    return env.id().toLowerCase(Locale.ROOT).startsWith("cartpole");
  }
}

package dev.ample.envs.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AreaResizeTest {

  /** Area averaging straight from its definition, in double precision. */
  private static double[] reference(int[] src, int sh, int sw, int dh, int dw) {
    double sy = (double) sh / dh;
    double sx = (double) sw / dw;
    double[] out = new double[dh * dw];
    for (int i = 0; i < dh; i++) {
      for (int j = 0; j < dw; j++) {
        double sum = 0;
        for (int r = 0; r < sh; r++) {
          double oy = Math.max(0, Math.min((i + 1) * sy, r + 1) - Math.max(i * sy, r));
          if (oy == 0) {
            continue;
          }
          for (int c = 0; c < sw; c++) {
            double ox = Math.max(0, Math.min((j + 1) * sx, c + 1) - Math.max(j * sx, c));
            sum += oy * ox * src[r * sw + c];
          }
        }
        out[i * dw + j] = sum / (sy * sx);
      }
    }
    return out;
  }

  @Test
  void blockAveragesForAnIntegerFactor() {
    byte[] src = new byte[16];
    int[] values = {0, 4, 8, 12, 4, 8, 12, 16, 100, 100, 0, 0, 100, 101, 0, 1};
    for (int p = 0; p < 16; p++) {
      src[p] = (byte) values[p];
    }
    byte[] dst = new byte[4];
    new AreaResize(4, 4, 2, 2).resize(src, 0, dst, 0);
    // (0+4+4+8)/4 = 4, (8+12+12+16)/4 = 12, 401/4 = 100.25 -> 100, 1/4 -> 0
    assertArrayEquals(new byte[] {4, 12, 100, 0}, dst);
  }

  @Test
  void atariScreenTo84MatchesTheDefinitionWithinOneLevel() {
    Random rng = new Random(1);
    int[] src = new int[210 * 160];
    int[] other = new int[210 * 160];
    byte[] a = new byte[src.length];
    byte[] b = new byte[src.length];
    int[] maxed = new int[src.length];
    for (int p = 0; p < src.length; p++) {
      src[p] = rng.nextInt(256);
      other[p] = rng.nextInt(256);
      a[p] = (byte) src[p];
      b[p] = (byte) other[p];
      maxed[p] = Math.max(src[p], other[p]);
    }
    byte[] dst = new byte[84 * 84 + 3];
    new AreaResize(210, 160, 84, 84).maxThenResize(a, 0, b, 0, dst, 3);
    double[] want = reference(maxed, 210, 160, 84, 84);
    for (int q = 0; q < want.length; q++) {
      double diff = Math.abs((dst[3 + q] & 0xff) - want[q]);
      assertTrue(diff <= 1.0, "pixel " + q + ": " + (dst[3 + q] & 0xff) + " vs " + want[q]);
    }
  }

  @Test
  void constantImagesStayConstant() {
    for (int v : new int[] {0, 1, 127, 254, 255}) {
      byte[] src = new byte[210 * 160];
      java.util.Arrays.fill(src, (byte) v);
      byte[] dst = new byte[84 * 84];
      new AreaResize(210, 160, 84, 84).resize(src, 0, dst, 0);
      for (byte d : dst) {
        assertTrue((d & 0xff) == v, "constant " + v + " became " + (d & 0xff));
      }
    }
  }
}

// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

/**
 * The ALE {@code random_seed} that ale-py's {@code AtariEnv.reset(seed=s)} gives the emulator:
 * word 1 of {@code numpy.random.SeedSequence(s).generate_state(2)} (numpy's documented, stable
 * hash; word 0 seeds the env's numpy generator). Seeding the native emulators the same way makes
 * sticky actions (the v5 preset) draw the same numbers as in a Gymnasium worker: both run ALE's
 * {@code std::mt19937} seeded with this value.
 *
 * <p>A Java {@code long} seed is taken as unsigned 64-bit, as the Gymnasium worker reads it.
 */
public final class AleSeeds {
  private static final int INIT_A = 0x43b0d7e5;
  private static final int MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd;
  private static final int MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd;
  private static final int MIX_MULT_R = 0x4973f715;
  private static final int POOL_SIZE = 4;

  private AleSeeds() {}

  /** ALE's 32-bit random seed for a Gymnasium seed {@code seed} (as unsigned 64-bit). */
  public static int aleSeed(long seed) {
    return generateState(seed, 2)[1];
  }

  /** {@code SeedSequence(seed).generate_state(nWords)} as uint32 bit patterns. */
  static int[] generateState(long seed, int nWords) {
    int[] pool = pool(seed);
    int[] state = new int[nWords];
    int hashConst = INIT_B;
    for (int i = 0; i < nWords; i++) {
      int v = pool[i % POOL_SIZE];
      v ^= hashConst;
      hashConst *= MULT_B;
      v *= hashConst;
      v ^= v >>> 16;
      state[i] = v;
    }
    return state;
  }

  /** {@code SeedSequence(seed).pool}: numpy's {@code mix_entropy} of the seed's 32-bit words. */
  static int[] pool(long seed) {
    int high = (int) (seed >>> 32);
    int[] entropy = high == 0 ? new int[] {(int) seed} : new int[] {(int) seed, high};
    int[] mixer = new int[POOL_SIZE];
    int[] hashConst = {INIT_A};
    for (int i = 0; i < POOL_SIZE; i++) {
      mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
    }
    for (int src = 0; src < POOL_SIZE; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        if (src != dst) {
          mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
        }
      }
    }
    // Entropy beyond the pool size: never, for at most two words.
    return mixer;
  }

  private static int hashmix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    value ^= value >>> 16;
    return value;
  }

  private static int mix(int x, int y) {
    int result = MIX_MULT_L * x - MIX_MULT_R * y;
    result ^= result >>> 16;
    return result;
  }
}

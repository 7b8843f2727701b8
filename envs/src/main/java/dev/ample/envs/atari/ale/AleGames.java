// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names of the games ALE 0.7.3 supports, as its ROM files are named ({@code pong} for {@code
 * pong.bin}). ALE accepts a ROM whose MD5 it knows or whose file name is one of these.
 */
public final class AleGames {
  private static final Set<String> SUPPORTED =
      new TreeSet<>(
          Set.of(
              "adventure", "air_raid", "alien", "amidar", "assault", "asterix", "asteroids",
              "atlantis", "atlantis2", "backgammon", "bank_heist", "basic_math", "battle_zone",
              "beam_rider", "berzerk", "blackjack", "bowling", "boxing", "breakout", "carnival",
              "casino", "centipede", "chopper_command", "crazy_climber", "crossbow",
              "darkchambers", "defender", "demon_attack", "donkey_kong", "double_dunk",
              "earthworld", "elevator_action", "enduro", "entombed", "et", "fishing_derby",
              "flag_capture", "freeway", "frogger", "frostbite", "galaxian", "gopher", "gravitar",
              "hangman", "haunted_house", "hero", "human_cannonball", "ice_hockey", "jamesbond",
              "journey_escape", "kaboom", "kangaroo", "keystone_kapers", "king_kong", "klax",
              "koolaid", "krull", "kung_fu_master", "laser_gates", "lost_luggage", "mario_bros",
              "miniature_golf", "montezuma_revenge", "mr_do", "ms_pacman", "name_this_game",
              "othello", "pacman", "phoenix", "pitfall", "pitfall2", "pong", "pooyan",
              "private_eye", "qbert", "riverraid", "road_runner", "robotank", "seaquest",
              "sir_lancelot", "skiing", "solaris", "space_invaders", "space_war", "star_gunner",
              "superman", "surround", "tennis", "tetris", "tic_tac_toe_3d", "time_pilot",
              "trondead", "turmoil", "tutankham", "up_n_down", "venture", "video_checkers",
              "videochess", "videocube", "video_pinball", "wizard_of_wor", "word_zapper",
              "yars_revenge", "zaxxon"));

  private AleGames() {}

  /** Whether ALE 0.7.3 knows a game by this ROM name. */
  public static boolean isSupported(String name) {
    return SUPPORTED.contains(name);
  }

  /** All supported ROM names, sorted. */
  public static Set<String> supported() {
    return java.util.Collections.unmodifiableSet(SUPPORTED);
  }

  /**
   * The ROM name for an env id written ALE's way ({@code pong}, {@code space_invaders}) or
   * Gymnasium's way ({@code Pong}, {@code SpaceInvaders}, {@code PongNoFrameskip-v4}, {@code
   * ALE/Pong-v5}); returns the input lower-cased when it matches nothing.
   */
  public static String romName(String id) {
    String s = id.trim();
    if (s.regionMatches(true, 0, "ALE/", 0, 4)) {
      s = s.substring(4);
    }
    s = s.replaceAll("(?i)(NoFrameskip|Deterministic)?-v\\d+$", "");
    if (SUPPORTED.contains(s.toLowerCase(Locale.ROOT))) {
      return s.toLowerCase(Locale.ROOT);
    }
    String snake = s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    if (SUPPORTED.contains(snake)) {
      return snake;
    }
    String flat = s.toLowerCase(Locale.ROOT);
    for (String name : SUPPORTED) {
      if (name.replace("_", "").equals(flat)) {
        return name;
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }
}

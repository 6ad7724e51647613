package io.nightshift.run;

import java.util.Locale;

/** How the states' names are stored and shown: {@code SUCCEEDED} as {@code Succeeded}. */
final class Spelling {

  private Spelling() {}

  static String of(String constant) {
    return constant.charAt(0) + constant.substring(1).toLowerCase(Locale.ROOT);
  }
}

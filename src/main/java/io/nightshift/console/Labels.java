package io.nightshift.console;

import java.time.Duration;

/**
 * Short label text shared by the drawings: names cut to fit a box, and durations as people say
 * them.
 */
final class Labels {

  static final String ELLIPSIS = "…";

  private Labels() {}

  /**
   * The text, or its first {@code max - 1} characters and an ellipsis when it is longer than {@code
   * max}. Counts code points, so an emoji is never split in half.
   */
  static String cut(String text, int max) {
    if (text == null) {
      return "";
    }
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, Math.max(0, max - 1))) + ELLIPSIS;
  }

  /**
   * A duration in its two largest units: {@code 850ms}, {@code 2.5s}, {@code 45s}, {@code 1m 23s},
   * {@code 2h 5m}, {@code 3d 4h}; a zero second unit is left out ({@code 1m}). Negative durations,
   * which only clock skew produces, read {@code 0s}.
   */
  static String duration(Duration duration) {
    long millis = Math.max(0, duration.toMillis());
    if (millis == 0) {
      return "0s";
    }
    if (millis < 1_000) {
      return millis + "ms";
    }
    if (millis < 10_000 && millis % 1_000 >= 100) {
      return millis / 1_000 + "." + millis % 1_000 / 100 + "s";
    }
    long seconds = millis / 1_000;
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return pair(seconds / 60, "m", seconds % 60, "s");
    }
    if (seconds < 86_400) {
      return pair(seconds / 3_600, "h", seconds % 3_600 / 60, "m");
    }
    return pair(seconds / 86_400, "d", seconds % 86_400 / 3_600, "h");
  }

  private static String pair(long major, String majorUnit, long minor, String minorUnit) {
    return minor == 0 ? major + majorUnit : major + majorUnit + " " + minor + minorUnit;
  }
}

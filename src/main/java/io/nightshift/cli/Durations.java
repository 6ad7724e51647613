package io.nightshift.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as a user writes them ({@code 90s}, {@code 1h30m}) and as kubectl shows ages. */
final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}, a bare number of
   * seconds, or ISO-8601 ({@code PT1H}).
   *
   * @throws IllegalArgumentException with a sentence that says what is accepted
   */
  static Duration parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (value.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    if (value.startsWith("p")) {
      try {
        return positive(Duration.parse(value.toUpperCase(Locale.ROOT)), text);
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    Matcher matcher = PART.matcher(value);
    int at = 0;
    long millis = 0;
    while (matcher.find() && matcher.start() == at) {
      double amount = Double.parseDouble(matcher.group(1));
      long unit =
          switch (matcher.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
          };
      millis += Math.round(amount * unit);
      at = matcher.end();
    }
    if (at == 0 || at != value.length()) {
      throw invalid(text);
    }
    return positive(Duration.ofMillis(millis), text);
  }

  private static Duration positive(Duration duration, String text) {
    if (duration.isNegative()) {
      throw invalid(text);
    }
    return duration;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "\"" + text + "\" is not a duration: write e.g. 90s, 10m, 1h30m, 2d or 500ms");
  }

  /**
   * An age as kubectl prints it: {@code 45s}, {@code 5m30s}, {@code 2h}, {@code 2d3h}, {@code 3y}.
   * The same steps as Kubernetes' {@code duration.HumanDuration}.
   */
  static String human(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long d = (hours / 24) % 365;
      return d == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + d + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** Seconds with one decimal, as the result line and step transitions print them: {@code 12.3}. */
  static String seconds(Duration duration) {
    long tenths = Math.max(0, (duration.toMillis() + 50) / 100);
    return tenths / 10 + "." + tenths % 10;
  }

  /** A {@code ?wait=} value the server accepts ({@code 1 to 6 digits}, ms, s or m; ≤ 10m). */
  static String serverWait(Duration duration) {
    long millis = Math.max(1, Math.min(duration.toMillis(), Duration.ofMinutes(10).toMillis()));
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}

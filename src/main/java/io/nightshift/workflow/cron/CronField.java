package io.nightshift.workflow.cron;

import java.util.List;
import java.util.Locale;

/** The five fields of a Unix cron expression, in the order they are written. */
public enum CronField {
  MINUTE("minute", 0, 59, List.of()),
  HOUR("hour", 0, 23, List.of()),
  DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
  MONTH(
      "month",
      1,
      12,
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
  /** 0-6 is Sunday-Saturday; 7 is also accepted as Sunday and folded to 0. */
  DAY_OF_WEEK("day-of-week", 0, 6, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

  private final String label;
  private final int min;
  private final int max;
  private final List<String> names;

  CronField(String label, int min, int max, List<String> names) {
    this.label = label;
    this.min = min;
    this.max = max;
    this.names = names;
  }

  /** Human name used in error messages, e.g. {@code "day-of-month"}. */
  public String label() {
    return label;
  }

  /** Smallest value that fires. */
  public int min() {
    return min;
  }

  /**
   * Largest value that fires (6 for day-of-week, even though 7 is accepted as an alias of Sunday).
   */
  public int max() {
    return max;
  }

  /** Largest number accepted in an expression. */
  int maxAccepted() {
    return this == DAY_OF_WEEK ? 7 : max;
  }

  /** Folds accepted aliases onto the value that fires (day-of-week 7 becomes 0). */
  int canonical(int value) {
    return this == DAY_OF_WEEK && value == 7 ? 0 : value;
  }

  boolean isDayField() {
    return this == DAY_OF_MONTH || this == DAY_OF_WEEK;
  }

  boolean hasNames() {
    return !names.isEmpty();
  }

  /**
   * The number for a three-letter name (case-insensitive), or -1 when the token is not a name of
   * this field.
   */
  int valueOfName(String token) {
    int index = names.indexOf(token.toUpperCase(Locale.ROOT));
    return index < 0 ? -1 : index + min;
  }

  String nameRange() {
    return names.get(0) + "-" + names.get(names.size() - 1);
  }
}

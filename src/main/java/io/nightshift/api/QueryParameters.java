package io.nightshift.api;

import io.nightshift.workflow.Violation;
import java.util.ArrayList;
import java.util.List;

/** Query parameters read by hand, so that every bad one is reported together with the others. */
final class QueryParameters {

  private QueryParameters() {}

  static int intInRange(
      String name, String value, int defaultValue, int min, int max, List<Violation> violations) {
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    violations.add(
        new Violation(
            "?" + name,
            "must be an integer between " + min + " and " + max + ", not \"" + value + "\""));
    return defaultValue;
  }

  /** {@code true} or {@code false}; absent or empty is {@code false}. */
  static boolean bool(String name, String value, List<Violation> violations) {
    if (value == null || value.isEmpty() || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    violations.add(new Violation("?" + name, "must be true or false, not \"" + value + "\""));
    return false;
  }

  /**
   * A page asked for with {@code ?limit} and a numeric {@code ?cursor}.
   *
   * @param size how many items
   * @param before the cursor: items before it; null for the first page
   */
  record NumericPage(int size, Long before) {}

  /** Reads {@code ?limit} and a numeric {@code ?cursor}; a 400 naming both when both are bad. */
  static NumericPage numericPage(String limit, String cursor) {
    List<Violation> violations = new ArrayList<>();
    int size =
        intInRange(
            "limit", limit, ApiLimits.DEFAULT_PAGE_SIZE, 1, ApiLimits.MAX_PAGE_SIZE, violations);
    Long before = null;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        before = Long.parseLong(cursor);
      } catch (NumberFormatException e) {
        violations.add(new Violation("?cursor", "not a cursor this API returned as nextCursor"));
      }
    }
    check(violations);
    return new NumericPage(size, before);
  }

  static void check(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new BadRequestException(violations);
    }
  }
}

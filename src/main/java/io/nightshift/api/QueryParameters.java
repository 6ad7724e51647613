package io.nightshift.api;

import io.nightshift.workflow.Violation;
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

  /** A numeric {@code ?cursor} as this API hands them out in {@code nextCursor}; null if none. */
  static Long numericCursor(String cursor, List<Violation> violations) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      violations.add(new Violation("?cursor", "not a cursor this API returned as nextCursor"));
      return null;
    }
  }

  static void check(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new BadRequestException(violations);
    }
  }
}

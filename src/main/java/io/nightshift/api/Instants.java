package io.nightshift.api;

import io.nightshift.workflow.Violation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The instants the API reads ({@code ?from} of a schedule preview, a backfill's {@code /from} and
 * {@code /to}, a token's {@code /expiresAt}): RFC 3339, in the years 1970 to 9999. Anything else is
 * a violation naming the field, never an overflow further on.
 */
final class Instants {

  static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private static final int MAX_QUOTED = 64;

  private Instants() {}

  /**
   * The instant {@code value} names, or null with a violation at {@code path} when it is missing
   * (and {@code required}), not RFC 3339, or outside the years 1970 to 9999.
   */
  static Instant parse(String path, String value, boolean required, List<Violation> violations) {
    if (value == null) {
      if (required) {
        violations.add(new Violation(path, "required: an RFC 3339 instant"));
      }
      return null;
    }
    try {
      Instant instant = Instant.parse(value);
      if (!instant.isBefore(MIN) && !instant.isAfter(MAX)) {
        return instant;
      }
      violations.add(
          new Violation(
              path,
              "\""
                  + quoted(value)
                  + "\" is out of range: an instant in the years 1970 to 9999, e.g."
                  + " 2026-11-23T02:00:00Z"));
    } catch (DateTimeParseException e) {
      violations.add(
          new Violation(
              path,
              "\"" + quoted(value) + "\" is not an RFC 3339 instant, e.g. 2026-11-23T02:00:00Z"));
    }
    return null;
  }

  private static String quoted(String value) {
    return value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "…" : value;
  }
}

package io.nightshift.workflow.cron;

/**
 * Parses the text of one cron field into a bit set of allowed values.
 *
 * <p>Grammar per comma-separated item: {@code *}, {@code ?} (day fields only), a value, a range
 * {@code a-b}, each optionally followed by {@code /step}. A lone value with a step ({@code a/n})
 * runs to the field maximum.
 */
final class CronFieldParser {

  /** Allowed values as bits ({@code 1L << value}) and whether the field counts as unrestricted. */
  record ParsedField(long bits, boolean unrestricted) {}

  private final CronField field;

  private CronFieldParser(CronField field) {
    this.field = field;
  }

  static ParsedField parse(CronField field, String text) {
    return new CronFieldParser(field).parse(text);
  }

  private ParsedField parse(String text) {
    long bits = 0;
    boolean unrestricted = false;
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        throw error("empty list item in \"" + text + "\"");
      }
      ParsedField parsed = parseItem(item);
      bits |= parsed.bits();
      unrestricted |= parsed.unrestricted();
    }
    return new ParsedField(bits, unrestricted);
  }

  private ParsedField parseItem(String item) {
    String[] rangeAndStep = item.split("/", -1);
    if (rangeAndStep.length > 2) {
      throw error("\"" + item + "\" has more than one step");
    }
    String range = rangeAndStep[0];
    boolean stepped = rangeAndStep.length == 2;
    int step = stepped ? parseStep(rangeAndStep[1], item) : 1;
    boolean wildcard = isWildcard(range);
    long bits =
        wildcard ? bits(field.min(), field.max(), step) : parseRange(range, item, stepped, step);
    // Like robfig/cron, only an unstepped (or step 1) wildcard makes the field "star"; this matters
    // for
    // the day-of-month/day-of-week OR rule, where "*/2" still counts as a restriction.
    return new ParsedField(bits, wildcard && step == 1);
  }

  private long parseRange(String range, String item, boolean stepped, int step) {
    String[] bounds = range.split("-", -1);
    if (bounds.length > 2) {
      throw error("\"" + item + "\" is not a valid range");
    }
    int start = parseValue(bounds[0], item);
    int end;
    if (bounds.length == 2) {
      end = parseValue(bounds[1], item);
    } else {
      // "a/n" means "a-max/n"; max(...) keeps "7/n" (Sunday) in day-of-week meaningful.
      end = stepped ? Math.max(start, field.max()) : start;
    }
    if (start > end) {
      throw error("range " + range + " starts after it ends (" + start + " > " + end + ")");
    }
    return bits(start, end, step);
  }

  private long bits(int start, int end, int step) {
    long bits = 0;
    for (long value = start; value <= end; value += step) {
      bits |= 1L << field.canonical((int) value);
    }
    return bits;
  }

  private boolean isWildcard(String range) {
    if (range.equals("*")) {
      return true;
    }
    if (range.equals("?")) {
      if (!field.isDayField()) {
        throw error("\"?\" is only allowed in the day-of-month and day-of-week fields");
      }
      return true;
    }
    if (range.contains("*") || range.contains("?")) {
      throw error("\"" + range + "\": a wildcard must stand alone or be followed by a step");
    }
    return false;
  }

  private int parseStep(String text, String item) {
    if (!isDigits(text)) {
      throw error("step \"" + text + "\" in \"" + item + "\" is not a number");
    }
    int step = parseDigits(text);
    if (step == 0) {
      throw error("step in \"" + item + "\" must be at least 1");
    }
    return step;
  }

  private int parseValue(String token, String item) {
    if (token.isEmpty()) {
      throw error("\"" + item + "\" is missing a value");
    }
    if (!isDigits(token)) {
      int named = field.valueOfName(token);
      if (named < 0) {
        throw error(describeBadToken(token));
      }
      return named;
    }
    int value = parseDigits(token);
    if (value > field.maxAccepted()) {
      throw error(token + " is above the maximum " + field.maxAccepted());
    }
    if (value < field.min()) {
      throw error(token + " is below the minimum " + field.min());
    }
    return value;
  }

  private String describeBadToken(String token) {
    String what =
        field.hasNames()
            ? "a number or a "
                + (field == CronField.MONTH ? "month" : "day")
                + " name ("
                + field.nameRange()
                + ")"
            : "a number";
    return "\"" + token + "\" is not " + what;
  }

  private static boolean isDigits(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses ASCII digits, saturating at Integer.MAX_VALUE so huge numbers fail the range check
   * instead.
   */
  private static int parseDigits(String digits) {
    long value = 0;
    for (int i = 0; i < digits.length() && value <= Integer.MAX_VALUE; i++) {
      value = value * 10 + (digits.charAt(i) - '0');
    }
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  private CronSyntaxException error(String problem) {
    return new CronSyntaxException(field.label() + " field: " + problem);
  }
}

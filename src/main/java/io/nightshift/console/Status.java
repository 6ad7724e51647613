package io.nightshift.console;

import java.util.Locale;

/**
 * How a step or run status looks in the console: a glyph and a word, never colour alone, so it
 * reads without colour vision and in a screen reader; and the CSS class that colours it.
 *
 * <p>Statuses are the API spellings of {@code io.nightshift.run.StepStatus} and {@code RunStatus}
 * ({@code Succeeded}, …), matched without regard to case. An unknown status keeps its own word
 * behind a {@code ?} and gets {@code status-unknown}, so a CSS class is never built from user text.
 */
public final class Status {

  private enum Look {
    PENDING("…"),
    RUNNING("⟳"),
    SUCCEEDED("✓"),
    FAILED("✗"),
    SKIPPED("⊘"),
    CANCELLED("■"),
    MISSED("⌛");

    private final String glyph;

    Look(String glyph) {
      this.glyph = glyph;
    }

    String word() {
      return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    static Look of(String status) {
      if (status == null) {
        return null;
      }
      String upper = status.trim().toUpperCase(Locale.ROOT);
      for (Look look : values()) {
        if (look.name().equals(upper)) {
          return look;
        }
      }
      return null;
    }
  }

  private static final String UNKNOWN_GLYPH = "?";

  private Status() {}

  /** The glyph alone: {@code ✓} for {@code Succeeded}, {@code ?} for a status it does not know. */
  public static String glyph(String status) {
    Look look = Look.of(status);
    return look == null ? UNKNOWN_GLYPH : look.glyph;
  }

  /**
   * The word as the API spells it ({@code Succeeded}), or the status as given when unknown ({@code
   * Unknown} when null or blank). Plain text: escape it before putting it in markup.
   */
  public static String word(String status) {
    Look look = Look.of(status);
    if (look != null) {
      return look.word();
    }
    return status == null || status.isBlank() ? "Unknown" : status;
  }

  /**
   * Glyph and word, as the console shows a status: {@code ✓ Succeeded}, {@code ✗ Failed}, {@code ⟳
   * Running}, {@code … Pending}, {@code ⊘ Skipped}, {@code ■ Cancelled}, {@code ⌛ Missed}. Plain
   * text.
   */
  public static String icon(String status) {
    return glyph(status) + " " + word(status);
  }

  /** The CSS class that colours the status: {@code status-succeeded}, or {@code status-unknown}. */
  public static String cssClass(String status) {
    Look look = Look.of(status);
    return "status-" + (look == null ? "unknown" : look.name().toLowerCase(Locale.ROOT));
  }
}

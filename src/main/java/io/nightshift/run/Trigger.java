package io.nightshift.run;

import java.util.Locale;

/** What started a run. Stored, and shown by the API, in lower case: {@code schedule}. */
public enum Trigger {
  /** A fire of the workflow's schedule. */
  SCHEDULE,
  /** Run now, through the API. */
  MANUAL,
  /** One of a backfill's scheduled times. */
  BACKFILL;

  /** As stored and shown: {@code schedule}. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The trigger spelled {@code spelling}, as stored. */
  public static Trigger of(String spelling) {
    return valueOf(spelling.toUpperCase(Locale.ROOT));
  }
}

package io.nightshift.workflow;

import java.util.Locale;
import java.util.regex.Pattern;

/** How workflow parameters become environment variables. */
public final class Parameters {

  /** The prefix of the variables Nightshift injects itself; no user variable may take it. */
  public static final String RESERVED_ENV_PREFIX = "NIGHTSHIFT_";

  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private static final Pattern WORD_BOUNDARY = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

  private Parameters() {}

  /** {@code retentionDays} → {@code RETENTION_DAYS}; {@code batch_size} → {@code BATCH_SIZE}. */
  public static String envName(String parameter) {
    return WORD_BOUNDARY.matcher(parameter).replaceAll("_").toUpperCase(Locale.ROOT);
  }
}

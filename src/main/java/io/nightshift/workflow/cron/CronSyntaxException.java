package io.nightshift.workflow.cron;

/**
 * Thrown when a cron expression cannot be parsed. The message is a complete sentence that names the
 * offending field, e.g. {@code "minute field: 61 is above the maximum 59"}.
 */
public final class CronSyntaxException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public CronSyntaxException(String message) {
    super(message);
  }
}

package io.nightshift.cli;

import java.util.Optional;

/**
 * The exit codes of {@code nightshift}, so that a scheduler running it tells a business failure
 * (the run failed) from an infrastructure one (the API could not be asked). The table is printed in
 * the top-level help.
 */
final class Exit {

  /** The run succeeded, or a command that is not about a run's outcome did what it was asked. */
  static final int OK = 0;

  /** The run failed. */
  static final int FAILED = 1;

  /** A usage error or invalid input: a 4xx answer other than 401, 403, 429 and a run's 404. */
  static final int USAGE = 2;

  /** The run was cancelled. */
  static final int CANCELLED = 3;

  /** {@code --timeout} ran out while waiting. */
  static final int TIMEOUT = 4;

  /** The run was not started: Skipped by the concurrency policy, or Missed. */
  static final int NOT_STARTED = 5;

  /**
   * The API could not be reached, refused the token (401, 403), answered 5xx or 429 after retries,
   * or no longer knows a run it was asked about (404).
   */
  static final int UNAVAILABLE = 10;

  private Exit() {}

  /** The exit code of a run that has ended with {@code status}; empty while it may still change. */
  static Optional<Integer> ofRun(String status) {
    if (status == null) {
      return Optional.empty();
    }
    return switch (status) {
      case "Succeeded" -> Optional.of(OK);
      case "Failed" -> Optional.of(FAILED);
      case "Cancelled" -> Optional.of(CANCELLED);
      case "Skipped", "Missed" -> Optional.of(NOT_STARTED);
      default -> Optional.empty();
    };
  }

  /**
   * The exit code of an HTTP error answer. {@code aboutRun}: the request named a run by its id, so
   * a 404 means the run is gone (deleted with its workflow, or by the history limits) and its end
   * cannot be told: not the caller's mistake, an infrastructure answer.
   */
  static int ofHttp(int status, boolean aboutRun) {
    // 429 only reaches here after the retries: the server stayed too busy to wait for anyone
    if (status == 401 || status == 403 || status == 429) {
      return UNAVAILABLE;
    }
    if (status == 404 && aboutRun) {
      return UNAVAILABLE;
    }
    if (status >= 400 && status < 500) {
      return USAGE;
    }
    if (status >= 500) {
      return UNAVAILABLE;
    }
    return OK;
  }

  /** 128 plus the number of the signal, as a shell reports a process killed by it. */
  static int ofSignal(int number) {
    return 128 + number;
  }
}

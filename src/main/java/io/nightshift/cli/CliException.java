package io.nightshift.cli;

/** A command that cannot go on: its message goes to stderr as {@code error: …}, then it exits. */
class CliException extends RuntimeException {

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  /** What to print on stderr, each line as it is. */
  String describe() {
    return "error: " + getMessage();
  }
}

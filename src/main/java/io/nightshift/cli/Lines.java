package io.nightshift.cli;

import java.io.PrintStream;

/**
 * Whole lines to stdout and stderr from several threads (followed logs, step transitions, a signal
 * handler), never interleaved within a line. Once {@link #close} is called by whoever ends the
 * process, nothing else is printed.
 */
final class Lines {

  private final PrintStream out;
  private final PrintStream err;
  private boolean closed;

  Lines(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  synchronized void out(String line) {
    if (!closed) {
      out.println(line);
      out.flush();
    }
  }

  synchronized void err(String line) {
    if (!closed) {
      err.println(line);
      err.flush();
    }
  }

  /** Prints a last stdout line, if any, and lets nothing more through; false if already closed. */
  synchronized boolean close(String lastLine) {
    if (closed) {
      return false;
    }
    if (lastLine != null) {
      out.println(lastLine);
    }
    out.flush();
    err.flush();
    closed = true;
    return true;
  }
}

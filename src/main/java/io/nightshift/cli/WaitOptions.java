package io.nightshift.cli;

import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options of the commands that wait for a run: run, retry, backfill. */
final class WaitOptions {

  @Option(names = "--wait", description = "Wait for the run to end; exit with its code.")
  boolean wait;

  @Option(
      names = "--follow",
      description = "Stream each step's log to stdout as it runs, lines prefixed [step] (waits).")
  boolean follow;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = NightshiftCli.DurationConverter.class,
      description = "Wait at most this long (e.g. 30m, 2h), then exit 4 (waits).")
  Duration timeout;

  @Option(
      names = "--cancel-on-timeout",
      description = "Cancel the run when --timeout runs out (else it goes on).")
  boolean cancelOnTimeout;

  @Option(
      names = "--no-cancel-on-signal",
      description = "On SIGTERM or SIGINT, leave the run going (else it is cancelled).")
  boolean noCancelOnSignal;

  @Option(
      names = "--poll-interval",
      hidden = true,
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = NightshiftCli.DurationConverter.class,
      description = "How often step transitions are read while waiting (the end is seen at once).")
  Duration pollInterval;

  boolean waits() {
    return wait || follow || timeout != null;
  }

  RunWatcher.Options watcherOptions(Duration timeoutLeft) {
    return new RunWatcher.Options(
        true,
        follow,
        true,
        timeoutLeft,
        cancelOnTimeout,
        !noCancelOnSignal,
        pollInterval,
        Set.of(),
        true);
  }
}

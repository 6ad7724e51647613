package io.nightshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Streams one step's log, each line once and in order, through broken connections: it asks for
 * {@code ?follow=true}, counts the complete lines it has printed, and on each new connection skips
 * that many before printing again. A connection that ends while the step still runs (a dropped
 * stream, a server that does not follow) is opened again; the last read is one that began after the
 * step had ended, so nothing written at its end is lost. A last line without a newline is printed
 * only then.
 */
final class LogFollower implements Runnable {

  private static final Duration REOPEN = Duration.ofSeconds(1);
  private static final Duration QUICK_CLOSE = Duration.ofSeconds(5);

  private final ApiClient api;
  private final String runId;
  private final String step;
  private final String prefix;
  private final Lines lines;
  private final BooleanSupplier stepEnded;
  private final BooleanSupplier stopped;
  private long delivered;

  /**
   * @param stepEnded whether the step has ended, as last read: true only when it truly had ended by
   *     then
   * @param stopped whether to give up at once (the run timed out, the process ends)
   */
  LogFollower(
      ApiClient api,
      String runId,
      String step,
      String prefix,
      Lines lines,
      BooleanSupplier stepEnded,
      BooleanSupplier stopped) {
    this.api = api;
    this.runId = runId;
    this.step = step;
    this.prefix = prefix;
    this.lines = lines;
    this.stepEnded = stepEnded;
    this.stopped = stopped;
  }

  @Override
  public void run() {
    String path =
        "/api/v1/runs/"
            + ApiClient.encode(runId)
            + "/steps/"
            + ApiClient.encode(step)
            + "/logs?follow=true";
    int failures = 0;
    while (!stopped.getAsBoolean()) {
      boolean last = stepEnded.getAsBoolean();
      long opened = System.nanoTime();
      try {
        HttpResponse<InputStream> answer =
            api.stream(
                ApiClient.Call.get(path)
                    .aboutRun()
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "text/plain"));
        try (InputStream in = answer.body()) {
          read(in, last);
        }
        failures = 0;
        if (last) {
          return;
        }
      } catch (ApiException e) {
        if (e.status() != 404 || last) {
          if (e.status() != 404) {
            lines.err("warning: cannot follow the log of step " + step + ": " + e.getMessage());
          }
          return;
        }
      } catch (CliException | IOException e) {
        failures++;
      }
      Duration open = Duration.ofNanos(System.nanoTime() - opened);
      if (failures > 0 || open.compareTo(QUICK_CLOSE) < 0) {
        ApiClient.sleep(REOPEN.multipliedBy(Math.min(failures + 1, 5)));
      }
    }
  }

  /** Prints the lines past those already delivered; a partial last line only if {@code last}. */
  private void read(InputStream in, boolean last) throws IOException {
    long seen = 0;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          if (seen++ >= delivered) {
            emit(line);
            delivered++;
          }
          line.reset();
        } else {
          line.write(buffer[i]);
        }
      }
    }
    if (last && line.size() > 0 && seen >= delivered) {
      emit(line);
      delivered++;
    }
  }

  private void emit(ByteArrayOutputStream line) {
    String text = line.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    lines.out(prefix + text);
  }
}

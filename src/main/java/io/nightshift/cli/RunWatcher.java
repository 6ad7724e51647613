package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Waits for a run to end and says what happens meanwhile: step transitions on stderr, followed logs
 * on stdout, and the {@code NIGHTSHIFT_RESULT} line last. It reads the run with {@code GET
 * /runs/{id}?wait=…} in short slices, which the API client retries through restarts, leader changes
 * and dropped connections; {@code --timeout} bounds the whole wait. On SIGTERM or SIGINT it cancels
 * the run (unless told not to), prints the result line, and exits 128 + the signal.
 */
final class RunWatcher {

  /** What to show and how to end. */
  record Options(
      boolean transitions,
      boolean follow,
      boolean result,
      Duration timeout,
      boolean cancelOnTimeout,
      boolean cancelOnSignal,
      Duration slice,
      Set<String> onlySteps,
      boolean prefixLogs) {}

  private static final Duration SIGNAL_BUDGET = Duration.ofSeconds(10);
  private static final Duration FOLLOWERS_GRACE = Duration.ofSeconds(30);

  private final ApiClient api;
  private final Lines lines;
  private final Options options;
  private final Map<String, String> shown = new HashMap<>();
  private final Map<String, Thread> followers = new LinkedHashMap<>();
  private final Set<String> ignored = new HashSet<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final CountDownLatch created = new CountDownLatch(1);
  private volatile String runId;
  private volatile JsonNode latest;
  private volatile boolean finished;
  private final Object ending = new Object();
  private List<String> alsoCancel = List.of();

  RunWatcher(ApiClient api, Lines lines, Options options) {
    this.api = api;
    this.lines = lines;
    this.options = options;
  }

  /**
   * Steps of {@code before} that had ended are neither shown nor followed: a retried run keeps its
   * succeeded steps.
   */
  RunWatcher ignoringEndedStepsOf(JsonNode before) {
    for (JsonNode step : before.path("steps")) {
      if (Runs.stepEnded(step)) {
        ignored.add(key(step));
      }
    }
    return this;
  }

  /** Runs to cancel too on a signal: the later runs of a backfill. */
  RunWatcher alsoCancelOnSignal(List<String> ids) {
    this.alsoCancel = List.copyOf(ids);
    return this;
  }

  /**
   * Creates the run with {@code create} (signals are handled from before it is sent) and waits for
   * it; returns the exit code.
   */
  /** How a wait ended: the exit code and the run as last read. */
  record Outcome(int exitCode, JsonNode run) {}

  Outcome watch(Supplier<JsonNode> create) {
    Signals.onTermination(this::onSignal);
    JsonNode run;
    try {
      run = create.get();
    } finally {
      created.countDown();
    }
    return watchCreated(run);
  }

  /** Waits for a run that exists already (retried, backfilled, or being followed). */
  Outcome watchExisting(JsonNode run) {
    Signals.onTermination(this::onSignal);
    return watchCreated(run);
  }

  private Outcome watchCreated(JsonNode first) {
    JsonNode run = first;
    runId = Runs.id(run);
    latest = run;
    created.countDown();
    long start = System.nanoTime();
    while (true) {
      report(run);
      if (Runs.terminal(run)) {
        break;
      }
      Duration remaining =
          options.timeout() == null
              ? options.slice()
              : options.timeout().minus(Duration.ofNanos(System.nanoTime() - start));
      if (remaining.isNegative() || remaining.isZero()) {
        return timedOut(run);
      }
      Duration slice = remaining.compareTo(options.slice()) < 0 ? remaining : options.slice();
      run =
          api.send(
                  ApiClient.Call.get(
                          "/api/v1/runs/"
                              + ApiClient.encode(runId)
                              + "?wait="
                              + Durations.serverWait(slice))
                      .aboutRun()
                      .timeout(slice.plusSeconds(30)))
              .json();
      latest = run;
    }
    awaitFollowers();
    end(run);
    return new Outcome(Exit.ofRun(Runs.status(run)).orElse(Exit.UNAVAILABLE), run);
  }

  private Outcome timedOut(JsonNode run) {
    stopped.set(true);
    JsonNode last = run;
    if (options.cancelOnTimeout()) {
      lines.err(
          "timed out after " + Durations.human(options.timeout()) + ": cancelling run " + runId);
      JsonNode cancelled = cancel(api);
      last = cancelled == null ? run : cancelled;
    } else {
      lines.err(
          "timed out after "
              + Durations.human(options.timeout())
              + "; run "
              + runId
              + " goes on (nightshift get run "
              + runId
              + ")");
    }
    end(last);
    return new Outcome(Exit.TIMEOUT, last);
  }

  /**
   * Prints the result line, when asked. A signal's handler that came first owns the end: this
   * thread then waits for it to exit the process, so that the exit code is the signal's.
   */
  private void end(JsonNode run) {
    synchronized (ending) {
      if (!signalled.get()) {
        if (options.result()) {
          lines.out(Runs.resultLine(run, Instant.now()));
        }
        finished = true;
        return;
      }
    }
    parkForever();
  }

  private static void parkForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // the signal handler halts the process
      }
    }
  }

  private void onSignal(int number) {
    synchronized (ending) {
      if (!signalled.compareAndSet(false, true) || finished) {
        // a second signal, or the wait is over: no cancellation to send
        lines.close(null);
        Runtime.getRuntime().halt(Exit.ofSignal(number));
      }
    }
    stopped.set(true);
    try {
      created.await(SIGNAL_BUDGET.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    JsonNode last = latest;
    if (runId != null && options.cancelOnSignal()) {
      lines.err("signal " + Signals.name(number) + ": cancelling run " + runId);
      ApiClient quick = api.withRetryBudget(SIGNAL_BUDGET);
      JsonNode cancelled = cancel(quick);
      if (cancelled != null) {
        last = cancelled;
      }
      for (String other : alsoCancel) {
        try {
          quick.send(ApiClient.Call.post(runPath(other) + "/cancel").idempotent().aboutRun());
        } catch (CliException e) {
          // ended already, or gone: nothing more to do for it
        }
      }
    } else if (runId != null) {
      if (options.transitions()) {
        lines.err("signal " + Signals.name(number) + ": run " + runId + " goes on");
      }
      try {
        last =
            api.withRetryBudget(Duration.ofSeconds(2))
                .send(ApiClient.Call.get(runPath(runId)).aboutRun())
                .json();
      } catch (CliException e) {
        // the result line says what was last read
      }
    }
    lines.close(options.result() && last != null ? Runs.resultLine(last, Instant.now()) : null);
    Runtime.getRuntime().halt(Exit.ofSignal(number));
  }

  /**
   * Asks for the run's cancellation and waits a moment for it to end; returns the run as last read,
   * or null when the API could not be asked.
   */
  private JsonNode cancel(ApiClient client) {
    String path = runPath(runId);
    try {
      client.send(ApiClient.Call.post(path + "/cancel").idempotent().aboutRun());
    } catch (ApiException e) {
      if (e.status() != 409) {
        lines.err(e.describe());
      }
    } catch (CliException e) {
      lines.err(e.describe());
      return latest;
    }
    try {
      return client.send(ApiClient.Call.get(path + "?wait=5s").aboutRun()).json();
    } catch (CliException e) {
      return latest;
    }
  }

  /** Step transitions to stderr; a follower for each step that has started. */
  private void report(JsonNode run) {
    int width = 0;
    for (JsonNode step : run.path("steps")) {
      width = Math.max(width, step.path("name").asText().length());
    }
    Instant now = Instant.now();
    if (options.follow()) {
      startFollowers(run);
    }
    for (JsonNode step : run.path("steps")) {
      String name = step.path("name").asText();
      String key = key(step);
      if (ignored.contains(key)) {
        continue;
      }
      if (!options.onlySteps().isEmpty() && !options.onlySteps().contains(name)) {
        continue;
      }
      String status = step.path("status").asText();
      if (!options.transitions() || status.equals(shown.get(key)) || "Pending".equals(status)) {
        continue;
      }
      shown.put(key, status);
      lines.err(transition(step, width, now));
    }
  }

  /** {@code backup Running}, {@code backup Succeeded 12.3s}, names padded to {@code width}. */
  static String transition(JsonNode step, int width, Instant now) {
    String name = step.path("name").asText();
    String status = step.path("status").asText();
    StringBuilder line = new StringBuilder();
    line.append(name).append(" ".repeat(Math.max(0, width - name.length())));
    line.append("  ").append(status);
    if (Runs.stepEnded(step)) {
      line.append(" ".repeat(Math.max(0, 9 - status.length())));
      line.append("  ");
      if (Runs.stepStarted(step)) {
        line.append(Durations.seconds(Runs.duration(step, now))).append('s');
      }
      if (!"Succeeded".equals(status)) {
        List<String> why = new ArrayList<>();
        String exitCode = Runs.exitCodeCell(step);
        if (!exitCode.isEmpty()) {
          why.add("exit code " + exitCode);
        }
        String reason = Json.text(step, "/reason");
        String message = Json.text(step, "/message");
        if (reason != null) {
          why.add(message == null ? reason : reason + ": " + message);
        } else if (message != null) {
          why.add(message);
        }
        if (!why.isEmpty()) {
          line.append("  ").append(String.join("; ", why));
        }
      }
    }
    return line.toString().stripTrailing();
  }

  /**
   * A follower for each step that has started, in the order the steps started. A step's lines come
   * after those of every step that had ended when it started (its parents in a chain): its follower
   * first waits for theirs, so a run seen only once it is over still prints backup before cleanup.
   * Steps that run side by side print as their lines come.
   */
  private void startFollowers(JsonNode run) {
    List<JsonNode> started = new ArrayList<>();
    for (JsonNode step : run.path("steps")) {
      String key = key(step);
      boolean wanted =
          options.onlySteps().isEmpty() || options.onlySteps().contains(step.path("name").asText());
      if (wanted
          && !ignored.contains(key)
          && Runs.stepStarted(step)
          && !followers.containsKey(key)) {
        started.add(step);
      }
    }
    started.sort(
        Comparator.comparing(
            (JsonNode step) -> Json.instant(step, "/startedAt").orElse(Instant.MAX)));
    for (JsonNode step : started) {
      Instant startedAt = Json.instant(step, "/startedAt").orElse(Instant.MAX);
      List<Thread> before = new ArrayList<>();
      for (JsonNode other : run.path("steps")) {
        Thread thread = followers.get(key(other));
        Instant finishedAt = Json.instant(other, "/finishedAt").orElse(null);
        if (thread != null && finishedAt != null && !finishedAt.isAfter(startedAt)) {
          before.add(thread);
        }
      }
      follow(step.path("name").asText(), key(step), before);
    }
  }

  private void follow(String name, String key, List<Thread> before) {
    LogFollower follower =
        new LogFollower(
            api,
            runId,
            name,
            options.prefixLogs() ? "[" + name + "] " : "",
            lines,
            () -> stepEndedInLatest(key),
            () -> stopped.get() || replacedInLatest(key));
    Thread thread =
        new Thread(
            () -> {
              for (Thread earlier : before) {
                try {
                  earlier.join(FOLLOWERS_GRACE.toMillis());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
              follower.run();
            },
            "follow-" + name);
    thread.setDaemon(true);
    followers.put(key, thread);
    thread.start();
  }

  private boolean stepEndedInLatest(String key) {
    JsonNode run = latest;
    if (run == null) {
      return false;
    }
    for (JsonNode step : run.path("steps")) {
      if (key(step).equals(key)) {
        return Runs.stepEnded(step);
      }
    }
    // a later attempt replaced it: the attempt followed has ended
    return true;
  }

  /**
   * Whether a later attempt of the step replaced the one followed: the logs endpoint now serves the
   * new attempt's log, which its own follower prints.
   */
  private boolean replacedInLatest(String key) {
    JsonNode run = latest;
    if (run == null) {
      return false;
    }
    for (JsonNode step : run.path("steps")) {
      if (key(step).equals(key)) {
        return false;
      }
    }
    return true;
  }

  private void awaitFollowers() {
    long deadline = System.nanoTime() + FOLLOWERS_GRACE.toNanos();
    for (Thread thread : followers.values()) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    stopped.set(true);
  }

  private static String runPath(String id) {
    return "/api/v1/runs/" + ApiClient.encode(id);
  }

  private static String key(JsonNode step) {
    return step.path("name").asText() + "#" + step.path("attempt").asInt();
  }
}

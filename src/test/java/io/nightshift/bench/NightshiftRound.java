package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One round of Nightshift, seen only from outside: N workflows defined through the API of every
 * node in turn, all due at the same minute with one no-op step; then, from the {@code runs} and
 * {@code run_steps} tables, how late each run was recorded, admitted (Running) and its step
 * started, and from each node's own meter what the engine's passes took.
 */
final class NightshiftRound {

  /** Statuses a run ends in. */
  private static final Set<String> ENDED =
      Set.of("Succeeded", "Failed", "Cancelled", "Skipped", "Missed");

  /** A round that makes no progress for this long after its due minute ends as it stands. */
  private static final Duration STALL = Duration.ofSeconds(90);

  /** A schedule never due while the benchmark runs (and valid cron): workflows only held. */
  static final String NEVER_DUE_HERE = "0 0 1 1 *";

  /** Workflows defined to learn how fast definitions go now. */
  private static final int PROBE = 40;

  /** Clients defining workflows at once, as many as the definition-writes measure uses. */
  static final int CLIENTS = 8;

  private NightshiftRound() {}

  /**
   * What the round waits for after the due minute.
   *
   * <ul>
   *   <li>{@code RUNS_ENDED}: every run ended (local steps end by themselves);
   *   <li>{@code STEPS_STARTED}: every run's step started (the fake API server's Jobs never end).
   * </ul>
   */
  enum Until {
    RUNS_ENDED,
    STEPS_STARTED
  }

  static ObjectNode run(
      List<NightshiftNode> nodes,
      PostgresFixture.Database database,
      String namespace,
      int size,
      Until until,
      Duration timeout)
      throws Exception {
    // Far enough ahead to define them all first, at twice the time a few definitions take now: a
    // loaded machine defines ten times slower than a quiet one.
    Definitions probe =
        define(nodes, namespace + "-probe", "p", Math.min(size, PROBE), NEVER_DUE_HERE);
    // A cold probe (the first definitions of a JVM) overestimates large sizes many times over:
    // benchmark.due-margin sets the margin outright, e.g. PT4M for 100,000.
    String fixed = System.getProperty("benchmark.due-margin", "");
    long margin =
        fixed.isEmpty()
            ? (long) (2_000.0 * probe.seconds() / probe.count() * size)
            : Duration.parse(fixed).toMillis();
    Instant due =
        Instant.now()
            .plusSeconds(5)
            .plusMillis(margin)
            .truncatedTo(ChronoUnit.MINUTES)
            .plus(Duration.ofMinutes(1));
    ZonedDateTime at = due.atZone(ZoneOffset.UTC);
    String schedule =
        "%d %d %d %d *"
            .formatted(at.getMinute(), at.getHour(), at.getDayOfMonth(), at.getMonthValue());
    Definitions defined = define(nodes, namespace, "w", size, schedule);
    System.out.printf(
        "  %s: %,d workflows defined in %.1f s, due at %s%n",
        namespace, size, defined.seconds(), due);
    if (Instant.now().isAfter(due.minusSeconds(2))) {
      throw new IllegalStateException("defining took past the due minute: the figures would lie");
    }

    Optional<EnginePass> passesBefore = EnginePass.scrape(nodes);
    Instant deadline = due.plus(timeout);
    boolean timedOut = true;
    long done = -1;
    Instant lastProgress = due;
    while (Instant.now().isBefore(deadline)) {
      long now = count(database, waitQuery(until), namespace);
      if (now >= size) {
        timedOut = false;
        break;
      }
      if (now != done) {
        done = now;
        lastProgress = Instant.now().isAfter(due) ? Instant.now() : due;
      } else if (Instant.now().isAfter(lastProgress.plus(STALL))) {
        System.out.printf("  %s: no progress for %s at %,d of %,d%n", namespace, STALL, now, size);
        break;
      }
      Thread.sleep(250);
    }
    Optional<EnginePass> passesAfter = EnginePass.scrape(nodes);

    ObjectNode json = read(database, namespace, size, due);
    json.put("timed_out", timedOut);
    json.set("defined", defined.toJson());
    json.set("engine_pass", EnginePass.between(passesBefore, passesAfter));
    return json;
  }

  private static String waitQuery(Until until) {
    return switch (until) {
      case RUNS_ENDED ->
          "SELECT count(*) FROM runs WHERE namespace = ? AND status IN ("
              + String.join(", ", ENDED.stream().map(status -> "'" + status + "'").toList())
              + ")";
      case STEPS_STARTED ->
          "SELECT count(DISTINCT r.id) FROM runs r JOIN run_steps s ON s.run_id = r.id"
              + " WHERE r.namespace = ? AND s.started_at IS NOT NULL";
    };
  }

  /** The figures of the round, from the runs of {@code namespace} scheduled at {@code due}. */
  private static ObjectNode read(
      PostgresFixture.Database database, String namespace, int size, Instant due)
      throws SQLException {
    List<Long> created = new ArrayList<>();
    List<Long> admitted = new ArrayList<>();
    List<Long> firstStep = new ArrayList<>();
    Map<String, Integer> byStatus = new TreeMap<>();
    Set<String> workflowsWithRun = new HashSet<>();
    Instant lastCreated = null;
    Instant lastAdmitted = null;
    Instant lastEnded = null;
    long ended = 0;
    Instant firstStepStart = null;
    Instant lastStepStart = null;
    long stepsStarted = 0;
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT r.workflow, r.status, r.scheduled_time, r.created_at, r.started_at,"
                    + " r.finished_at, min(s.started_at), max(s.started_at),"
                    + " count(s.started_at)"
                    + " FROM runs r LEFT JOIN run_steps s ON s.run_id = r.id"
                    + " WHERE r.namespace = ? GROUP BY r.id")) {
      statement.setString(1, namespace);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          byStatus.merge(rows.getString(2), 1, Integer::sum);
          Instant scheduled = rows.getTimestamp(3).toInstant();
          if (scheduled.equals(due)) {
            workflowsWithRun.add(rows.getString(1));
          }
          Instant createdAt = rows.getTimestamp(4).toInstant();
          created.add(Duration.between(scheduled, createdAt).toMillis());
          lastCreated = later(lastCreated, createdAt);
          Instant startedAt = instant(rows.getTimestamp(5));
          if (startedAt != null) {
            admitted.add(Duration.between(scheduled, startedAt).toMillis());
            lastAdmitted = later(lastAdmitted, startedAt);
          }
          Instant finishedAt = instant(rows.getTimestamp(6));
          if (finishedAt != null) {
            ended++;
            lastEnded = later(lastEnded, finishedAt);
          }
          Instant stepStart = instant(rows.getTimestamp(7));
          if (stepStart != null) {
            firstStep.add(Duration.between(scheduled, stepStart).toMillis());
            firstStepStart =
                firstStepStart == null || stepStart.isBefore(firstStepStart)
                    ? stepStart
                    : firstStepStart;
            lastStepStart = later(lastStepStart, instant(rows.getTimestamp(8)));
            stepsStarted += rows.getLong(9);
          }
        }
      }
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("workflows", size);
    json.put("due", due.toString());
    json.set("scheduled_to_created", Lags.ofMillis(created).toJson());
    json.set("scheduled_to_admitted", Lags.ofMillis(admitted).toJson());
    json.set("scheduled_to_first_step", Lags.ofMillis(firstStep).toJson());
    Results.number(json, "runs_created_per_second", perSecond(created.size(), due, lastCreated));
    Results.number(json, "runs_admitted_per_second", perSecond(admitted.size(), due, lastAdmitted));
    Results.number(json, "runs_ended_per_second", perSecond(ended, due, lastEnded));
    Results.number(
        json, "steps_launched_per_second", perSecond(stepsStarted, firstStepStart, lastStepStart));
    if (firstStepStart != null) {
      json.put("first_step_started_at", firstStepStart.toString());
      json.put("last_step_started_at", lastStepStart.toString());
    }
    ObjectNode statuses = json.putObject("runs_by_status");
    byStatus.forEach(statuses::put);
    ObjectNode misfires = json.putObject("misfires");
    int missed = byStatus.getOrDefault("Missed", 0);
    int withoutRun = size - workflowsWithRun.size();
    misfires.put("missed_runs", missed);
    misfires.put("scheduled_times_without_run", withoutRun);
    misfires.put("total", missed + withoutRun);
    return json;
  }

  /**
   * Defines {@code count} workflows named {@code prefix0...} in {@code namespace} with {@code
   * schedule} and one no-op step, by {@link #CLIENTS} clients spread over the nodes.
   */
  static Definitions define(
      List<NightshiftNode> nodes, String namespace, String prefix, int count, String schedule)
      throws Exception {
    return define(nodes, namespace, prefix, count, schedule, "");
  }

  /** As {@link #define}, with {@code spec} (lines of YAML) added to each workflow's spec. */
  static Definitions define(
      List<NightshiftNode> nodes,
      String namespace,
      String prefix,
      int count,
      String schedule,
      String spec)
      throws Exception {
    String body =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          schedule: "%s"
          timeZone: UTC
        %s  steps:
            - {name: noop, image: busybox:1.36, command: ["true"]}
        """
            .formatted(schedule, spec.isEmpty() ? "" : "  " + spec + "\n");
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<Long>> puts = new ArrayList<>(count);
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        NightshiftNode node = nodes.get(i % nodes.size());
        String path = "/api/v1/namespaces/" + namespace + "/workflows/" + prefix + i;
        puts.add(
            clients.submit(
                () -> {
                  long sent = System.nanoTime();
                  HttpResponse<String> response = node.put(path, "application/yaml", body);
                  if (response.statusCode() != 201) {
                    throw new IllegalStateException(
                        "defining "
                            + path
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
                  }
                  return (System.nanoTime() - sent) / 1_000_000;
                }));
      }
      List<Long> latencies = new ArrayList<>(count);
      for (Future<Long> put : puts) {
        latencies.add(put.get());
      }
      double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
      return new Definitions(count, seconds, Lags.ofMillis(latencies));
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * @param latency how long each PUT took, as lags
   */
  record Definitions(int count, double seconds, Lags latency) {
    ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("workflows", count);
      json.put("clients", CLIENTS);
      Results.number(json, "seconds", seconds);
      Results.number(json, "per_second", count / seconds);
      json.set("put_latency", latency.toJson());
      return json;
    }
  }

  private static double perSecond(long count, Instant from, Instant to) {
    if (count == 0 || from == null || to == null) {
      return Double.NaN;
    }
    return count / Math.max(0.001, Duration.between(from, to).toMillis() / 1000.0);
  }

  private static Instant later(Instant current, Instant candidate) {
    return current == null || (candidate != null && candidate.isAfter(current))
        ? candidate
        : current;
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  static long count(PostgresFixture.Database database, String sql, String parameter)
      throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }
}

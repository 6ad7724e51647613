package io.nightshift.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.run.RunStatus;
import io.nightshift.run.StepStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Nightshift's counters and histograms in PostgreSQL: recorded with the connection of the
 * transaction that makes the change they count, so a change and its count commit together, and
 * every node serves the same values, restarts included.
 */
public final class MetricsStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {};
  static final String INFINITY = "+Inf";

  /** A stored value: a counter, a gauge, or one bucket, sum or count of a histogram. */
  record Row(String name, Map<String, String> labels, double value) {}

  private MetricsStore() {}

  /** As {@link #runEnded(Pending, String, String, String, String, String, Instant, Instant)}. */
  public static void runEnded(
      Connection connection,
      String namespace,
      String workflow,
      String trigger,
      String status,
      String reason,
      Instant startedAt,
      Instant finishedAt)
      throws SQLException {
    Pending pending = new Pending();
    runEnded(pending, namespace, workflow, trigger, status, reason, startedAt, finishedAt);
    pending.flush(connection);
  }

  /** A run ended: counted by trigger and status, its duration observed. */
  public static void runEnded(
      Pending connection,
      String namespace,
      String workflow,
      String trigger,
      String status,
      String reason,
      Instant startedAt,
      Instant finishedAt)
      throws SQLException {
    increment(
        connection,
        Metrics.RUNS,
        labels("namespace", namespace, "workflow", workflow, "trigger", trigger, "status", status),
        1);
    if (startedAt != null && finishedAt != null) {
      observe(
          connection,
          Metrics.RUN_DURATION,
          labels("namespace", namespace, "workflow", workflow, "status", status),
          seconds(startedAt, finishedAt));
    }
    switch (RunStatus.of(status)) {
      case SUCCEEDED ->
          max(
              connection,
              Metrics.LAST_SUCCESS,
              labels("namespace", namespace, "workflow", workflow),
              finishedAt.toEpochMilli() / 1000.0);
      case MISSED ->
          increment(
              connection,
              Metrics.MISSED_RUNS,
              labels("namespace", namespace, "workflow", workflow),
              1);
      case SKIPPED ->
          increment(
              connection,
              Metrics.SKIPPED_RUNS,
              labels("namespace", namespace, "workflow", workflow, "reason", reason),
              1);
      default -> {}
    }
  }

  /**
   * Runs recorded Missed as they were created, counted as {@link #runEnded} counts each, for many
   * workflows in one statement.
   *
   * @param counts how many, by (namespace, workflow)
   */
  public static void runsMissed(
      Connection connection, String trigger, Map<List<String>, Integer> counts)
      throws SQLException {
    if (counts.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    counts.forEach(
        (workflow, count) -> {
          String namespace = workflow.get(0);
          String name = workflow.get(1);
          rows.add(
              new Row(
                  Metrics.RUNS.name(),
                  labels(
                      "namespace",
                      namespace,
                      "workflow",
                      name,
                      "trigger",
                      trigger,
                      "status",
                      RunStatus.MISSED.spelling()),
                  count));
          rows.add(
              new Row(
                  Metrics.MISSED_RUNS.name(),
                  labels("namespace", namespace, "workflow", name),
                  count));
        });
    upsert(connection, rows, "metric_values.value + excluded.value");
  }

  /** A step attempt ended: its duration observed and, when it failed, its reason counted. */
  public static void stepEnded(
      Pending connection,
      String namespace,
      String workflow,
      String step,
      String status,
      String reason,
      Instant startedAt,
      Instant finishedAt)
      throws SQLException {
    if (startedAt != null) {
      observe(
          connection,
          Metrics.STEP_DURATION,
          labels("namespace", namespace, "workflow", workflow, "step", step, "status", status),
          seconds(startedAt, finishedAt));
    }
    if (StepStatus.of(status) == StepStatus.FAILED) {
      increment(
          connection,
          Metrics.STEP_FAILURES,
          labels(
              "namespace",
              namespace,
              "workflow",
              workflow,
              "step",
              step,
              "reason",
              reason == null ? "Unknown" : reason),
          1);
    }
  }

  /** A scheduled run launched its first step. */
  public static void firstStepLaunched(
      Pending connection, String namespace, String workflow, Instant scheduled, Instant at)
      throws SQLException {
    observe(
        connection,
        Metrics.SCHEDULE_LAG,
        labels("namespace", namespace, "workflow", workflow),
        Math.max(0, seconds(scheduled, at)));
  }

  static void increment(
      Pending pending, Metrics.Meter meter, Map<String, String> labels, double by) {
    pending.add(new Row(meter.name(), labels, by));
  }

  static void max(Pending pending, Metrics.Meter meter, Map<String, String> labels, double value) {
    pending.max(new Row(meter.name(), labels, value));
  }

  /** One observation: its bucket (counts are per bucket, not cumulative), sum and count. */
  static void observe(
      Pending pending, Metrics.Meter meter, Map<String, String> labels, double value) {
    String bucket = INFINITY;
    for (double bound : meter.buckets()) {
      if (value <= bound) {
        bucket = Double.toString(bound);
        break;
      }
    }
    Map<String, String> withBucket = new TreeMap<>(labels);
    withBucket.put("le", bucket);
    pending.add(new Row(meter.name(), withBucket, 1));
    pending.add(new Row(meter.name() + "_sum", labels, value));
    pending.add(new Row(meter.name() + "_count", labels, 1));
  }

  /**
   * The metric changes of one transaction, merged by name and labels, written by {@link #flush} in
   * one statement for the additions and one for the maxima, in a fixed order of keys (two
   * transactions never lock the same rows in opposite orders).
   */
  public static final class Pending {
    private final Map<String, Row> sums = new TreeMap<>();
    private final Map<String, Row> maxima = new TreeMap<>();

    void add(Row row) {
      sums.merge(key(row), row, (a, b) -> new Row(a.name(), a.labels(), a.value() + b.value()));
    }

    void max(Row row) {
      maxima.merge(
          key(row), row, (a, b) -> new Row(a.name(), a.labels(), Math.max(a.value(), b.value())));
    }

    private static String key(Row row) {
      return row.name() + json(row.labels());
    }

    /** Writes what was gathered, and forgets it. */
    public void flush(Connection connection) throws SQLException {
      if (!sums.isEmpty()) {
        upsert(connection, List.copyOf(sums.values()), "metric_values.value + excluded.value");
        sums.clear();
      }
      if (!maxima.isEmpty()) {
        upsert(
            connection,
            List.copyOf(maxima.values()),
            "greatest(metric_values.value, excluded.value)");
        maxima.clear();
      }
    }
  }

  private static void upsert(Connection connection, List<Row> rows, String merge)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("INSERT INTO metric_values (name, labels, value) VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    sql.append(" ON CONFLICT (name, labels) DO UPDATE SET value = ").append(merge);
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int parameter = 1;
      for (Row row : rows) {
        statement.setString(parameter++, row.name());
        statement.setString(parameter++, json(row.labels()));
        statement.setDouble(parameter++, row.value());
      }
      statement.executeUpdate();
    }
  }

  /** Every stored value. */
  static List<Row> all(Connection connection) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement statement =
            connection.prepareStatement("SELECT name, labels, value FROM metric_values");
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.add(new Row(result.getString(1), parse(result.getString(2)), result.getDouble(3)));
      }
    }
    return rows;
  }

  /** Labels from name-value pairs, in a stable order. */
  static Map<String, String> labels(String... namesAndValues) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      labels.put(namesAndValues[i], namesAndValues[i + 1] == null ? "" : namesAndValues[i + 1]);
    }
    return labels;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  private static String json(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(labels));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> parse(String labels) {
    try {
      return JSON.readValue(labels, LABELS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable metric labels " + labels, e);
    }
  }
}

package io.nightshift.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /** A run ended: counted by trigger and status, its duration observed. */
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
    switch (status) {
      case "Succeeded" ->
          max(
              connection,
              Metrics.LAST_SUCCESS,
              labels("namespace", namespace, "workflow", workflow),
              finishedAt.toEpochMilli() / 1000.0);
      case "Missed" ->
          increment(
              connection,
              Metrics.MISSED_RUNS,
              labels("namespace", namespace, "workflow", workflow),
              1);
      case "Skipped" ->
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
                      "Missed"),
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
      Connection connection,
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
    if ("Failed".equals(status)) {
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
      Connection connection, String namespace, String workflow, Instant scheduled, Instant at)
      throws SQLException {
    observe(
        connection,
        Metrics.SCHEDULE_LAG,
        labels("namespace", namespace, "workflow", workflow),
        Math.max(0, seconds(scheduled, at)));
  }

  static void increment(
      Connection connection, Metrics.Meter meter, Map<String, String> labels, double by)
      throws SQLException {
    upsert(
        connection,
        List.of(new Row(meter.name(), labels, by)),
        "metric_values.value + excluded.value");
  }

  static void max(
      Connection connection, Metrics.Meter meter, Map<String, String> labels, double value)
      throws SQLException {
    upsert(
        connection,
        List.of(new Row(meter.name(), labels, value)),
        "greatest(metric_values.value, excluded.value)");
  }

  /** One observation: its bucket (counts are per bucket, not cumulative), sum and count. */
  static void observe(
      Connection connection, Metrics.Meter meter, Map<String, String> labels, double value)
      throws SQLException {
    String bucket = INFINITY;
    for (double bound : meter.buckets()) {
      if (value <= bound) {
        bucket = Double.toString(bound);
        break;
      }
    }
    Map<String, String> withBucket = new TreeMap<>(labels);
    withBucket.put("le", bucket);
    upsert(
        connection,
        List.of(
            new Row(meter.name(), withBucket, 1),
            new Row(meter.name() + "_sum", labels, value),
            new Row(meter.name() + "_count", labels, 1)),
        "metric_values.value + excluded.value");
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

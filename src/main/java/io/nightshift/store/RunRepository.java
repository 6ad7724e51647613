package io.nightshift.store;

import io.nightshift.metrics.MetricsStore;
import io.nightshift.run.Attempt;
import io.nightshift.run.Change;
import io.nightshift.run.Fence;
import io.nightshift.run.NotLeaderException;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.run.RunStore;
import io.nightshift.run.StepRow;
import io.nightshift.run.StepStatus;
import io.nightshift.run.Trigger;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** The runs and run_steps tables; the engine's {@link RunStore}. */
@Singleton
public class RunRepository implements RunStore {

  private final Jdbc jdbc;

  public RunRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  private static final String STATE_COLUMNS =
      "id, namespace, workflow, seq, trigger, status, reason, message, scheduled_time, created_at,"
          + " started_at, finished_at, parameters::text AS parameters,";

  private static final String RUN_COLUMNS =
      STATE_COLUMNS + " coalesce(r.definition, d.definition)::text AS definition, cancel_requested";

  /** Runs with their definition: their own copy (older runs), else the generation they name. */
  private static final String RUNS_WITH_DEFINITIONS =
      "runs r LEFT JOIN workflow_definitions d ON d.uid = r.workflow_uid AND d.generation ="
          + " r.generation";

  public Optional<RunRow> find(String id) {
    return jdbc.inTransaction(
        connection -> runs(connection, "WHERE id = ?", id).stream().findFirst());
  }

  public Optional<RunRow> findByIdempotencyKey(String namespace, String workflow, String key) {
    return jdbc.inTransaction(
        connection ->
            runs(
                    connection,
                    "WHERE namespace = ? AND workflow = ? AND idempotency_key = ?",
                    namespace,
                    workflow,
                    key)
                .stream()
                .findFirst());
  }

  /** Reads (workflow, seq, step, attempt) rows. */
  private static List<Attempt> attempts(PreparedStatement statement) throws SQLException {
    List<Attempt> attempts = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        attempts.add(
            new Attempt(
                result.getString(1), result.getLong(2), result.getString(3), result.getInt(4)));
      }
    }
    return attempts;
  }

  @Override
  public List<Attempt> attemptsOf(String namespace, String workflow) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT r.workflow, r.seq, s.name, s.attempt FROM run_steps s JOIN runs r ON"
                      + " r.id = s.run_id WHERE r.namespace = ? AND r.workflow = ? AND"
                      + " s.attempt > 0")) {
            statement.setString(1, namespace);
            statement.setString(2, workflow);
            return attempts(statement);
          }
        });
  }

  @Override
  public List<Leftover> collectHistory(Fence fence, Instant endedSince, Instant endedBefore) {
    List<Leftover> deleted = new ArrayList<>();
    fenced(
        fence.node(),
        fence.token(),
        connection ->
            deleted.addAll(
                ScheduleRepository.deleteBeyondLimits(connection, endedSince, endedBefore)));
    return deleted;
  }

  /**
   * Makes a Failed or Cancelled run Pending again, with its failed, skipped and cancelled steps
   * Pending: the engine admits it and runs those steps anew. False when the run is in another
   * state.
   */
  public boolean resetForRetry(String id) {
    return jdbc.inTransaction(
        connection -> {
          // Its workflow's schedules row, as a run created is: a due scan admitting a run of the
          // workflow meanwhile sees this one active, or is seen by it (ScheduleRepository).
          try (PreparedStatement lock =
              connection.prepareStatement(
                  "SELECT 1 FROM schedules s JOIN runs r ON r.namespace = s.namespace AND"
                      + " r.workflow = s.name WHERE r.id = ? FOR UPDATE OF s")) {
            lock.setString(1, id);
            lock.execute();
          }
          try (PreparedStatement run =
              connection.prepareStatement(
                  "UPDATE runs SET status = 'Pending', reason = NULL, message = NULL,"
                      + " finished_at = NULL, cancel_requested = false"
                      + " WHERE id = ? AND status IN ('Failed', 'Cancelled')")) {
            run.setString(1, id);
            if (run.executeUpdate() == 0) {
              return false;
            }
          }
          RunNotifications.send(connection, List.of(id));
          try (PreparedStatement steps =
              connection.prepareStatement(
                  "UPDATE run_steps SET status = 'Pending', finished_at = NULL, reason = NULL,"
                      + " message = NULL, exit_code = NULL WHERE run_id = ? AND status IN"
                      + " ('Failed', 'Skipped', 'Cancelled')")) {
            steps.setString(1, id);
            steps.executeUpdate();
          }
          return true;
        });
  }

  /** Asks the leader to cancel a run; false when the run has already ended. */
  public boolean requestCancel(String id) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE runs SET cancel_requested = true WHERE id = ? AND status IN"
                      + " ('Pending', 'Running')")) {
            statement.setString(1, id);
            if (statement.executeUpdate() == 0) {
              return false;
            }
          }
          RunNotifications.send(connection, List.of(id));
          return true;
        });
  }

  @Override
  public List<RunRow> active() {
    return jdbc.inTransaction(
        connection ->
            runs(connection, "WHERE status IN ('Pending', 'Running') ORDER BY created_at, seq"));
  }

  @Override
  public List<RunRow> runs(Collection<String> ids, boolean definitions) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  definitions
                      ? "SELECT "
                          + RUN_COLUMNS
                          + " FROM "
                          + RUNS_WITH_DEFINITIONS
                          + " WHERE r.id = ANY (?)"
                      : "SELECT "
                          + STATE_COLUMNS
                          + " NULL AS definition, cancel_requested FROM runs r WHERE r.id = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            return rows(statement);
          }
        });
  }

  /** A workflow's runs, newest first, after {@code beforeSeq} when given, in {@code status}. */
  public List<RunRow> history(
      String namespace, String workflow, String status, Long beforeSeq, int limit) {
    return jdbc.inTransaction(
        connection ->
            runs(
                connection,
                "WHERE namespace = ? AND workflow = ? AND (CAST(? AS text) IS NULL OR status = ?)"
                    + " AND seq < ? ORDER BY seq DESC LIMIT ?",
                namespace,
                workflow,
                status,
                status,
                beforeSeq == null ? Long.MAX_VALUE : beforeSeq,
                limit));
  }

  /**
   * The newest {@code perWorkflow} runs of every workflow of these namespaces (of all, when empty),
   * newest first and without their definitions, keyed {@code namespace/name}: one query, an index
   * scan per workflow, for a list of every workflow with its last runs.
   */
  public Map<String, List<RunRow>> recent(Optional<Set<String>> namespaces, int perWorkflow) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT "
                      + STATE_COLUMNS
                      + " NULL AS definition, cancel_requested FROM (SELECT last.* FROM workflows w"
                      + " CROSS JOIN LATERAL (SELECT * FROM runs x WHERE x.namespace = w.namespace"
                      + " AND x.workflow = w.name ORDER BY x.seq DESC LIMIT ?) last"
                      + " WHERE CAST(? AS text[]) IS NULL OR w.namespace = ANY (?)) r")) {
            statement.setInt(1, perWorkflow);
            if (namespaces.isEmpty()) {
              statement.setNull(2, java.sql.Types.ARRAY);
              statement.setNull(3, java.sql.Types.ARRAY);
            } else {
              java.sql.Array scope = connection.createArrayOf("text", namespaces.get().toArray());
              statement.setArray(2, scope);
              statement.setArray(3, scope);
            }
            Map<String, List<RunRow>> recent = new HashMap<>();
            for (RunRow row : rows(statement)) {
              recent
                  .computeIfAbsent(row.namespace() + "/" + row.workflow(), key -> new ArrayList<>())
                  .add(row);
            }
            return recent;
          }
        });
  }

  /** The steps of each of these runs, in their order of definition; one query for them all. */
  @Override
  public Map<String, List<StepRow>> stepsOf(Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT run_id, name, position, status, attempt, job_name, started_at,"
                      + " finished_at, reason, message, launched_at, exit_code FROM run_steps"
                      + " WHERE run_id = ANY (?)"
                      + " ORDER BY run_id, position")) {
            statement.setArray(1, connection.createArrayOf("text", runIds.toArray()));
            Map<String, List<StepRow>> steps = new HashMap<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                steps
                    .computeIfAbsent(result.getString(1), id -> new ArrayList<>())
                    .add(
                        new StepRow(
                            result.getString(1),
                            result.getString(2),
                            result.getInt(3),
                            StepStatus.of(result.getString(4)),
                            result.getInt(5),
                            result.getString(6),
                            instant(result, 7),
                            instant(result, 8),
                            result.getString(9),
                            result.getString(10),
                            instant(result, 11),
                            (Integer) result.getObject(12)));
              }
            }
            return steps;
          }
        });
  }

  /** Work of the engine, done only while {@code node} holds the lease under {@code token}. */
  public interface Fenced {
    void apply(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction that first checks the lease: a node paused past its lease
   * and replaced writes nothing (docs/architecture.md, "Leadership and failover").
   *
   * @throws NotLeaderException when {@code node} no longer holds the lease under {@code token}
   */
  public void fenced(String node, long token, Fenced work) {
    jdbc.inTransaction(
        connection -> {
          if (!LeaseRepository.holds(connection, node, token)) {
            throw new NotLeaderException(node, token);
          }
          work.apply(connection);
          return null;
        });
  }

  @Override
  public void write(Fence fence, List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    fenced(
        fence.node(),
        fence.token(),
        connection -> {
          // The metrics of every change, written once at the end of the transaction.
          MetricsStore.Pending metrics = new MetricsStore.Pending();
          for (Change change : changes) {
            apply(connection, metrics, change);
          }
          metrics.flush(connection);
        });
  }

  private static void apply(Connection connection, MetricsStore.Pending metrics, Change change)
      throws SQLException {
    if (change instanceof Change.RunUpdated c) {
      updateRun(
          connection,
          metrics,
          c.runId(),
          c.status(),
          c.reason(),
          c.message(),
          c.startedAt(),
          c.finishedAt());
    } else if (change instanceof Change.StepAdded c) {
      insertStep(connection, c.runId(), c.step(), c.position());
    } else if (change instanceof Change.StepUpdated c) {
      updateStep(
          connection,
          c.runId(),
          c.step(),
          c.status(),
          c.attempt(),
          c.jobName(),
          c.startedAt(),
          c.finishedAt(),
          c.reason(),
          c.message());
    } else if (change instanceof Change.AttemptStarted c) {
      startAttempt(connection, c.runId(), c.step(), c.attempt(), c.jobName(), c.at());
    } else if (change instanceof Change.AttemptAcknowledged c) {
      markLaunched(connection, c.runId(), c.step(), c.jobName(), c.at());
    } else if (change instanceof Change.AttemptEnded c) {
      endRunningStep(
          connection,
          metrics,
          c.runId(),
          c.step(),
          c.jobName(),
          c.status(),
          c.at(),
          c.reason(),
          c.message(),
          c.exitCode());
    } else if (change instanceof Change.FirstStepLaunched c) {
      MetricsStore.firstStepLaunched(
          metrics, c.namespace(), c.workflow(), c.scheduledTime(), c.at());
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
  }

  /** Sets a run's status; {@code startedAt} and {@code finishedAt} only when not null. */
  static void updateRun(
      Connection connection,
      MetricsStore.Pending metrics,
      String id,
      RunStatus status,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "WITH before AS (SELECT id, status FROM runs WHERE id = ? FOR UPDATE)"
                + " UPDATE runs r SET status = ?, reason = ?, message = ?,"
                + " started_at = coalesce(?, r.started_at),"
                + " finished_at = coalesce(?, r.finished_at)"
                + " FROM before WHERE r.id = before.id"
                + " RETURNING before.status, r.namespace, r.workflow, r.trigger, r.started_at,"
                + " r.finished_at")) {
      statement.setString(1, id);
      statement.setString(2, status.spelling());
      statement.setString(3, reason);
      statement.setString(4, message);
      statement.setTimestamp(5, startedAt == null ? null : Jdbc.timestamp(startedAt));
      statement.setTimestamp(6, finishedAt == null ? null : Jdbc.timestamp(finishedAt));
      try (ResultSet result = statement.executeQuery()) {
        // Counted once, when the run ends: not when an ended run is written again.
        if (result.next() && !RunStatus.of(result.getString(1)).ended() && status.ended()) {
          MetricsStore.runEnded(
              metrics,
              result.getString(2),
              result.getString(3),
              result.getString(4),
              status.spelling(),
              reason,
              instant(result, 5),
              instant(result, 6));
        }
      }
    }
  }

  static void insertStep(Connection connection, String runId, String name, int position)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO run_steps (run_id, name, position, status, attempt) VALUES (?, ?, ?,"
                + " 'Pending', 0) ON CONFLICT DO NOTHING")) {
      statement.setString(1, runId);
      statement.setString(2, name);
      statement.setInt(3, position);
      statement.executeUpdate();
    }
  }

  /** Sets a step's status; the other columns only when not null. */
  static void updateStep(
      Connection connection,
      String runId,
      String name,
      StepStatus status,
      Integer attempt,
      String jobName,
      Instant startedAt,
      Instant finishedAt,
      String reason,
      String message)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE run_steps SET status = ?, attempt = coalesce(?, attempt),"
                + " job_name = coalesce(?, job_name), started_at = coalesce(?, started_at),"
                + " finished_at = coalesce(?, finished_at), reason = ?, message = ?"
                + " WHERE run_id = ? AND name = ?")) {
      statement.setString(1, status.spelling());
      statement.setObject(2, attempt);
      statement.setString(3, jobName);
      statement.setTimestamp(4, startedAt == null ? null : Jdbc.timestamp(startedAt));
      statement.setTimestamp(5, finishedAt == null ? null : Jdbc.timestamp(finishedAt));
      statement.setString(6, reason);
      statement.setString(7, message);
      statement.setString(8, runId);
      statement.setString(9, name);
      statement.executeUpdate();
    }
  }

  /**
   * Starts a new attempt of a step: Running under {@code jobName}, not yet acknowledged by the
   * executor.
   */
  static void startAttempt(
      Connection connection,
      String runId,
      String name,
      int attempt,
      String jobName,
      Instant startedAt)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE run_steps SET status = 'Running', attempt = ?, job_name = ?, started_at = ?,"
                + " launched_at = NULL, reason = NULL, message = NULL, exit_code = NULL"
                + " WHERE run_id = ? AND name = ?")) {
      statement.setInt(1, attempt);
      statement.setString(2, jobName);
      statement.setTimestamp(3, Jdbc.timestamp(startedAt));
      statement.setString(4, runId);
      statement.setString(5, name);
      statement.executeUpdate();
    }
  }

  /**
   * Records that the executor acknowledged the attempt {@code jobName} of a step, if it is still
   * the step's: from now on an attempt with no trace is lost, not merely never launched.
   */
  static void markLaunched(
      Connection connection, String runId, String name, String jobName, Instant at)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE run_steps SET launched_at = ? WHERE run_id = ? AND name = ? AND job_name = ?"
                + " AND launched_at IS NULL")) {
      statement.setTimestamp(1, Jdbc.timestamp(at));
      statement.setString(2, runId);
      statement.setString(3, name);
      statement.setString(4, jobName);
      statement.executeUpdate();
    }
  }

  /**
   * Ends the attempt {@code jobName} of a step, if that attempt is still the step's and Running: a
   * late report of an earlier attempt, or of a step already stopped (the end of a killed process
   * must not turn Cancelled into Failed), changes nothing. The step's duration and failure are
   * counted in the same transaction.
   */
  static void endRunningStep(
      Connection connection,
      MetricsStore.Pending metrics,
      String runId,
      String name,
      String jobName,
      StepStatus status,
      Instant finishedAt,
      String reason,
      String message,
      Integer exitCode)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE run_steps s SET status = ?, finished_at = ?, reason = ?, message = ?,"
                + " exit_code = ? FROM runs r WHERE r.id = s.run_id AND s.run_id = ? AND s.name = ?"
                + " AND s.job_name = ? AND s.status = 'Running'"
                + " RETURNING r.namespace, r.workflow, s.started_at")) {
      statement.setString(1, status.spelling());
      statement.setTimestamp(2, Jdbc.timestamp(finishedAt));
      statement.setString(3, reason);
      statement.setString(4, message);
      statement.setObject(5, exitCode, java.sql.Types.INTEGER);
      statement.setString(6, runId);
      statement.setString(7, name);
      statement.setString(8, jobName);
      try (ResultSet result = statement.executeQuery()) {
        if (result.next()) {
          MetricsStore.stepEnded(
              metrics,
              result.getString(1),
              result.getString(2),
              name,
              status.spelling(),
              reason,
              instant(result, 3),
              finishedAt);
        }
      }
    }
  }

  private static List<RunRow> runs(Connection connection, String where, Object... arguments)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT " + RUN_COLUMNS + " FROM " + RUNS_WITH_DEFINITIONS + " " + where)) {
      for (int i = 0; i < arguments.length; i++) {
        statement.setObject(i + 1, arguments[i]);
      }
      return rows(statement);
    }
  }

  /** Reads the runs a query of {@link #RUN_COLUMNS} (or the state columns) selects. */
  private static List<RunRow> rows(PreparedStatement statement) throws SQLException {
    List<RunRow> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.add(
            new RunRow(
                result.getString("id"),
                result.getString("namespace"),
                result.getString("workflow"),
                result.getLong("seq"),
                Trigger.of(result.getString("trigger")),
                RunStatus.of(result.getString("status")),
                result.getString("reason"),
                result.getString("message"),
                instant(result, "scheduled_time"),
                instant(result, "created_at"),
                instant(result, "started_at"),
                instant(result, "finished_at"),
                result.getString("parameters"),
                result.getString("definition"),
                result.getBoolean("cancel_requested")));
      }
    }
    return rows;
  }

  private static Instant instant(ResultSet result, String column) throws SQLException {
    java.sql.Timestamp timestamp = result.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static Instant instant(ResultSet result, int column) throws SQLException {
    java.sql.Timestamp timestamp = result.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}

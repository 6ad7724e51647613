package io.nightshift.store;

import io.nightshift.metrics.MetricsStore;
import io.nightshift.run.RunStatus;
import io.nightshift.run.Trigger;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The one way a run is created, one at a time (manual runs, backfills); the due scan creates
 * scheduled runs a batch at a time with the same columns ({@link ScheduleRepository#fireDue}). A
 * run takes its seq from its workflow's narrow schedules row and names the definition generation it
 * runs, which it does not copy.
 */
@Singleton
public class RunCreation {

  private final Jdbc jdbc;

  public RunCreation(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * A run to create.
   *
   * @param workflowUid with {@code generation}, the definition the run runs: the one the caller
   *     read, so that what it checked (parameters) is what runs
   * @param trigger schedule, manual or backfill
   * @param status Pending, or Missed when too late to start
   * @param idempotencyKey names a manual run, or null
   */
  public record NewRunRequest(
      String namespace,
      String workflow,
      UUID workflowUid,
      long generation,
      Trigger trigger,
      Instant scheduledTime,
      RunStatus status,
      String parametersJson,
      String idempotencyKey,
      Instant now) {}

  /** A new run's identity. */
  public record NewRun(String id, long seq) {}

  /**
   * Records the run, once: when a non-manual run for that scheduled time exists already, or a run
   * with that idempotency key, or the workflow is gone or was recreated since the caller read it,
   * nothing is written and the result is empty. A refused run consumes no seq.
   */
  public Optional<NewRun> create(NewRunRequest request) {
    return jdbc.inTransaction(
        connection -> {
          long seq;
          // Locks the narrow schedules row: runs of one workflow take their seq one after another.
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE schedules SET last_run_seq = last_run_seq + 1"
                      + " WHERE namespace = ? AND name = ? AND uid = ? RETURNING last_run_seq")) {
            statement.setString(1, request.namespace());
            statement.setString(2, request.workflow());
            statement.setObject(3, request.workflowUid());
            try (ResultSet result = statement.executeQuery()) {
              if (!result.next()) {
                return Optional.empty();
              }
              seq = result.getLong(1);
            }
          }
          String id = RunIds.next(request.now());
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO runs (id, namespace, workflow, seq, trigger, status,"
                      + " scheduled_time, created_at, parameters, workflow_uid, generation,"
                      + " idempotency_key)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json), ?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            statement.setString(1, id);
            statement.setString(2, request.namespace());
            statement.setString(3, request.workflow());
            statement.setLong(4, seq);
            statement.setString(5, request.trigger().spelling());
            statement.setString(6, request.status().spelling());
            statement.setTimestamp(7, Jdbc.timestamp(request.scheduledTime()));
            statement.setTimestamp(8, Jdbc.timestamp(request.now()));
            statement.setString(9, request.parametersJson());
            statement.setObject(10, request.workflowUid());
            statement.setLong(11, request.generation());
            statement.setString(12, request.idempotencyKey());
            if (statement.executeUpdate() == 0) {
              connection.rollback();
              return Optional.empty();
            }
          }
          if (!request.status().ended()) {
            RunNotifications.send(connection, List.of(id));
          }
          if (request.status() == RunStatus.MISSED) {
            MetricsStore.runEnded(
                connection,
                request.namespace(),
                request.workflow(),
                request.trigger().spelling(),
                request.status().spelling(),
                null,
                null,
                null);
          }
          return Optional.of(new NewRun(id, seq));
        });
  }
}

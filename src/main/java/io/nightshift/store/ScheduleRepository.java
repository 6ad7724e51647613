package io.nightshift.store;

import io.nightshift.metrics.MetricsStore;
import io.nightshift.run.Attempt;
import io.nightshift.run.NotLeaderException;
import io.nightshift.run.RunStatus;
import io.nightshift.run.RunStore.Leftover;
import io.nightshift.run.Trigger;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The schedules table (one narrow row per workflow: when it fires next, its last run seq) and the
 * stored generations of definitions that runs refer to.
 */
@Singleton
public class ScheduleRepository {

  private static final String COLUMNS =
      "namespace, name, uid, generation, cron, time_zone, suspended, starting_deadline_seconds,"
          + " next_fire_time, successful_history_limit, failed_history_limit, parameters";

  private static final String SELECT_COLUMNS =
      "namespace, name, uid, generation, cron, time_zone, suspended, starting_deadline_seconds,"
          + " next_fire_time, successful_history_limit, failed_history_limit,"
          + " parameters::text AS parameters";

  private final Jdbc jdbc;

  public ScheduleRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * A workflow's schedule as stored; {@code cron} is null when it has none. {@code parametersJson}
   * are the definition's parameters, which its scheduled runs start with.
   */
  public record ScheduleRow(
      String namespace,
      String name,
      UUID uid,
      long generation,
      String cron,
      String timeZone,
      boolean suspended,
      Long startingDeadlineSeconds,
      Instant nextFireTime,
      int successfulHistoryLimit,
      int failedHistoryLimit,
      String parametersJson) {}

  /** The leader's credentials, checked in the transaction they guard. */
  public record Fence(String node, long token) {}

  /** A run a fire records: its scheduled time and the status it starts in. */
  public record PlannedRun(Instant scheduledTime, String status) {}

  /**
   * What to do with one due schedule: record {@code runs} (oldest first) and move {@code
   * nextFireTime} on (null: it never fires again).
   */
  public record Fire(String namespace, String name, Instant nextFireTime, List<PlannedRun> runs) {}

  /**
   * One batch of {@link #fireDue}: how many due schedules it took, how many runs it recorded, and
   * how many of those were Missed.
   */
  public record Batch(int schedules, int runs, int missed) {}

  /** The schedule of a workflow, locked, in the transaction this thread is in. */
  public Optional<ScheduleRow> findForUpdate(String namespace, String name) {
    return jdbc.inCurrentTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT "
                      + SELECT_COLUMNS
                      + " FROM schedules WHERE namespace = ? AND name = ? FOR UPDATE")) {
            statement.setString(1, namespace);
            statement.setString(2, name);
            List<ScheduleRow> rows = rows(statement);
            return rows.stream().findFirst();
          }
        });
  }

  /**
   * Stores a workflow's schedule (its run seq untouched) and the definition of its generation, in
   * the transaction this thread is in.
   */
  public void store(ScheduleRow row, String definitionJson) {
    jdbc.inCurrentTransaction(
        connection -> {
          try (PreparedStatement definition =
              connection.prepareStatement(
                  "INSERT INTO workflow_definitions (uid, generation, definition)"
                      + " VALUES (?, ?, CAST(? AS json)) ON CONFLICT (uid, generation)"
                      + " DO UPDATE SET definition = excluded.definition")) {
            definition.setObject(1, row.uid());
            definition.setLong(2, row.generation());
            definition.setString(3, definitionJson);
            definition.executeUpdate();
          }
          try (PreparedStatement schedule =
              connection.prepareStatement(
                  "INSERT INTO schedules ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json))"
                      + " ON CONFLICT (namespace, name)"
                      + " DO UPDATE SET uid = excluded.uid, generation = excluded.generation,"
                      + " cron = excluded.cron, time_zone = excluded.time_zone,"
                      + " suspended = excluded.suspended,"
                      + " starting_deadline_seconds = excluded.starting_deadline_seconds,"
                      + " next_fire_time = excluded.next_fire_time,"
                      + " successful_history_limit = excluded.successful_history_limit,"
                      + " failed_history_limit = excluded.failed_history_limit,"
                      + " parameters = excluded.parameters")) {
            schedule.setString(1, row.namespace());
            schedule.setString(2, row.name());
            schedule.setObject(3, row.uid());
            schedule.setLong(4, row.generation());
            schedule.setString(5, row.cron());
            schedule.setString(6, row.timeZone());
            schedule.setBoolean(7, row.suspended());
            if (row.startingDeadlineSeconds() == null) {
              schedule.setNull(8, Types.BIGINT);
            } else {
              schedule.setLong(8, row.startingDeadlineSeconds());
            }
            schedule.setTimestamp(9, timestamp(row.nextFireTime()));
            schedule.setInt(10, row.successfulHistoryLimit());
            schedule.setInt(11, row.failedHistoryLimit());
            schedule.setString(12, row.parametersJson());
            schedule.executeUpdate();
          }
          // What admission at fire time needs, read from the generation just stored.
          try (PreparedStatement admission =
              connection.prepareStatement(
                  "UPDATE schedules s SET concurrency_policy ="
                      + " coalesce(d.definition #>> '{spec,concurrencyPolicy}', 'Allow'),"
                      + " steps = ARRAY(SELECT e.step ->> 'name' FROM"
                      + " json_array_elements(d.definition -> 'spec' -> 'steps')"
                      + " WITH ORDINALITY AS e(step, position) ORDER BY e.position)"
                      + " FROM workflow_definitions d WHERE d.uid = s.uid"
                      + " AND d.generation = s.generation AND s.namespace = ? AND s.name = ?")) {
            admission.setString(1, row.namespace());
            admission.setString(2, row.name());
            admission.executeUpdate();
          }
          return null;
        });
  }

  /** The earliest time any schedule is due, if any is. */
  public Optional<Instant> earliest() {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
                  connection.prepareStatement(
                      "SELECT min(next_fire_time) FROM schedules WHERE next_fire_time IS NOT NULL");
              ResultSet result = statement.executeQuery()) {
            result.next();
            return Optional.ofNullable(result.getTimestamp(1)).map(Timestamp::toInstant);
          }
        });
  }

  /**
   * Scheduled, unsuspended workflows without a next fire time: migrated ones whose old trigger was
   * gone, and crons that never fire again.
   */
  public List<ScheduleRow> withoutNextFireTime() {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT "
                      + SELECT_COLUMNS
                      + " FROM schedules WHERE cron IS NOT NULL AND NOT suspended AND"
                      + " next_fire_time IS NULL")) {
            return rows(statement);
          }
        });
  }

  /**
   * Sets the next fire time of a schedule that has none, if its cron and zone are still those
   * given; false when it changed meanwhile (its change set the time).
   */
  public boolean setMissingNextFireTime(ScheduleRow row, Instant nextFireTime) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE schedules SET next_fire_time = ? WHERE namespace = ? AND name = ?"
                      + " AND next_fire_time IS NULL AND NOT suspended AND cron = ?"
                      + " AND time_zone = ?")) {
            statement.setTimestamp(1, timestamp(nextFireTime));
            statement.setString(2, row.namespace());
            statement.setString(3, row.name());
            statement.setString(4, row.cron());
            statement.setString(5, row.timeZone());
            return statement.executeUpdate() == 1;
          }
        });
  }

  /**
   * Fires one batch, in one transaction: locks up to {@code limit} schedules due at {@code now}
   * (earliest first, skipping those another transaction holds), lets {@code decide} say what each
   * fire records, then moves them on, inserts their runs and the step rows of the runs it admits in
   * one statement. A run whose scheduled time has one already (a backfill, another node's fire) is
   * not inserted; its seq is left unused. Missed runs are counted in the same transaction.
   *
   * <p>The runs are created, and those admitted started, at the instant the batch was decided: read
   * from {@code clock} once its schedules are locked and their fires decided, before they are
   * written.
   *
   * <p>On the leader ({@code fence} present), an on-time Pending run of a workflow whose policy is
   * Allow is admitted here: the policy starts it whatever else is active (Admission), so it is
   * written Running, with its steps' rows, Pending, and the engine's next pass starts its first
   * steps. Runs under Forbid, Replace or Queue stay Pending for the engine, the one writer that
   * sees every active run of their workflow.
   *
   * @param fence when present, the transaction first checks that this leader still holds the lease
   * @throws NotLeaderException when the fence no longer holds
   */
  public Batch fireDue(
      Instant now,
      Clock clock,
      int limit,
      Optional<Fence> fence,
      Function<List<ScheduleRow>, List<Fire>> decide) {
    return jdbc.inTransaction(
        connection -> {
          if (fence.isPresent()
              && !LeaseRepository.holds(connection, fence.get().node(), fence.get().token())) {
            throw new NotLeaderException(fence.get().node(), fence.get().token());
          }
          // The batch's keys (at most `limit`) meet a table of every workflow: looked up one by one
          // in its primary key that is a few milliseconds, but the planner's default costs pick a
          // hash join over the whole table, which grows with the number of workflows (seen: 190 ms
          // instead of 28 ms per thousand at 100,000 workflows).
          try (Statement settings = connection.createStatement()) {
            settings.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
          }
          Map<List<String>, Due> locked = new HashMap<>();
          List<ScheduleRow> due = new ArrayList<>();
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT "
                      + SELECT_COLUMNS
                      + ", last_run_seq, concurrency_policy = 'Allow' AND cardinality(steps) > 0"
                      + " AS admissible FROM schedules WHERE next_fire_time <= ?"
                      + " ORDER BY next_fire_time LIMIT ? FOR UPDATE SKIP LOCKED")) {
            statement.setTimestamp(1, timestamp(now));
            statement.setInt(2, limit);
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                ScheduleRow row = row(result);
                due.add(row);
                locked.put(
                    List.of(row.namespace(), row.name()),
                    new Due(row, result.getLong("last_run_seq"), result.getBoolean("admissible")));
              }
            }
          }
          if (due.isEmpty()) {
            return new Batch(0, 0, 0);
          }
          List<Fire> fires = decide.apply(due);
          Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
          Batch written = write(connection, fires, locked, createdAt, fence.isPresent());
          return new Batch(due.size(), written.runs(), written.missed());
        });
  }

  /**
   * A locked due schedule: its row, the last run seq taken, and whether an on-time run of it may be
   * admitted as it fires (its policy is Allow and it has steps).
   */
  private record Due(ScheduleRow row, long lastRunSeq, boolean admissible) {}

  /**
   * Moves each schedule on (taking its runs' seqs), inserts the runs and the step rows of those
   * admitted, in one statement; counts the Missed ones.
   */
  private static Batch write(
      Connection connection,
      List<Fire> fires,
      Map<List<String>, Due> locked,
      Instant createdAt,
      boolean admit)
      throws SQLException {
    int size = fires.size();
    String[] fireNamespaces = new String[size];
    String[] fireNames = new String[size];
    String[] nexts = new String[size];
    Integer[] counts = new Integer[size];
    List<String> ids = new ArrayList<>();
    List<String> namespaces = new ArrayList<>();
    List<String> workflows = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    List<String> times = new ArrayList<>();
    List<String> uids = new ArrayList<>();
    List<Long> generations = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Fire fire = fires.get(i);
      Due due = locked.get(List.of(fire.namespace(), fire.name()));
      if (due == null) {
        throw new IllegalArgumentException(
            "a fire of " + fire.namespace() + "/" + fire.name() + ", not in the batch");
      }
      fireNamespaces[i] = fire.namespace();
      fireNames[i] = fire.name();
      nexts[i] = fire.nextFireTime() == null ? null : fire.nextFireTime().toString();
      counts[i] = fire.runs().size();
      long seq = due.lastRunSeq();
      for (PlannedRun run : fire.runs()) {
        boolean admitted =
            admit && due.admissible() && RunStatus.PENDING.spelling().equals(run.status());
        ids.add(RunIds.next(createdAt));
        namespaces.add(fire.namespace());
        workflows.add(fire.name());
        seqs.add(++seq);
        statuses.add(admitted ? RunStatus.RUNNING.spelling() : run.status());
        times.add(run.scheduledTime().toString());
        uids.add(due.row().uid().toString());
        generations.add(due.row().generation());
        parameters.add(due.row().parametersJson());
      }
    }
    int inserted;
    Map<List<String>, Integer> missed = new HashMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "WITH moved AS (UPDATE schedules s SET next_fire_time = u.next,"
                + " last_run_seq = s.last_run_seq + u.n"
                + " FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int[])"
                + " AS u(namespace, name, next, n)"
                + " WHERE s.namespace = u.namespace AND s.name = u.name),"
                + " inserted AS (INSERT INTO runs (id, namespace, workflow, seq, trigger, status,"
                + " scheduled_time, created_at, started_at, parameters, workflow_uid, generation)"
                + " SELECT u.id, u.namespace, u.workflow, u.seq, 'schedule', u.status,"
                + " u.scheduled_time, ?, CASE WHEN u.status = 'Running' THEN ?::timestamptz END,"
                + " CAST(u.parameters AS json), u.uid, u.generation"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],"
                + " ?::timestamptz[], ?::uuid[], ?::bigint[], ?::text[])"
                + " AS u(id, namespace, workflow, seq, status, scheduled_time, uid, generation,"
                + " parameters)"
                + " ON CONFLICT (namespace, workflow, scheduled_time) WHERE trigger <> 'manual'"
                + " DO NOTHING RETURNING id, namespace, workflow, status),"
                // The step rows of the runs admitted, Pending, in their definition's order: the
                // steps of the generation stored, which the locked row still names.
                + " steps AS (INSERT INTO run_steps (run_id, name, position, status, attempt)"
                + " SELECT i.id, step.name, step.position - 1, 'Pending', 0 FROM inserted i"
                + " JOIN schedules s ON s.namespace = i.namespace AND s.name = i.workflow"
                + " CROSS JOIN LATERAL unnest(s.steps) WITH ORDINALITY AS step(name, position)"
                + " WHERE i.status = 'Running')"
                + " SELECT count(*), array_agg(namespace) FILTER (WHERE status = 'Missed'),"
                + " array_agg(workflow) FILTER (WHERE status = 'Missed'),"
                // The leader's engine hears of the runs it has to move on, once committed.
                + " (SELECT count(pg_notify('"
                + RunNotifications.CHANNEL
                + "', id)) FROM inserted WHERE status IN ('Pending', 'Running'))"
                + " FROM inserted")) {
      statement.setArray(1, connection.createArrayOf("text", fireNamespaces));
      statement.setArray(2, connection.createArrayOf("text", fireNames));
      statement.setArray(3, connection.createArrayOf("text", nexts));
      statement.setArray(4, connection.createArrayOf("int4", counts));
      statement.setTimestamp(5, Jdbc.timestamp(createdAt));
      statement.setTimestamp(6, Jdbc.timestamp(createdAt));
      statement.setArray(7, text(connection, ids));
      statement.setArray(8, text(connection, namespaces));
      statement.setArray(9, text(connection, workflows));
      statement.setArray(10, connection.createArrayOf("int8", seqs.toArray(Long[]::new)));
      statement.setArray(11, text(connection, statuses));
      statement.setArray(12, text(connection, times));
      statement.setArray(13, text(connection, uids));
      statement.setArray(14, connection.createArrayOf("int8", generations.toArray(Long[]::new)));
      statement.setArray(15, text(connection, parameters));
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        inserted = result.getInt(1);
        Array missedNamespaces = result.getArray(2);
        if (missedNamespaces != null) {
          String[] missedIn = (String[]) missedNamespaces.getArray();
          String[] missedOf = (String[]) result.getArray(3).getArray();
          for (int i = 0; i < missedIn.length; i++) {
            missed.merge(List.of(missedIn[i], missedOf[i]), 1, Integer::sum);
          }
        }
      }
    }
    MetricsStore.runsMissed(connection, Trigger.SCHEDULE.spelling(), missed);
    return new Batch(0, inserted, missed.values().stream().mapToInt(Integer::intValue).sum());
  }

  /**
   * Deletes the ended runs of these workflows beyond each one's history limits, in one statement:
   * Succeeded runs past {@code successful_history_limit}, the others (Failed, Cancelled, Skipped,
   * Missed) past {@code failed_history_limit}, newest (by seq) kept, and none that ended at or
   * after {@code endedBefore}. Returns the step attempts of the deleted runs, for their resources.
   *
   * @param namespaces with {@code names}, the workflows, pairwise
   */
  public static List<Leftover> deleteBeyondLimits(
      Connection connection, String[] namespaces, String[] names, Instant endedBefore)
      throws SQLException {
    return deleteBeyondLimits(
        connection,
        "SELECT DISTINCT * FROM unnest(?::text[], ?::text[]) AS k(namespace, name)",
        statement -> {
          statement.setArray(1, connection.createArrayOf("text", namespaces));
          statement.setArray(2, connection.createArrayOf("text", names));
          return 3;
        },
        endedBefore);
  }

  /**
   * As {@link #deleteBeyondLimits(Connection, String[], String[], Instant)}, for the workflows that
   * have a run ended at or after {@code endedSince}: those whose history may have grown.
   */
  public static List<Leftover> deleteBeyondLimits(
      Connection connection, Instant endedSince, Instant endedBefore) throws SQLException {
    return deleteBeyondLimits(
        connection,
        "SELECT DISTINCT namespace, workflow AS name FROM runs WHERE finished_at >= ?",
        statement -> {
          statement.setTimestamp(1, Jdbc.timestamp(endedSince));
          return 2;
        },
        endedBefore);
  }

  /** Sets the parameters of a statement's keys; returns the index of the next parameter. */
  @FunctionalInterface
  private interface KeyParameters {
    int set(PreparedStatement statement) throws SQLException;
  }

  private static List<Leftover> deleteBeyondLimits(
      Connection connection, String keys, KeyParameters keyParameters, Instant endedBefore)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "WITH keys AS ("
                + keys
                + "),"
                + " ranked AS (SELECT r.id, r.status, r.finished_at, s.successful_history_limit,"
                + " s.failed_history_limit, row_number() OVER (PARTITION BY r.namespace,"
                + " r.workflow, r.status = 'Succeeded' ORDER BY r.seq DESC) AS n"
                + " FROM keys k JOIN schedules s ON s.namespace = k.namespace AND s.name = k.name"
                + " JOIN runs r ON r.namespace = k.namespace AND r.workflow = k.name"
                + " WHERE r.status NOT IN ('Pending', 'Running')),"
                + " doomed AS (SELECT id FROM ranked WHERE n > CASE WHEN status = 'Succeeded'"
                + " THEN successful_history_limit ELSE failed_history_limit END"
                + " AND coalesce(finished_at, '-infinity') < ?),"
                + " attempts AS (SELECT r.namespace, r.workflow, r.seq, s.name, s.attempt"
                + " FROM run_steps s JOIN runs r ON r.id = s.run_id"
                + " WHERE s.run_id IN (SELECT id FROM doomed) AND s.attempt > 0),"
                + " deleted AS (DELETE FROM runs WHERE id IN (SELECT id FROM doomed))"
                + " SELECT namespace, workflow, seq, name, attempt FROM attempts")) {
      statement.setTimestamp(keyParameters.set(statement), Jdbc.timestamp(endedBefore));
      List<Leftover> attempts = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          attempts.add(
              new Leftover(
                  result.getString(1),
                  new Attempt(
                      result.getString(2),
                      result.getLong(3),
                      result.getString(4),
                      result.getInt(5))));
        }
      }
      return attempts;
    }
  }

  private static Array text(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray(String[]::new));
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Jdbc.timestamp(instant);
  }

  private static List<ScheduleRow> rows(PreparedStatement statement) throws SQLException {
    List<ScheduleRow> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.add(row(result));
      }
    }
    return rows;
  }

  /** The schedule row the result is on, read from {@link #SELECT_COLUMNS}. */
  private static ScheduleRow row(ResultSet result) throws SQLException {
    Timestamp next = result.getTimestamp("next_fire_time");
    long deadline = result.getLong("starting_deadline_seconds");
    Long startingDeadline = result.wasNull() ? null : deadline;
    return new ScheduleRow(
        result.getString("namespace"),
        result.getString("name"),
        result.getObject("uid", UUID.class),
        result.getLong("generation"),
        result.getString("cron"),
        result.getString("time_zone"),
        result.getBoolean("suspended"),
        startingDeadline,
        next == null ? null : next.toInstant(),
        result.getInt("successful_history_limit"),
        result.getInt("failed_history_limit"),
        result.getString("parameters"));
  }
}

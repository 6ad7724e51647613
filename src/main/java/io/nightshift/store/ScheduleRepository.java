package io.nightshift.store;

import io.nightshift.engine.Admission;
import io.nightshift.metrics.MetricsStore;
import io.nightshift.run.Attempt;
import io.nightshift.run.NotLeaderException;
import io.nightshift.run.RunStatus;
import io.nightshift.run.RunStore.Leftover;
import io.nightshift.run.Trigger;
import io.nightshift.workflow.ConcurrencyPolicy;
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
import java.util.Collection;
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
  public record PlannedRun(Instant scheduledTime, String status, String reason, String message) {

    public PlannedRun(Instant scheduledTime, String status) {
      this(scheduledTime, status, null, null);
    }
  }

  /**
   * What admitting a run of a due schedule as it fires weighs, read once the schedule is locked:
   * its concurrency policy as spelled in its definition, whether it has steps, and the workflow's
   * active runs: the ids of those Running, how many wait in the queue, and how many are Pending and
   * not yet decided by the engine, oldest first.
   */
  public record Admittance(
      String policy, boolean hasSteps, List<String> running, int queued, int undecided) {}

  /**
   * A due schedule, locked, with what admission weighs: present on the leader's fenced scan only,
   * which is the one that may admit.
   */
  public record DueSchedule(ScheduleRow row, Optional<Admittance> admittance) {}

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
      Function<List<DueSchedule>, List<Fire>> decide) {
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
                      + ", last_run_seq, concurrency_policy, cardinality(steps) > 0 AS has_steps"
                      + " FROM schedules WHERE next_fire_time <= ?"
                      + " ORDER BY next_fire_time LIMIT ? FOR UPDATE SKIP LOCKED")) {
            statement.setTimestamp(1, timestamp(now));
            statement.setInt(2, limit);
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                ScheduleRow row = row(result);
                due.add(row);
                locked.put(
                    List.of(row.namespace(), row.name()),
                    new Due(
                        row,
                        result.getLong("last_run_seq"),
                        result.getString("concurrency_policy"),
                        result.getBoolean("has_steps")));
              }
            }
          }
          if (due.isEmpty()) {
            return new Batch(0, 0, 0);
          }
          Map<List<String>, Siblings> siblings =
              fence.isPresent() ? siblings(connection, locked.values()) : Map.of();
          List<DueSchedule> schedules = new ArrayList<>(due.size());
          for (ScheduleRow row : due) {
            List<String> key = List.of(row.namespace(), row.name());
            Due locking = locked.get(key);
            Optional<Admittance> admittance =
                fence.map(
                    leader -> {
                      Siblings active = siblings.getOrDefault(key, Siblings.NONE);
                      return new Admittance(
                          locking.policy(),
                          locking.hasSteps(),
                          active.running(),
                          active.queued(),
                          active.undecided());
                    });
            schedules.add(new DueSchedule(row, admittance));
          }
          List<Fire> fires = decide.apply(schedules);
          Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
          Batch written = write(connection, fires, locked, createdAt);
          return new Batch(due.size(), written.runs(), written.missed());
        });
  }

  /** A locked due schedule: its row, the last run seq taken, its policy, whether it has steps. */
  private record Due(ScheduleRow row, long lastRunSeq, String policy, boolean hasSteps) {}

  /** A workflow's active runs, as admission weighs them. */
  private record Siblings(List<String> running, int queued, int undecided) {
    static final Siblings NONE = new Siblings(List.of(), 0, 0);
  }

  /**
   * The active runs of the locked schedules whose runs admission weighs against others (every
   * policy but Allow), read after the locks are held: a run created or retried meanwhile took the
   * same schedule row's lock and has committed, so this statement sees it.
   */
  private static Map<List<String>, Siblings> siblings(Connection connection, Collection<Due> locked)
      throws SQLException {
    List<String> namespaces = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Due due : locked) {
      if (due.hasSteps() && ConcurrencyPolicy.of(due.policy()) != ConcurrencyPolicy.ALLOW) {
        namespaces.add(due.row().namespace());
        names.add(due.row().name());
      }
    }
    if (namespaces.isEmpty()) {
      return Map.of();
    }
    Map<List<String>, List<String>> running = new HashMap<>();
    Map<List<String>, Integer> queued = new HashMap<>();
    Map<List<String>, Integer> undecided = new HashMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT r.namespace, r.workflow, r.id, r.status, r.reason FROM runs r"
                + " JOIN unnest(?::text[], ?::text[]) AS k(namespace, name)"
                + " ON r.namespace = k.namespace AND r.workflow = k.name"
                + " WHERE r.status IN ('Pending', 'Running') ORDER BY r.seq")) {
      statement.setArray(1, text(connection, namespaces));
      statement.setArray(2, text(connection, names));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          List<String> key = List.of(result.getString(1), result.getString(2));
          if (RunStatus.RUNNING.spelling().equals(result.getString(4))) {
            running.computeIfAbsent(key, k -> new ArrayList<>()).add(result.getString(3));
          } else if (Admission.QUEUED.equals(result.getString(5))) {
            queued.merge(key, 1, Integer::sum);
          } else {
            undecided.merge(key, 1, Integer::sum);
          }
        }
      }
    }
    Map<List<String>, Siblings> siblings = new HashMap<>();
    for (int i = 0; i < namespaces.size(); i++) {
      List<String> key = List.of(namespaces.get(i), names.get(i));
      siblings.put(
          key,
          new Siblings(
              running.getOrDefault(key, List.of()),
              queued.getOrDefault(key, 0),
              undecided.getOrDefault(key, 0)));
    }
    return siblings;
  }

  /**
   * Moves each schedule on (taking its runs' seqs), inserts the runs as decided (Running with their
   * step rows, Pending, Queued, Skipped or Missed) in one statement, and signals those still active
   * to the leader's engine; counts the Missed and Skipped ones.
   */
  private static Batch write(
      Connection connection, List<Fire> fires, Map<List<String>, Due> locked, Instant createdAt)
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
    List<String> reasons = new ArrayList<>();
    List<String> messages = new ArrayList<>();
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
        if (RunStatus.RUNNING.spelling().equals(run.status()) && !due.hasSteps()) {
          throw new IllegalArgumentException(
              fire.namespace() + "/" + fire.name() + " has no steps to start");
        }
        ids.add(RunIds.next(createdAt));
        namespaces.add(fire.namespace());
        workflows.add(fire.name());
        seqs.add(++seq);
        statuses.add(run.status());
        reasons.add(run.reason());
        messages.add(run.message());
        times.add(run.scheduledTime().toString());
        uids.add(due.row().uid().toString());
        generations.add(due.row().generation());
        parameters.add(due.row().parametersJson());
      }
    }
    int inserted;
    Map<List<String>, Integer> missed = new HashMap<>();
    MetricsStore.Pending skipped = new MetricsStore.Pending();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "WITH moved AS (UPDATE schedules s SET next_fire_time = u.next,"
                + " last_run_seq = s.last_run_seq + u.n"
                + " FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int[])"
                + " AS u(namespace, name, next, n)"
                + " WHERE s.namespace = u.namespace AND s.name = u.name),"
                + " inserted AS (INSERT INTO runs (id, namespace, workflow, seq, trigger, status,"
                + " reason, message, scheduled_time, created_at, started_at, finished_at,"
                + " parameters, workflow_uid, generation)"
                + " SELECT u.id, u.namespace, u.workflow, u.seq, 'schedule', u.status, u.reason,"
                + " u.message, u.scheduled_time, ?,"
                + " CASE WHEN u.status = 'Running' THEN ?::timestamptz END,"
                + " CASE WHEN u.status = 'Skipped' THEN ?::timestamptz END,"
                + " CAST(u.parameters AS json), u.uid, u.generation"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],"
                + " ?::text[], ?::text[], ?::timestamptz[], ?::uuid[], ?::bigint[], ?::text[])"
                + " AS u(id, namespace, workflow, seq, status, reason, message, scheduled_time,"
                + " uid, generation, parameters)"
                + " ON CONFLICT (namespace, workflow, scheduled_time) WHERE trigger <> 'manual'"
                + " DO NOTHING RETURNING id, namespace, workflow, status, reason),"
                // The step rows of the runs admitted, Pending, in their definition's order: the
                // steps of the generation stored, which the locked row still names.
                + " steps AS (INSERT INTO run_steps (run_id, name, position, status, attempt)"
                + " SELECT i.id, step.name, step.position - 1, 'Pending', 0 FROM inserted i"
                + " JOIN schedules s ON s.namespace = i.namespace AND s.name = i.workflow"
                + " CROSS JOIN LATERAL unnest(s.steps) WITH ORDINALITY AS step(name, position)"
                + " WHERE i.status = 'Running')"
                + " SELECT count(*), array_agg(namespace) FILTER (WHERE status = 'Missed'),"
                + " array_agg(workflow) FILTER (WHERE status = 'Missed'),"
                + " array_agg(namespace) FILTER (WHERE status = 'Skipped'),"
                + " array_agg(workflow) FILTER (WHERE status = 'Skipped'),"
                + " array_agg(reason) FILTER (WHERE status = 'Skipped'),"
                // The leader's engine hears of the runs it has to move on, once committed.
                + " (SELECT count(pg_notify('"
                + RunNotifications.CHANNEL
                + "', id)) FROM inserted WHERE status IN ('Pending', 'Running'))"
                + " FROM inserted")) {
      int n = 0;
      statement.setArray(++n, connection.createArrayOf("text", fireNamespaces));
      statement.setArray(++n, connection.createArrayOf("text", fireNames));
      statement.setArray(++n, connection.createArrayOf("text", nexts));
      statement.setArray(++n, connection.createArrayOf("int4", counts));
      statement.setTimestamp(++n, Jdbc.timestamp(createdAt));
      statement.setTimestamp(++n, Jdbc.timestamp(createdAt));
      statement.setTimestamp(++n, Jdbc.timestamp(createdAt));
      statement.setArray(++n, text(connection, ids));
      statement.setArray(++n, text(connection, namespaces));
      statement.setArray(++n, text(connection, workflows));
      statement.setArray(++n, connection.createArrayOf("int8", seqs.toArray(Long[]::new)));
      statement.setArray(++n, text(connection, statuses));
      statement.setArray(++n, text(connection, reasons));
      statement.setArray(++n, text(connection, messages));
      statement.setArray(++n, text(connection, times));
      statement.setArray(++n, text(connection, uids));
      statement.setArray(++n, connection.createArrayOf("int8", generations.toArray(Long[]::new)));
      statement.setArray(++n, text(connection, parameters));
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        inserted = result.getInt(1);
        String[] missedIn = strings(result, 2);
        String[] missedOf = strings(result, 3);
        for (int i = 0; i < missedIn.length; i++) {
          missed.merge(List.of(missedIn[i], missedOf[i]), 1, Integer::sum);
        }
        String[] skippedIn = strings(result, 4);
        String[] skippedOf = strings(result, 5);
        String[] skippedFor = strings(result, 6);
        for (int i = 0; i < skippedIn.length; i++) {
          MetricsStore.runEnded(
              skipped,
              skippedIn[i],
              skippedOf[i],
              Trigger.SCHEDULE.spelling(),
              RunStatus.SKIPPED.spelling(),
              skippedFor[i],
              null,
              createdAt);
        }
      }
    }
    MetricsStore.runsMissed(connection, Trigger.SCHEDULE.spelling(), missed);
    skipped.flush(connection);
    return new Batch(0, inserted, missed.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** A text[] column, empty when null (an aggregate over no rows). */
  private static String[] strings(ResultSet result, int column) throws SQLException {
    Array array = result.getArray(column);
    return array == null ? new String[0] : (String[]) array.getArray();
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

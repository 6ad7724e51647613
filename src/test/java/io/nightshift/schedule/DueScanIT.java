package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.run.NotLeaderException;
import io.nightshift.store.LeaseRepository;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.store.ScheduleRepository.Batch;
import io.nightshift.store.ScheduleRepository.DueSchedule;
import io.nightshift.store.ScheduleRepository.Fence;
import io.nightshift.store.ScheduleRepository.Fire;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The due scan on a real PostgreSQL, without a node: set-wise, exactly once, fenced. */
class DueScanIT {

  private static final Instant NINE = Instant.parse("2026-11-23T09:00:00Z");

  private PostgresFixture.Database database;
  private DataSource dataSource;

  @BeforeEach
  void migrate() {
    database = PostgresFixture.newDatabase();
    dataSource = database.migratedDataSource();
  }

  private DueScan scan(DataSource on) {
    return new DueScan(new ScheduleRepository(on), Clock.fixed(NINE, ZoneOffset.UTC));
  }

  /** {@code count} workflows w1… in namespace bulk on {@code cron}, next due at {@code next}. */
  private void workflows(int count, String cron, Long deadline, Instant next) throws Exception {
    execute(
        "INSERT INTO workflows (namespace, name, uid, generation, resource_version, definition,"
            + " created_at, updated_at) SELECT 'bulk', 'w' || i, gen_random_uuid(), 1, 1,"
            + " '{\"spec\": {\"parameters\": {\"day\": \"mon\"}}}', now(), now()"
            + " FROM generate_series(1, "
            + count
            + ") i");
    execute("INSERT INTO workflow_definitions SELECT uid, generation, definition FROM workflows");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO schedules (namespace, name, uid, generation, cron, time_zone,"
                    + " suspended, starting_deadline_seconds, next_fire_time,"
                    + " successful_history_limit, failed_history_limit, parameters)"
                    + " SELECT namespace, name, uid, 1, ?, 'UTC', false, ?, ?, 3, 1,"
                    + " definition -> 'spec' -> 'parameters' FROM workflows")) {
      statement.setString(1, cron);
      statement.setObject(2, deadline);
      statement.setTimestamp(3, Timestamp.from(next));
      statement.executeUpdate();
    }
  }

  @Test
  void ten_thousand_schedules_due_at_once_fire_exactly_once_across_three_racing_nodes()
      throws Exception {
    int size = 10_000;
    workflows(size, "* * * * *", null, NINE);
    List<DueScan> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(scan(database.migratedDataSource()));
    }
    ExecutorService threads = Executors.newFixedThreadPool(3);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<DueScan.Result>> results = new ArrayList<>();
    try {
      for (DueScan node : nodes) {
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return node.unfenced(NINE.plusMillis(5));
                }));
      }
      long started = System.nanoTime();
      start.countDown();
      int fired = 0;
      for (Future<DueScan.Result> result : results) {
        fired += result.get().runs();
      }
      System.out.printf(
          "DueScanIT: %d schedules due at once fired by 3 racing scans in %d ms%n",
          size, Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertThat(fired).isEqualTo(size);
    } finally {
      threads.shutdownNow();
    }

    assertThat(count("SELECT count(*) FROM runs")).isEqualTo(size);
    assertThat(count("SELECT count(DISTINCT workflow) FROM runs")).isEqualTo(size);
    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE seq = 1 AND status = 'Pending' AND trigger ="
                    + " 'schedule' AND scheduled_time = '"
                    + NINE
                    + "' AND parameters::text = '{\"day\": \"mon\"}' AND generation = 1"))
        .isEqualTo(size);
    assertThat(
            count(
                "SELECT count(*) FROM schedules WHERE last_run_seq = 1 AND next_fire_time = '"
                    + NINE.plusSeconds(60)
                    + "'"))
        .isEqualTo(size);
    // Nothing more is due at that instant.
    assertThat(scan(dataSource).unfenced(NINE.plusMillis(5)).runs()).isZero();
  }

  @Test
  void batches_run_side_by_side_on_the_leader_and_still_fire_each_time_once() throws Exception {
    int size = 3 * DueScan.BATCH_SIZE + 500;
    workflows(size, "* * * * *", null, NINE);
    execute("UPDATE schedules SET steps = '{extract,load}'");
    execute("UPDATE schedules SET concurrency_policy = 'Forbid' WHERE name LIKE '%7'");
    long token = lease("node-1");
    List<DueScan> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      nodes.add(
          new DueScan(
              new ScheduleRepository(database.migratedDataSource()),
              Clock.fixed(NINE, ZoneOffset.UTC),
              3));
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<DueScan.Result>> results = new ArrayList<>();
    try {
      // Two scans of the one leader, each with three batches at once: six transactions racing.
      for (DueScan node : nodes) {
        results.add(threads.submit(() -> node.fenced(NINE.plusMillis(5), "node-1", token)));
      }
      int fired = 0;
      int schedules = 0;
      for (Future<DueScan.Result> result : results) {
        fired += result.get().runs();
        schedules += result.get().schedules();
      }
      assertThat(fired).isEqualTo(size);
      assertThat(schedules).isEqualTo(size);
    } finally {
      threads.shutdownNow();
    }

    assertThat(count("SELECT count(*) FROM runs")).isEqualTo(size);
    assertThat(count("SELECT count(DISTINCT workflow) FROM runs WHERE seq = 1")).isEqualTo(size);
    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE status = 'Running' AND started_at = created_at"
                    + " AND scheduled_time = '"
                    + NINE
                    + "'"))
        .as("Forbid with nothing active starts as Allow does")
        .isEqualTo(size);
    assertThat(count("SELECT count(*) FROM run_steps")).isEqualTo(2 * size);
    assertThat(
            count(
                "SELECT count(*) FROM schedules WHERE last_run_seq = 1 AND next_fire_time = '"
                    + NINE.plusSeconds(60)
                    + "'"))
        .isEqualTo(size);
  }

  @Test
  void a_batch_that_fails_beside_another_is_rolled_back_alone_and_the_scan_throws()
      throws Exception {
    int size = 3 * DueScan.BATCH_SIZE;
    workflows(size, "* * * * *", null, NINE);
    AtomicInteger decided = new AtomicInteger();
    ScheduleRepository failingSecond =
        new ScheduleRepository(dataSource) {
          @Override
          public Batch fireDue(
              Instant now,
              Clock clock,
              int limit,
              Optional<Fence> fence,
              Function<List<DueSchedule>, List<Fire>> decide) {
            return super.fireDue(
                now,
                clock,
                limit,
                fence,
                due -> {
                  // The second batch to be decided, whichever thread runs it, fails, with its
                  // schedules locked.
                  if (decided.incrementAndGet() == 2) {
                    throw new IllegalStateException("cannot decide");
                  }
                  return decide.apply(due);
                });
          }
        };
    DueScan scan = new DueScan(failingSecond, Clock.fixed(NINE, ZoneOffset.UTC), 2);

    assertThatThrownBy(() -> scan.fenced(NINE.plusMillis(5), "node-1", lease("node-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot decide");
    // Each batch wrote all of its fires or none.
    assertThat(count("SELECT count(*) FROM runs"))
        .isEqualTo(count("SELECT count(*) FROM schedules WHERE last_run_seq = 1"))
        .isEqualTo(count("SELECT count(DISTINCT workflow) FROM runs"));
    assertThat(count("SELECT count(*) FROM schedules WHERE last_run_seq > 1")).isZero();
  }

  @Test
  void back_from_an_outage_the_missed_times_are_recorded_and_counted_in_one_batch()
      throws Exception {
    workflows(3, "0 * * * *", 600L, NINE.minus(Duration.ofHours(3)));

    DueScan.Result result = scan(dataSource).unfenced(NINE.plusSeconds(20 * 60));

    assertThat(result.runs()).isEqualTo(12);
    assertThat(result.missed()).isEqualTo(12);
    assertThat(count("SELECT max(seq) FROM runs WHERE workflow = 'w2'")).isEqualTo(4);
    assertThat(
            count(
                "SELECT value FROM metric_values WHERE name = 'nightshift_missed_runs' AND"
                    + " labels::text LIKE '%\"w2\"%'"))
        .isEqualTo(4);
    assertThat(
            count(
                "SELECT value FROM metric_values WHERE name = 'nightshift_runs' AND labels::text"
                    + " LIKE '%\"Missed\"%' AND labels::text LIKE '%\"schedule\"%' AND labels::text"
                    + " LIKE '%\"w3\"%'"))
        .isEqualTo(4);
  }

  @Test
  void a_time_that_has_a_run_already_gets_no_second_one() throws Exception {
    workflows(1, "0 * * * *", null, NINE);
    execute(
        "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, scheduled_time,"
            + " created_at, parameters) VALUES ('backfilled', 'bulk', 'w1', 1, 'backfill',"
            + " 'Pending', '"
            + NINE
            + "', now(), '{}')");
    execute("UPDATE schedules SET last_run_seq = 1");

    assertThat(scan(dataSource).unfenced(NINE).runs()).isZero();
    assertThat(count("SELECT count(*) FROM runs")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM schedules WHERE next_fire_time > '" + NINE + "'"))
        .isEqualTo(1);
  }

  @Test
  void a_fenced_scan_writes_only_while_its_node_holds_the_lease() throws Exception {
    workflows(5, "* * * * *", null, NINE);
    LeaseRepository leases = new LeaseRepository(dataSource);
    long token =
        leases
            .acquireOrRenew("node-1", Instant.now(), Instant.now().plusSeconds(30))
            .orElseThrow()
            .fencingToken();

    assertThatThrownBy(() -> scan(dataSource).fenced(NINE, "node-2", token))
        .isInstanceOf(NotLeaderException.class);
    assertThatThrownBy(() -> scan(dataSource).fenced(NINE, "node-1", token + 1))
        .isInstanceOf(NotLeaderException.class);
    assertThat(count("SELECT count(*) FROM runs")).isZero();

    assertThat(scan(dataSource).fenced(NINE, "node-1", token).runs()).isEqualTo(5);
  }

  @Test
  void on_the_leader_each_policy_is_admitted_as_the_run_fires_against_the_active_runs()
      throws Exception {
    workflows(6, "* * * * *", null, NINE);
    execute("UPDATE schedules SET steps = '{extract,load}'");
    execute("UPDATE schedules SET concurrency_policy = 'Forbid' WHERE name IN ('w1', 'w2')");
    execute("UPDATE schedules SET concurrency_policy = 'Queue' WHERE name IN ('w3', 'w4')");
    execute("UPDATE schedules SET concurrency_policy = 'Replace' WHERE name IN ('w5', 'w6')");
    // w1, w3, w4 and w5 have a run Running; w4 has one queued behind it too.
    for (String name : List.of("w1", "w3", "w4", "w5")) {
      activeRun(name, "running-" + name, 1, "Running", null);
    }
    activeRun("w4", "queued-w4", 2, "Pending", "Queued");

    scan(dataSource).fenced(NINE, "node-1", lease("node-1"));

    assertThat(fired("w1")).isEqualTo("Skipped ConcurrencyForbid finished");
    assertThat(fired("w2")).isEqualTo("Running - started");
    assertThat(fired("w3")).isEqualTo("Pending Queued -");
    assertThat(fired("w4")).isEqualTo("Skipped QueueFull finished");
    assertThat(fired("w5")).as("Replace stops runs: the engine's").isEqualTo("Pending - -");
    assertThat(fired("w6")).isEqualTo("Running - started");
    assertThat(
            count(
                "SELECT count(*) FROM run_steps s JOIN runs r ON r.id = s.run_id"
                    + " WHERE r.trigger = 'schedule'"))
        .as("step rows for the two runs started")
        .isEqualTo(4);
    assertThat(
            count(
                "SELECT sum(value) FROM metric_values WHERE name = 'nightshift_runs' AND labels::json"
                    + " ->> 'status' = 'Skipped'"))
        .isEqualTo(2);
  }

  /** A run of bulk/{@code workflow} written as another writer would have. */
  private void activeRun(String workflow, String id, int seq, String status, String reason)
      throws Exception {
    execute(
        "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, reason, scheduled_time,"
            + " created_at, started_at, parameters, workflow_uid, generation)"
            + " SELECT '"
            + id
            + "', namespace, name, "
            + seq
            + ", 'manual', '"
            + status
            + "', "
            + (reason == null ? "NULL" : "'" + reason + "'")
            + ", now(), now(), now(), CAST('{}' AS json), uid, generation FROM schedules"
            + " WHERE name = '"
            + workflow
            + "'");
    execute("UPDATE schedules SET last_run_seq = " + seq + " WHERE name = '" + workflow + "'");
  }

  /** The scheduled run of bulk/{@code workflow}: status, reason, and which end times it has. */
  private String fired(String workflow) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT status || ' ' || coalesce(reason, '-') || ' ' || CASE WHEN started_at IS"
                    + " NOT NULL THEN 'started' WHEN finished_at IS NOT NULL THEN 'finished'"
                    + " ELSE '-' END FROM runs WHERE workflow = ? AND trigger = 'schedule'")) {
      statement.setString(1, workflow);
      try (ResultSet result = statement.executeQuery()) {
        assertThat(result.next()).as("a scheduled run of " + workflow).isTrue();
        return result.getString(1);
      }
    }
  }

  @Test
  void on_the_leader_a_run_with_nothing_active_is_admitted_by_the_scan_with_its_steps()
      throws Exception {
    workflows(3, "* * * * *", null, NINE);
    execute("UPDATE schedules SET steps = '{extract,load}'");
    execute("UPDATE schedules SET concurrency_policy = 'Forbid' WHERE name = 'w3'");

    scan(dataSource).fenced(NINE, "node-1", lease("node-1"));

    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE workflow IN ('w1', 'w2') AND status = 'Running'"
                    + " AND started_at = '"
                    + NINE
                    + "'"))
        .isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE workflow = 'w3' AND status = 'Running'"
                    + " AND started_at = '"
                    + NINE
                    + "'"))
        .as("Forbid with nothing active starts too")
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM run_steps s JOIN runs r ON r.id = s.run_id WHERE"
                    + " s.status = 'Pending' AND s.attempt = 0 AND ((s.name = 'extract' AND"
                    + " s.position = 0) OR (s.name = 'load' AND s.position = 1))"
                    + " AND r.workflow IN ('w1', 'w2', 'w3')"))
        .isEqualTo(6);
    assertThat(count("SELECT count(*) FROM run_steps")).isEqualTo(6);
  }

  @Test
  void without_a_leader_every_on_time_run_is_left_pending_for_the_next_leader() throws Exception {
    workflows(2, "* * * * *", null, NINE);
    execute("UPDATE schedules SET steps = '{extract,load}'");

    scan(dataSource).unfenced(NINE);

    assertThat(count("SELECT count(*) FROM runs WHERE status = 'Pending'")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM run_steps")).isZero();
  }

  private long lease(String node) {
    return new LeaseRepository(dataSource)
        .acquireOrRenew(node, Instant.now(), Instant.now().plusSeconds(30))
        .orElseThrow()
        .fencingToken();
  }

  private void execute(String sql) throws Exception {
    database.execute(sql);
  }

  private long count(String sql) throws Exception {
    return database.count(sql);
  }
}

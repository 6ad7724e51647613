package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * db-scheduler as a peer: three scheduler instances on the benchmark's database, polling with
 * lock-and-fetch (PostgreSQL's {@code FOR UPDATE SKIP LOCKED}), given N one-time executions due at
 * one instant; each execution writes the run row a fire writes, into a table of its own shaped like
 * {@code runs}.
 */
final class DbSchedulerPeer {

  private static final int THREADS = 8;
  private static final Duration POLLING_INTERVAL = Duration.ofMillis(500);
  private static final String TASKS_TABLE = "bench_scheduled_tasks";

  private DbSchedulerPeer() {}

  static PeerResult run(PostgresFixture.Database database, int instances, int size)
      throws Exception {
    createTasksTable(database);
    PeerRuns runs = PeerRuns.create(database, "bench_db_scheduler_runs");
    List<HikariDataSource> pools = new ArrayList<>();
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      // The run rows carry the due instant, known only once every execution is stored: they read
      // it from here.
      AtomicReference<Instant> due = new AtomicReference<>();
      for (int i = 1; i <= instances; i++) {
        HikariDataSource pool = pool(database, "db-scheduler-" + i);
        pools.add(pool);
        OneTimeTask<Void> task = task(pool, runs, due);
        schedulers.add(
            Scheduler.create(pool, task)
                .schedulerName(new SchedulerName.Fixed("db-scheduler-" + i))
                .tableName(TASKS_TABLE)
                .threads(THREADS)
                .pollUsingLockAndFetch(0.5, 1.0)
                .pollingInterval(POLLING_INTERVAL)
                .build());
      }
      OneTimeTask<Void> task = task(pools.get(0), runs, due);
      Instant placeholder = Instant.now().plus(Duration.ofDays(1));
      List<TaskInstance<?>> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        batch.add(task.instance("w" + i));
        if (batch.size() == 1000 || i == size - 1) {
          schedulers.get(0).scheduleBatch(batch, placeholder);
          batch.clear();
        }
      }
      // Storing them takes longer as the machine is loaded: all are moved to the due instant at
      // once when stored.
      due.set(Instant.now().plusSeconds(2));
      try (Connection connection = database.connect();
          PreparedStatement update =
              connection.prepareStatement("UPDATE " + TASKS_TABLE + " SET execution_time = ?")) {
        update.setTimestamp(1, Timestamp.from(due.get()));
        update.executeUpdate();
      }
      schedulers.forEach(Scheduler::start);
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
      while (runs.count() < size && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      PeerRuns.Written written = runs.written();
      ObjectNode setup = JsonNodeFactory.instance.objectNode();
      setup.put("instances", instances);
      setup.put("threads_each", THREADS);
      setup.put("polling", "lock-and-fetch (FOR UPDATE SKIP LOCKED), lower 0.5, upper 1.0");
      setup.put("polling_interval_ms", POLLING_INTERVAL.toMillis());
      setup.put("execution", "inserts one run row into " + runs.table());
      return new PeerResult(
          "runs/s", written.perSecond(), size, written.lags().count(), written.lags(), setup);
    } finally {
      schedulers.forEach(scheduler -> scheduler.stop());
      pools.forEach(HikariDataSource::close);
      runs.drop();
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("DROP TABLE IF EXISTS " + TASKS_TABLE);
      }
    }
  }

  private static OneTimeTask<Void> task(
      HikariDataSource pool, PeerRuns runs, AtomicReference<Instant> due) {
    String insert = runs.insertOne();
    return Tasks.oneTime("bench-fire")
        .execute(
            (instance, context) -> {
              try (Connection connection = pool.getConnection();
                  PreparedStatement statement = connection.prepareStatement(insert)) {
                PeerRuns.bind(statement, UUID.randomUUID().toString(), instance.getId(), due.get());
                statement.executeUpdate();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  private static HikariDataSource pool(PostgresFixture.Database database, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(database.url());
    config.setUsername(database.username());
    config.setPassword(database.password());
    config.setMaximumPoolSize(THREADS + 2);
    return new HikariDataSource(config);
  }

  /** db-scheduler's table, as its PostgreSQL schema has it, under a name of the benchmark's. */
  private static void createTasksTable(PostgresFixture.Database database) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + TASKS_TABLE);
      statement.execute(
          "CREATE TABLE "
              + TASKS_TABLE
              + " (task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA,"
              + " execution_time TIMESTAMPTZ NOT NULL, picked BOOLEAN NOT NULL, picked_by TEXT,"
              + " last_success TIMESTAMPTZ, last_failure TIMESTAMPTZ, consecutive_failures INT,"
              + " last_heartbeat TIMESTAMPTZ, version BIGINT NOT NULL, priority SMALLINT,"
              + " PRIMARY KEY (task_name, task_instance))");
      statement.execute(
          "CREATE INDEX "
              + TASKS_TABLE
              + "_execution_time ON "
              + TASKS_TABLE
              + " (execution_time)");
      statement.execute(
          "CREATE INDEX "
              + TASKS_TABLE
              + "_last_heartbeat ON "
              + TASKS_TABLE
              + " (last_heartbeat)");
      statement.execute(
          "CREATE INDEX "
              + TASKS_TABLE
              + "_priority_execution_time ON "
              + TASKS_TABLE
              + " (priority DESC, execution_time ASC)");
    }
  }
}

package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.run.RunStore;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** History limits applied to many workflows in one statement, each by its own limits. */
class HistoryCleanupIT {

  private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  private static final Instant LONG_AGO = Instant.parse("2026-11-20T09:00:00Z");

  private DataSource dataSource;

  @BeforeEach
  void migrate() {
    dataSource = PostgresFixture.newDatabase().migratedDataSource();
  }

  private void workflow(String name, int succeededLimit, int otherLimit) throws Exception {
    execute(
        "INSERT INTO workflows (namespace, name, uid, generation, resource_version, definition,"
            + " created_at, updated_at) VALUES ('data', '"
            + name
            + "', gen_random_uuid(), 1, 1, '{}', now(), now())");
    execute(
        "INSERT INTO schedules (namespace, name, uid, generation, time_zone, suspended,"
            + " successful_history_limit, failed_history_limit) SELECT namespace, name, uid, 1,"
            + " 'UTC', false, "
            + succeededLimit
            + ", "
            + otherLimit
            + " FROM workflows WHERE name = '"
            + name
            + "'");
  }

  /** A run of {@code workflow} with one step that ran once, as Job {@code workflow-seq-work}. */
  private void run(String workflow, long seq, String status, Instant finishedAt) throws Exception {
    String id = workflow + "-" + seq;
    execute(
        "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, scheduled_time,"
            + " created_at, finished_at, parameters) VALUES ('"
            + id
            + "', 'data', '"
            + workflow
            + "', "
            + seq
            + ", 'manual', '"
            + status
            + "', now(), now(), "
            + (finishedAt == null ? "NULL" : "'" + finishedAt + "'")
            + ", '{}')");
    execute(
        "INSERT INTO run_steps (run_id, name, position, status, attempt) VALUES ('"
            + id
            + "', 'work', 0, 'Succeeded', 1)");
  }

  @Test
  void each_workflow_keeps_its_newest_runs_within_its_own_limits_and_the_grace() throws Exception {
    workflow("a", 2, 1);
    workflow("b", 1, 0);
    workflow("untouched", 0, 0);
    for (long seq = 1; seq <= 4; seq++) {
      run("a", seq, "Succeeded", LONG_AGO);
    }
    run("a", 5, "Failed", LONG_AGO);
    run("a", 6, "Missed", LONG_AGO);
    run("a", 7, "Running", null);
    run("b", 1, "Succeeded", NOW.minusSeconds(10)); // beyond the limit, but within the grace
    run("b", 2, "Succeeded", LONG_AGO);
    run("b", 3, "Cancelled", LONG_AGO);
    run("untouched", 1, "Failed", LONG_AGO);

    List<RunStore.Leftover> deleted;
    try (Connection connection = dataSource.getConnection()) {
      deleted =
          ScheduleRepository.deleteBeyondLimits(
              connection,
              new String[] {"data", "data"},
              new String[] {"a", "b"},
              NOW.minusSeconds(60));
    }

    assertThat(ids()).containsExactly("a-3", "a-4", "a-6", "a-7", "b-1", "b-2", "untouched-1");
    assertThat(deleted)
        .extracting(
            attempt ->
                attempt.namespace()
                    + "/"
                    + attempt.attempt().workflow()
                    + "-"
                    + attempt.attempt().seq()
                    + "-"
                    + attempt.attempt().step()
                    + "-"
                    + attempt.attempt().attempt())
        .containsExactlyInAnyOrder(
            "data/a-1-work-1", "data/a-2-work-1", "data/a-5-work-1", "data/b-3-work-1");
  }

  private List<String> ids() throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT id FROM runs ORDER BY id");
        ResultSet result = statement.executeQuery()) {
      List<String> ids = new ArrayList<>();
      while (result.next()) {
        ids.add(result.getString(1));
      }
      return ids;
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }
}

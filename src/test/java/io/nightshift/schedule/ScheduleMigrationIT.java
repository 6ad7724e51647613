package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.store.RunRepository;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.workflow.cron.CronSchedule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of the version before schedules (V9), with a workflow that had fired through its own
 * Quartz trigger, migrated: the workflow fires from its schedules row at the time its trigger was
 * to fire next, with the next seq, and its trigger and job are gone.
 */
class ScheduleMigrationIT {

  private static final Instant NEXT = Instant.parse("2026-11-23T03:00:00Z");
  private static final String DEFINITION =
      "{\"apiVersion\": \"nightshift.io/v1\", \"kind\": \"Workflow\", \"metadata\": {\"name\":"
          + " \"%s\", \"namespace\": \"data\"}, \"spec\": {\"schedule\": \"%s\", \"timeZone\":"
          + " \"Europe/Paris\", \"suspend\": %s, \"successfulRunsHistoryLimit\": 7,"
          + " \"failedRunsHistoryLimit\": 2, \"parameters\": {\"days\": \"30\"}, \"steps\":"
          + " [{\"name\": \"backup\", \"image\": \"busybox:1.36\"}]}}";

  /** next_fire_time as an Instant prints it, whatever the session's time zone. */
  private static final String UTC =
      "to_char(next_fire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

  @Test
  void a_workflow_with_an_old_quartz_trigger_fires_from_its_schedule_once_migrated()
      throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(database.url());
    dataSource.setUser(database.username());
    dataSource.setPassword(database.password());
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .target("9")
        .load()
        .migrate();
    try (Connection connection = dataSource.getConnection()) {
      // What the former TriggerSync and FireJob left: a workflow at seq 41, its job and trigger.
      workflow(connection, "nightly", "0 4 * * *", false, 41);
      workflow(connection, "lost-trigger", "30 1 * * *", false, 2);
      workflow(connection, "paused", "0 4 * * *", true, 5);
      workflow(connection, "by-hand", null, false, 3);
      execute(
          connection,
          "INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name,"
              + " is_durable, is_nonconcurrent, is_update_data, requests_recovery) VALUES"
              + " ('nightshift', 'nightly', 'data', 'io.nightshift.schedule.FireJob', false, false,"
              + " false, false)");
      execute(
          connection,
          "INSERT INTO qrtz_triggers (sched_name, trigger_name, trigger_group, job_name,"
              + " job_group, next_fire_time, prev_fire_time, priority, trigger_state, trigger_type,"
              + " start_time, misfire_instr) VALUES ('nightshift', 'nightly', 'data', 'nightly',"
              + " 'data', "
              + NEXT.toEpochMilli()
              + ", "
              + NEXT.minusSeconds(86_400).toEpochMilli()
              + ", 5, 'WAITING', 'NSCRON', 0, 0)");
      execute(
          connection,
          "INSERT INTO qrtz_simprop_triggers (sched_name, trigger_name, trigger_group,"
              + " str_prop_1, str_prop_2) VALUES ('nightshift', 'nightly', 'data', '0 4 * * *',"
              + " 'Europe/Paris')");
    }

    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

    try (Connection connection = dataSource.getConnection()) {
      assertThat(rows(connection, "SELECT count(*) FROM qrtz_triggers")).containsExactly("0");
      assertThat(rows(connection, "SELECT count(*) FROM qrtz_simprop_triggers"))
          .containsExactly("0");
      assertThat(rows(connection, "SELECT count(*) FROM qrtz_job_details")).containsExactly("0");
      assertThat(
              rows(
                  connection,
                  "SELECT name || ' ' || coalesce(cron, '-') || ' ' || time_zone || ' ' ||"
                      + " suspended || ' ' || coalesce("
                      + UTC
                      + ", '-') || ' ' ||"
                      + " last_run_seq || ' ' || successful_history_limit || ' ' ||"
                      + " failed_history_limit FROM schedules ORDER BY name"))
          .containsExactly(
              "by-hand - Europe/Paris false - 3 7 2",
              "lost-trigger 30 1 * * * Europe/Paris false - 2 7 2",
              "nightly 0 4 * * * Europe/Paris false 2026-11-23T03:00:00Z 41 7 2",
              "paused 0 4 * * * Europe/Paris true - 5 7 2");
    }

    // A scheduled workflow whose trigger was gone gets its next time when the node starts.
    ScheduleRepository schedules = new ScheduleRepository(dataSource);
    Instant started = Instant.parse("2026-11-23T02:50:00Z");
    new ScheduleSync(schedules, null, null, Clock.fixed(started, ZoneOffset.UTC))
        .fillMissingNextFireTimes();
    assertThat(schedules.withoutNextFireTime()).isEmpty();
    try (Connection connection = dataSource.getConnection()) {
      assertThat(
              rows(
                  connection,
                  "SELECT name || ' ' || coalesce("
                      + UTC
                      + ", '-') FROM schedules ORDER"
                      + " BY name"))
          .containsExactly(
              "by-hand -",
              "lost-trigger "
                  + CronSchedule.parse("30 1 * * *")
                      .nextAfter(started, ZoneId.of("Europe/Paris"))
                      .orElseThrow()
                      .toString(),
              "nightly 2026-11-23T03:00:00Z",
              "paused -");
    }

    DueScan.Result fired =
        new DueScan(schedules, Clock.fixed(NEXT, ZoneOffset.UTC)).unfenced(NEXT.plusMillis(10));

    assertThat(fired.runs()).isEqualTo(1);
    RunRow run = new RunRepository(dataSource).history("data", "nightly", null, null, 10).get(0);
    assertThat(run.seq()).isEqualTo(42);
    assertThat(run.scheduledTime()).isEqualTo(NEXT);
    assertThat(run.status()).isEqualTo(RunStatus.PENDING);
    assertThat(run.parameters()).isEqualTo("{\"days\": \"30\"}");
    assertThat(run.definition()).isEqualTo(DEFINITION.formatted("nightly", "0 4 * * *", false));
    try (Connection connection = dataSource.getConnection()) {
      assertThat(rows(connection, "SELECT " + UTC + " FROM schedules WHERE name = 'nightly'"))
          .containsExactly("2026-11-24T03:00:00Z");
    }
  }

  private static void workflow(
      Connection connection, String name, String cron, boolean suspend, long lastRunSeq)
      throws Exception {
    String definition =
        DEFINITION.formatted(name, cron, suspend).replace("\"schedule\": \"null\", ", "");
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO workflows (namespace, name, uid, generation, resource_version,"
                + " definition, created_at, updated_at, last_run_seq) VALUES ('data', ?,"
                + " gen_random_uuid(), 3, 4, CAST(? AS json), now(), now(), ?)")) {
      statement.setString(1, name);
      statement.setString(2, definition);
      statement.setLong(3, lastRunSeq);
      statement.executeUpdate();
    }
  }

  private static void execute(Connection connection, String sql) throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }

  private static List<String> rows(Connection connection, String sql) throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet result = statement.executeQuery()) {
      List<String> rows = new java.util.ArrayList<>();
      while (result.next()) {
        rows.add(result.getString(1));
      }
      return rows;
    }
  }
}

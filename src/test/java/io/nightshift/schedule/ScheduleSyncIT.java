package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.workflow.cron.CronSchedule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each definition change moves its schedules row with it, in the same transaction. */
class ScheduleSyncIT {

  private static final String YAML = "application/yaml";

  private static PostgresFixture.Database database;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    database = PostgresFixture.newDatabase();
    node = NightshiftNode.start(database);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String path(String name) {
    return "/api/v1/namespaces/sync/workflows/" + name;
  }

  private static ObjectNode scheduled(String cron, String zone) {
    ObjectNode workflow = Definitions.unnamedChain();
    ((ObjectNode) workflow.get("spec")).put("schedule", cron).put("timeZone", zone);
    return workflow;
  }

  /** The stored schedule's cron, zone and next fire time, if the workflow has one due. */
  private static Optional<String> trigger(String name) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT cron, time_zone, next_fire_time FROM schedules WHERE namespace = 'sync'"
                    + " AND name = ? AND next_fire_time IS NOT NULL")) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return Optional.empty();
        }
        return Optional.of(
            result.getString(1)
                + " "
                + result.getString(2)
                + " "
                + result.getTimestamp(3).toInstant());
      }
    }
  }

  private static String expected(String cron, String zone) {
    Instant next = CronSchedule.parse(cron).nextAfter(Instant.now(), ZoneId.of(zone)).orElseThrow();
    return cron + " " + zone + " " + next;
  }

  private static long count(String sql) throws Exception {
    return database.count(sql);
  }

  @Test
  void a_scheduled_workflow_gets_a_next_fire_time_on_its_own_cron_and_follows_each_change()
      throws Exception {
    String name = "follows";
    node.put(path(name), YAML, Definitions.yaml(scheduled("0 3 * * *", "Europe/Paris")));
    assertThat(trigger(name)).hasValue(expected("0 3 * * *", "Europe/Paris"));

    node.put(path(name), YAML, Definitions.yaml(scheduled("30 4 * * 1-5", "America/New_York")));
    assertThat(trigger(name)).hasValue(expected("30 4 * * 1-5", "America/New_York"));

    node.post(path(name) + "/suspend");
    assertThat(trigger(name)).isEmpty();

    node.post(path(name) + "/resume");
    assertThat(trigger(name)).hasValue(expected("30 4 * * 1-5", "America/New_York"));

    ObjectNode unscheduled = Definitions.unnamedChain();
    ((ObjectNode) unscheduled.get("spec")).remove("schedule");
    node.put(path(name), YAML, Definitions.yaml(unscheduled));
    assertThat(trigger(name)).isEmpty();
  }

  @Test
  void deleting_a_workflow_deletes_its_schedule_and_definitions() throws Exception {
    node.put(path("deleted"), YAML, Definitions.yaml(scheduled("@hourly", "UTC")));
    assertThat(trigger("deleted")).isPresent();

    node.delete(path("deleted"));

    assertThat(trigger("deleted")).isEmpty();
    assertThat(count("SELECT count(*) FROM schedules WHERE name = 'deleted'")).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM workflow_definitions d WHERE NOT EXISTS"
                    + " (SELECT 1 FROM workflows w WHERE w.uid = d.uid)"))
        .isZero();
  }

  @Test
  void
      a_change_that_keeps_cron_zone_and_suspension_keeps_the_next_fire_time_and_stores_a_generation()
          throws Exception {
    node.put(path("kept-time"), YAML, Definitions.yaml(scheduled("0 3 * * *", "UTC")));
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE schedules SET next_fire_time = '2030-01-01T03:00:00Z' WHERE name ="
                    + " 'kept-time'")) {
      statement.executeUpdate();
    }

    ObjectNode changed = scheduled("0 3 * * *", "UTC");
    ((ObjectNode) changed.get("spec")).put("startingDeadlineSeconds", 120);
    node.put(path("kept-time"), YAML, Definitions.yaml(changed));

    assertThat(trigger("kept-time")).hasValue("0 3 * * * UTC 2030-01-01T03:00:00Z");
    assertThat(
            count(
                "SELECT starting_deadline_seconds FROM schedules WHERE name = 'kept-time'"
                    + " AND generation = 2"))
        .isEqualTo(120);
    assertThat(
            count(
                "SELECT count(*) FROM workflow_definitions d JOIN workflows w USING (uid)"
                    + " WHERE w.name = 'kept-time'"))
        .as("both generations stored, for the runs that name them")
        .isEqualTo(2);
  }

  @Test
  void the_quartz_store_holds_one_job_and_one_trigger_however_many_workflows_there_are()
      throws Exception {
    for (int i = 0; i < 30; i++) {
      node.put(path("many-" + i), YAML, Definitions.yaml(scheduled("*/5 * * * *", "UTC")));
    }

    assertThat(count("SELECT count(*) FROM qrtz_triggers")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM qrtz_job_details")).isEqualTo(1);
    assertThat(
            count("SELECT count(*) FROM qrtz_cron_triggers WHERE cron_expression = '0 * * * * ?'"))
        .isEqualTo(1);
  }

  @Test
  void a_rejected_change_leaves_the_schedule_as_it_was() throws Exception {
    node.put(path("kept"), YAML, Definitions.yaml(scheduled("0 1 * * *", "UTC")));
    Optional<String> before = trigger("kept");

    ObjectNode broken = scheduled("0 5 * * *", "UTC");
    ((ObjectNode) broken.get("spec")).put("concurrencyPolicy", "Sometimes");
    assertThat(node.put(path("kept"), YAML, Definitions.yaml(broken)).statusCode()).isEqualTo(422);

    assertThat(trigger("kept")).isEqualTo(before);
  }
}

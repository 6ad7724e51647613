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

/** Each definition change moves its Quartz trigger with it, in the same transaction. */
class TriggerSyncIT {

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

  /** The stored trigger's cron and next fire time, if the workflow has a trigger. */
  private static Optional<String> trigger(String name) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT t.trigger_type, s.str_prop_1, s.str_prop_2, t.next_fire_time"
                    + " FROM qrtz_triggers t JOIN qrtz_simprop_triggers s USING (sched_name,"
                    + " trigger_name, trigger_group) WHERE t.trigger_group = 'sync' AND"
                    + " t.trigger_name = ?")) {
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
                + result.getString(3)
                + " "
                + Instant.ofEpochMilli(result.getLong(4)));
      }
    }
  }

  private static String expected(String cron, String zone) {
    Instant next = CronSchedule.parse(cron).nextAfter(Instant.now(), ZoneId.of(zone)).orElseThrow();
    return "NSCRON " + cron + " " + zone + " " + next;
  }

  @Test
  void a_scheduled_workflow_gets_a_trigger_on_its_own_cron_and_follows_each_change()
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
  void deleting_a_workflow_deletes_its_trigger() throws Exception {
    node.put(path("deleted"), YAML, Definitions.yaml(scheduled("@hourly", "UTC")));
    assertThat(trigger("deleted")).isPresent();

    node.delete(path("deleted"));

    assertThat(trigger("deleted")).isEmpty();
  }

  @Test
  void a_rejected_change_leaves_the_trigger_as_it_was() throws Exception {
    node.put(path("kept"), YAML, Definitions.yaml(scheduled("0 1 * * *", "UTC")));
    Optional<String> before = trigger("kept");

    ObjectNode broken = scheduled("0 5 * * *", "UTC");
    ((ObjectNode) broken.get("spec")).put("concurrencyPolicy", "Sometimes");
    assertThat(node.put(path("kept"), YAML, Definitions.yaml(broken)).statusCode()).isEqualTo(422);

    assertThat(trigger("kept")).isEqualTo(before);
  }
}

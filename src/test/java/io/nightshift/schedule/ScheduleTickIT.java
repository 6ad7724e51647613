package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who fires a due schedule: the leader through {@link Firing}, called here directly; on another
 * node the minute tick, only while no node holds a valid lease.
 */
class ScheduleTickIT {

  private PostgresFixture.Database database;
  private NightshiftNode node;

  @BeforeEach
  void start() {
    database = PostgresFixture.newDatabase();
    // The node takes the lease once, at start, and does not tick again during a test.
    node =
        NightshiftNode.start(
            NightshiftNode.on(database, "nightshift.cluster.renew-interval", "1h"));
    ObjectNode hourly = Definitions.unnamedChain();
    ((ObjectNode) hourly.get("spec")).put("schedule", "0 * * * *").put("timeZone", "UTC");
    assertThat(
            node.put(
                    "/api/v1/namespaces/tick/workflows/hourly",
                    "application/yaml",
                    Definitions.yaml(hourly))
                .statusCode())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** The workflow's last hour is due and not yet fired, as after a short outage. */
  private Instant lastHourDue() throws Exception {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    execute("UPDATE schedules SET next_fire_time = ?", Timestamp.from(hour));
    return hour;
  }

  @Test
  void the_leader_fires_what_is_due_when_its_timer_goes_off() throws Exception {
    Instant hour = lastHourDue();

    assertThat(node.context().getBean(Firing.class).fireDue())
        .hasValueSatisfying(result -> assertThat(result.runs()).isLessThanOrEqualTo(1));

    assertThat(count("SELECT count(*) FROM runs WHERE scheduled_time = '" + hour + "'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM schedules WHERE next_fire_time = '"
                    + hour.plus(Duration.ofHours(1))
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void another_node_fires_at_the_tick_only_while_no_node_holds_a_valid_lease() throws Exception {
    Instant hour = lastHourDue();
    // This node's lease has run out on its own clock, and another node holds the lease.
    node.clock().tick(Duration.ofHours(1));
    execute(
        "UPDATE leader_lease SET holder = 'elsewhere', expires_at = ?",
        Timestamp.from(Instant.now().plusSeconds(3600)));
    ScheduleTick tick = node.context().getBean(ScheduleTick.class);

    tick.execute(null);
    assertThat(count("SELECT count(*) FROM runs")).as("the leader's to fire").isZero();

    execute(
        "UPDATE leader_lease SET expires_at = ?", Timestamp.from(Instant.now().minusSeconds(1)));
    tick.execute(null);

    assertThat(
            count(
                "SELECT count(*) FROM runs WHERE status = 'Pending' AND scheduled_time = '"
                    + hour
                    + "'"))
        .isEqualTo(1);
    assertThat(node.context().getBean(Firing.class).fireDue()).as("not the leader").isEmpty();
  }

  private void execute(String sql, Timestamp timestamp) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setTimestamp(1, timestamp);
      statement.executeUpdate();
    }
  }

  private long count(String sql) throws Exception {
    return database.count(sql);
  }
}

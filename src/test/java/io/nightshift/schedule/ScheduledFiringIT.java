package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on one PostgreSQL, each with its clustered Quartz scheduler: every scheduled fire
 * makes exactly one run. This test waits for real time (Quartz's clock is the system's): the next
 * minute boundary.
 */
class ScheduledFiringIT {

  private static final int WORKFLOWS = 200;

  private static Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.on(
        database, "nightshift.cluster.node-id", id, "nightshift.schedule.idle-wait", "1s");
  }

  @Test
  void two_hundred_fires_across_three_nodes_make_exactly_one_run_each() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    List<NightshiftNode> nodes = new ArrayList<>();
    try {
      for (String id : List.of("node-1", "node-2", "node-3")) {
        nodes.add(NightshiftNode.start(node(database, id)));
      }
      ObjectNode everyMinute = Definitions.unnamedChain();
      ((ObjectNode) everyMinute.get("spec")).put("schedule", "* * * * *").put("timeZone", "UTC");
      String body = Definitions.yaml(everyMinute);
      // Define them far enough from a minute boundary that all exist before it.
      waitUntilSecondOfMinuteBelow(40);
      for (int i = 0; i < WORKFLOWS; i++) {
        NightshiftNode via = nodes.get(i % nodes.size());
        assertThat(
                via.put("/api/v1/namespaces/fire/workflows/w" + i, "application/yaml", body)
                    .statusCode())
            .isEqualTo(201);
      }
      Instant boundary = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));

      long runs = 0;
      Instant deadline = boundary.plusSeconds(45);
      while (Instant.now().isBefore(deadline)) {
        runs =
            count(database, "SELECT count(*) FROM runs WHERE scheduled_time = '" + boundary + "'");
        if (runs >= WORKFLOWS && Instant.now().isAfter(boundary.plusSeconds(5))) {
          break;
        }
        Thread.sleep(500);
      }

      assertThat(runs).as("runs for " + boundary).isEqualTo(WORKFLOWS);
      assertThat(
              count(
                  database,
                  "SELECT count(DISTINCT workflow) FROM runs WHERE scheduled_time = '"
                      + boundary
                      + "'"))
          .isEqualTo(WORKFLOWS);
      assertThat(
              count(
                  database,
                  "SELECT count(*) FROM runs WHERE scheduled_time <> date_trunc('minute', scheduled_time)"))
          .as("every run stands for a scheduled minute")
          .isZero();
      assertThat(count(database, "SELECT count(*) FROM runs WHERE status IN ('Missed', 'Skipped')"))
          .as("fired on time, and Allow admits every run")
          .isZero();

      // Every run's first step launched: each workflow has its one lag observation, and its next
      // fire is the minute after.
      Scrape scrape = Scrape.of(NightshiftNode.leaderOf(nodes));
      for (int i = 0; i < 100 && lagObservations(scrape) < WORKFLOWS; i++) {
        Thread.sleep(200);
        scrape = Scrape.of(NightshiftNode.leaderOf(nodes));
      }
      assertThat(lagObservations(scrape)).as(scrape.text()).isEqualTo(WORKFLOWS);
      assertThat(
              scrape.value(
                  "nightshift_next_run_timestamp_seconds", "namespace", "fire", "workflow", "w7"))
          .isEqualTo((double) boundary.plusSeconds(60).getEpochSecond());
      assertThat(
              scrape.value(
                  "nightshift_schedule_interval_seconds", "namespace", "fire", "workflow", "w7"))
          .isEqualTo(60.0);
    } finally {
      nodes.forEach(NightshiftNode::close);
    }
  }

  private static int lagObservations(Scrape scrape) {
    int observed = 0;
    for (int i = 0; i < WORKFLOWS; i++) {
      Double count =
          scrape.value(
              "nightshift_schedule_lag_seconds_count", "namespace", "fire", "workflow", "w" + i);
      observed += count == null ? 0 : count.intValue();
    }
    return observed;
  }

  private static void waitUntilSecondOfMinuteBelow(int second) throws InterruptedException {
    while (Instant.now().atZone(java.time.ZoneOffset.UTC).getSecond() >= second) {
      Thread.sleep(200);
    }
  }

  private static long count(PostgresFixture.Database database, String sql) throws Exception {
    return database.count(sql);
  }
}

package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.run.RunStatus;
import io.nightshift.run.Trigger;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Creating runs one at a time: once per scheduled time, seqs without gaps, generations named. */
class RunCreationIT {

  private static final Instant TWO_AM = Instant.parse("2026-11-23T02:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-23T02:00:01Z");

  private PostgresFixture.Database database;
  private DataSource dataSource;
  private RunCreation runs;
  private UUID uid;

  @BeforeEach
  void workflowExists() throws Exception {
    database = PostgresFixture.newDatabase();
    dataSource = database.migratedDataSource();
    runs = new RunCreation(dataSource);
    uid = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO workflows (namespace, name, uid, generation, resource_version, definition,"
              + " created_at, updated_at) VALUES ('data', 'nightly', '"
              + uid
              + "', 1, 1, '{}', now(), now())");
      statement.execute(
          "INSERT INTO workflow_definitions (uid, generation, definition) VALUES ('"
              + uid
              + "', 1, '{\"spec\": {\"steps\": []}}')");
      statement.execute(
          "INSERT INTO schedules (namespace, name, uid, generation, time_zone, suspended,"
              + " successful_history_limit, failed_history_limit) VALUES ('data', 'nightly', '"
              + uid
              + "', 1, 'UTC', false, 3, 1)");
    }
  }

  private RunCreation.NewRunRequest request(Trigger trigger, Instant scheduledTime) {
    return new RunCreation.NewRunRequest(
        "data", "nightly", uid, 1, trigger, scheduledTime, RunStatus.PENDING, "{}", null, NOW);
  }

  private Optional<RunCreation.NewRun> fire(RunCreation creation, Instant scheduledTime) {
    return creation.create(request(Trigger.SCHEDULE, scheduledTime));
  }

  @Test
  void a_scheduled_time_makes_one_run_however_often_it_fires() {
    Optional<RunCreation.NewRun> first = fire(runs, TWO_AM);
    Optional<RunCreation.NewRun> again = fire(runs, TWO_AM);
    Optional<RunCreation.NewRun> next = fire(runs, TWO_AM.plus(Duration.ofDays(1)));

    assertThat(first).hasValueSatisfying(run -> assertThat(run.seq()).isEqualTo(1));
    assertThat(again).isEmpty();
    assertThat(next).hasValueSatisfying(run -> assertThat(run.seq()).isEqualTo(2));
    assertThat(first.get().id()).isNotEqualTo(next.get().id());
  }

  @Test
  void manual_runs_at_the_same_instant_are_two_runs() {
    assertThat(runs.create(request(Trigger.MANUAL, TWO_AM))).isPresent();
    assertThat(runs.create(request(Trigger.MANUAL, TWO_AM))).isPresent();
  }

  @Test
  void a_fire_for_a_deleted_workflow_records_nothing() {
    assertThat(
            runs.create(
                new RunCreation.NewRunRequest(
                    "data",
                    "gone",
                    uid,
                    1,
                    Trigger.SCHEDULE,
                    TWO_AM,
                    RunStatus.PENDING,
                    "{}",
                    null,
                    NOW)))
        .isEmpty();
  }

  @Test
  void deleting_a_workflow_deletes_its_runs() throws Exception {
    fire(runs, TWO_AM);

    new WorkflowRepository(dataSource).delete("data", "nightly");

    assertThat(count("SELECT count(*) FROM runs")).isZero();
  }

  @Test
  void a_run_reads_the_definition_of_the_generation_it_names() {
    String id = fire(runs, TWO_AM).orElseThrow().id();

    assertThat(new RunRepository(dataSource).find(id).orElseThrow().definition())
        .isEqualTo("{\"spec\": {\"steps\": []}}");
  }

  @Test
  void a_run_of_a_workflow_deleted_and_created_again_since_it_was_read_is_refused()
      throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE schedules SET uid = gen_random_uuid()");
    }

    assertThat(fire(runs, TWO_AM)).isEmpty();
  }

  @Test
  void three_nodes_racing_two_hundred_fires_make_exactly_one_run_each_with_no_gap_in_seq()
      throws Exception {
    List<RunCreation> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // Each node has its own connections, as separate processes would.
      nodes.add(new RunCreation(database.migratedDataSource()));
    }
    int fires = 200;
    ExecutorService threads = Executors.newFixedThreadPool(6);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> created = new ArrayList<>();
    try {
      for (int thread = 0; thread < 6; thread++) {
        RunCreation node = nodes.get(thread % 3);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < fires; i++) {
          order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(thread));
        created.add(
            threads.submit(
                () -> {
                  start.await();
                  int mine = 0;
                  for (int i : order) {
                    mine += fire(node, TWO_AM.plus(Duration.ofMinutes(i))).isPresent() ? 1 : 0;
                  }
                  return mine;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> future : created) {
        total += future.get();
      }
      assertThat(total).isEqualTo(fires);
    } finally {
      threads.shutdownNow();
    }
    assertThat(count("SELECT count(*) FROM runs")).isEqualTo(fires);
    assertThat(count("SELECT count(DISTINCT scheduled_time) FROM runs")).isEqualTo(fires);
    assertThat(count("SELECT max(seq) FROM runs")).isEqualTo(fires);
    assertThat(count("SELECT last_run_seq FROM schedules")).isEqualTo(fires);
  }

  private long count(String sql) throws Exception {
    return database.count(sql);
  }
}

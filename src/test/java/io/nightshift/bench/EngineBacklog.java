package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.engine.Effects;
import io.nightshift.engine.Engine;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunStore;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An engine pass over N active runs: one node, on a database of its own, with its engine driven by
 * hand ({@code nightshift.engine.loop=false}) and one step allowed to run at a time. N runs of one
 * workflow are written Running with their step Pending, as the due scan admits them; the first pass
 * reads them all, starts one and records the others as waiting for capacity; each pass after it
 * decides every run again, from the leader's view in memory, and changes nothing. The peer, in the
 * same round: reading every active run with its steps, as each pass did before the view was kept.
 */
final class EngineBacklog {

  private static final int STEADY_PASSES = 50;

  private EngineBacklog() {}

  /** {@code java -Dbenchmark.sizes=10000 -cp <test classpath> io.nightshift.bench.EngineBacklog} */
  public static void main(String[] args) throws Exception {
    for (String size : System.getProperty("benchmark.sizes", "10000").split(",")) {
      System.out.println(Results.MAPPER.writeValueAsString(run(Integer.parseInt(size.trim()))));
    }
    System.exit(0);
  }

  static ObjectNode run(int size) throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    Path dataDir = Files.createTempDirectory("nightshift-bench-backlog");
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("active_runs", size);
    try (NightshiftNode node =
        NightshiftNode.startOnSystemClock(
            NightshiftNode.on(
                database,
                "nightshift.executor",
                "local",
                "nightshift.data-dir",
                dataDir.toString(),
                "nightshift.cluster.renew-interval",
                "100ms",
                "nightshift.engine.loop",
                false,
                "nightshift.engine.max-running-steps",
                1))) {
      node.put(
          "/api/v1/namespaces/backlog/workflows/held",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            steps:
              - {name: only, image: busybox:1.36, command: [sh, -c, 'sleep 60']}
          """);
      NightshiftNode.leaderOf(List.of(node));
      seed(database, size);
      Engine engine = node.context().getBean(Engine.class);
      Effects effects = node.context().getBean(Effects.class);

      long started = System.nanoTime();
      engine.tick();
      json.put("first_pass_seconds", seconds(System.nanoTime() - started));
      effects.drain();

      List<Long> passes = new ArrayList<>();
      for (int i = 0; i < STEADY_PASSES; i++) {
        long pass = System.nanoTime();
        engine.tick();
        passes.add(System.nanoTime() - pass);
      }
      json.set("steady_pass", nanos(passes));

      RunStore store = node.context().getBean(RunStore.class);
      List<Long> reads = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long read = System.nanoTime();
        List<RunRow> active = store.active();
        Set<String> ids = active.stream().map(RunRow::id).collect(Collectors.toSet());
        store.stepsOf(ids);
        reads.add(System.nanoTime() - read);
      }
      json.set("peer_read_every_active_run", nanos(reads));
    }
    return json;
  }

  /** {@code size} runs of backlog/held, Running since now, each with its one step Pending. */
  private static void seed(PostgresFixture.Database database, int size) throws Exception {
    try (Connection connection = database.connect()) {
      try (PreparedStatement runs =
          connection.prepareStatement(
              "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, scheduled_time,"
                  + " created_at, started_at, parameters, workflow_uid, generation)"
                  + " SELECT 'backlog-' || g, s.namespace, s.name, g, 'manual', 'Running', now(),"
                  + " now() + g * interval '1 microsecond', now(), CAST('{}' AS json), s.uid,"
                  + " s.generation FROM schedules s, generate_series(1, ?) AS g"
                  + " WHERE s.namespace = 'backlog' AND s.name = 'held'")) {
        runs.setInt(1, size);
        runs.executeUpdate();
      }
      try (PreparedStatement steps =
          connection.prepareStatement(
              "INSERT INTO run_steps (run_id, name, position, status, attempt)"
                  + " SELECT id, 'only', 0, 'Pending', 0 FROM runs WHERE namespace = 'backlog'")) {
        steps.executeUpdate();
      }
      try (PreparedStatement seq =
          connection.prepareStatement(
              "UPDATE schedules SET last_run_seq = ? WHERE namespace = 'backlog'")) {
        seq.setInt(1, size);
        seq.executeUpdate();
      }
    }
  }

  private static ObjectNode nanos(List<Long> nanos) {
    ObjectNode json = Lags.ofMillis(nanos.stream().map(n -> Math.round(n / 1e6)).toList()).toJson();
    Results.number(
        json, "mean_seconds", nanos.stream().mapToLong(Long::longValue).average().orElse(0) / 1e9);
    return json;
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }
}

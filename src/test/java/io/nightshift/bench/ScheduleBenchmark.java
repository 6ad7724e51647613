package io.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * How fast schedules turn into running steps (issue 14), measured only through Nightshift's public
 * behaviour (its API, its {@code runs} and {@code run_steps} tables, {@code /prometheus}) so that
 * it measures any design of the fire path and the engine. Three nodes in one JVM on one PostgreSQL;
 * per size N, N workflows due at the same minute with one no-op local step; and, in the same run on
 * the same database, the peers that bound what is possible: bare clustered Quartz, db-scheduler,
 * one set-based INSERT, a bare process-launch loop and a bare client-java loop against the fake
 * Kubernetes API server. Prints the figures and writes them to {@code
 * target/benchmark/results.json}; asserts nothing about them.
 *
 * <p>{@code ./mvnw -B -Pbenchmark -DskipTests verify} runs it for N = 1,000 and 10,000; see {@link
 * BenchmarkOptions} for the other settings.
 */
public final class ScheduleBenchmark {

  static final int NODES = 3;

  private ScheduleBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkOptions options = BenchmarkOptions.fromSystemProperties();
    try {
      ObjectNode results = run(options);
      System.out.println();
      print(results);
      System.out.println("Written to " + options.output().toAbsolutePath());
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // a thread a failed round left running must not keep the JVM up
    }
    System.exit(0);
  }

  /** Runs every round and writes {@code options.output()}; returns what it wrote. */
  static ObjectNode run(BenchmarkOptions options) throws Exception {
    ObjectNode results = JsonNodeFactory.instance.objectNode();
    results.set("machine", machine());
    results.set("settings", Results.MAPPER.valueToTree(settings(options)));
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    database.migratedDataSource(); // Quartz's tables, for the bare schedulers that come first
    ((ObjectNode) results.get("machine")).put("database", databaseVersion(database));
    Path dataDir = Files.createTempDirectory("nightshift-bench");
    Map<Integer, ObjectNode> kubeRounds = new HashMap<>();
    List<ObjectNode> rounds = new ArrayList<>();
    try (FakeKubernetes kube = FakeKubernetes.start()) {
      kube.delay("*", ".*", options.kubeLatency(), Integer.MAX_VALUE);
      List<NightshiftNode> nodes =
          startNodes(
              i ->
                  Map.of(
                      "nightshift.executor",
                      "local",
                      "nightshift.data-dir",
                      dataDir.toString(),
                      "nightshift.cluster.node-id",
                      "bench-" + i),
              database);
      try {
        for (int size : options.sizes()) {
          System.out.printf("N=%,d%n", size);
          ObjectNode round = JsonNodeFactory.instance.objectNode();
          round.put("n", size);
          ObjectNode peers = round.putObject("peers");
          if (options.slowPeers()) {
            peers.set(
                "quartz", peer("bare clustered Quartz", QuartzPeer.run(database, NODES, size)));
            peers.set(
                "db_scheduler", peer("db-scheduler", DbSchedulerPeer.run(database, NODES, size)));
          } else {
            peers.set("quartz", notRun("bare clustered Quartz"));
            peers.set("db_scheduler", notRun("db-scheduler"));
          }
          peers.set("sql_insert", peer("one set-based INSERT", SqlCeiling.run(database, size)));
          int launches = Math.min(size, options.launches());
          peers.set(
              "process_launch", peer("bare ProcessBuilder loop", ProcessLaunchPeer.run(launches)));
          peers.set(
              "kubernetes_jobs",
              peer(
                  "bare client-java loop",
                  KubernetesPeer.run(kube, "bare" + size, launches, options.kubeLatency())));

          ObjectNode nightshift =
              NightshiftRound.run(
                  nodes,
                  database,
                  "bench" + size,
                  size,
                  NightshiftRound.Until.RUNS_ENDED,
                  options.roundTimeout());
          nightshift.put("executor", "local");
          round.set("nightshift", nightshift);
          round.set("engine_backlog", EngineBacklog.run(size));

          if (options.kubeNightshift()) {
            ObjectNode kubeRound =
                kubeRounds.computeIfAbsent(
                    launches, count -> kubernetesRound(kube, count, options));
            round.set("nightshift_kubernetes", kubeRound);
          } else {
            round.put("nightshift_kubernetes", "not run (benchmark.kube.nightshift=false)");
          }
          ratios(round);
          printRound(round);
          rounds.add(round);
          results.set("sizes", Results.MAPPER.valueToTree(rounds));
          Results.write(results, options.output()); // so far, should a later size fail
        }
        ObjectNode extras = results.putObject("extras");
        if (options.writes()) {
          System.out.printf("Definition writes: %,d PUTs%n", options.writeCount());
          extras.set("definition_writes", Extras.definitionWrites(nodes, options.writeCount()));
        } else {
          extras.put("definition_writes", "not run (benchmark.writes=true runs it)");
        }
        if (options.heap()) {
          System.out.printf(
              "Heap: %,d workflows, %,d runs of history%n",
              options.heapWorkflows(), options.heapRuns());
          extras.set(
              "heap",
              Extras.heap(
                  nodes,
                  database,
                  options.heapWorkflows(),
                  options.heapRuns(),
                  options.heapSettle()));
        } else {
          extras.put("heap", "not run (benchmark.heap=true runs it)");
        }
      } finally {
        nodes.forEach(NightshiftNode::close);
      }
    }
    results.set("sizes", Results.MAPPER.valueToTree(rounds));
    Results.write(results, options.output());
    return results;
  }

  /**
   * Nightshift with the Kubernetes executor: three more nodes, on a database of their own, create
   * one Job per run on the fake API server. The Jobs never end there, so the cap on Running steps
   * is raised to {@code count}: what is measured is how fast Jobs are created, not the cap.
   */
  private static ObjectNode kubernetesRound(
      FakeKubernetes kube, int count, BenchmarkOptions options) {
    String namespace = "kube" + count;
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    List<NightshiftNode> nodes =
        startNodes(
            i ->
                Map.of(
                    "nightshift.executor",
                    "kubernetes",
                    "nightshift.kubernetes.api-url",
                    kube.url(),
                    "nightshift.kubernetes.namespaces",
                    namespace,
                    "nightshift.engine.max-running-steps",
                    Math.max(500, count),
                    "nightshift.cluster.node-id",
                    "kube-" + i),
            database);
    try {
      ObjectNode round =
          NightshiftRound.run(
              nodes,
              database,
              namespace,
              count,
              NightshiftRound.Until.STEPS_STARTED,
              options.roundTimeout());
      // A step counts as started before its Job's create has been answered: the Jobs are counted
      // where they land, on the fake API server, until all are there.
      Instant deadline = Instant.now().plus(options.roundTimeout());
      while (kube.jobCreations(namespace).size() < count && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      Instant allCreated = Instant.now();
      int created = kube.jobCreations(namespace).size();
      round.put("executor", "kubernetes");
      round.put("added_latency_ms", options.kubeLatency().toMillis());
      round.put("max_running_steps", Math.max(500, count));
      round.put("jobs_created_on_fake", created);
      JsonNode firstStart = round.get("first_step_started_at");
      Results.number(
          round,
          "jobs_created_per_second",
          firstStart == null
              ? Double.NaN
              : created
                  / Math.max(
                      0.001,
                      Duration.between(Instant.parse(firstStart.asText()), allCreated).toMillis()
                          / 1000.0));
      return round;
    } catch (Exception e) {
      throw new IllegalStateException("the Kubernetes round failed", e);
    } finally {
      nodes.forEach(NightshiftNode::close);
    }
  }

  private static List<NightshiftNode> startNodes(
      IntFunction<Map<String, Object>> properties, PostgresFixture.Database database) {
    List<NightshiftNode> nodes = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      Map<String, Object> each = NightshiftNode.on(database);
      each.putAll(properties.apply(i));
      nodes.add(NightshiftNode.startOnSystemClock(each));
    }
    return nodes;
  }

  /** A peer left out of this run ({@code benchmark.slow-peers=false}): its ratios read "n/a". */
  private static ObjectNode notRun(String name) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("peer", name);
    json.put("not_run", "benchmark.slow-peers=false");
    System.out.printf("  %s: not run (benchmark.slow-peers=false)%n", name);
    return json;
  }

  private static ObjectNode peer(String name, PeerResult result) {
    ObjectNode json = result.toJson();
    json.put("peer", name);
    System.out.printf(
        "  %s: %s %s%s%n",
        name,
        Results.rate(result.perSecond()),
        result.unit(),
        result.lags() == null ? "" : " (scheduled to done: " + result.lags() + ")");
    return json;
  }

  /** Nightshift's rate over each peer's, put on the peer: runs recorded, steps launched, Jobs. */
  private static void ratios(ObjectNode round) {
    ObjectNode nightshift = (ObjectNode) round.get("nightshift");
    ObjectNode peers = (ObjectNode) round.get("peers");
    double created = number(nightshift, "runs_created_per_second");
    for (String peer : List.of("quartz", "db_scheduler", "sql_insert")) {
      ObjectNode json = (ObjectNode) peers.get(peer);
      json.put("compared_with", "nightshift.runs_created_per_second");
      Results.number(json, "nightshift_ratio", Results.ratio(created, number(json, "per_second")));
    }
    ObjectNode launches = (ObjectNode) peers.get("process_launch");
    launches.put("compared_with", "nightshift.steps_launched_per_second");
    Results.number(
        launches,
        "nightshift_ratio",
        Results.ratio(
            number(nightshift, "steps_launched_per_second"), number(launches, "per_second")));
    ObjectNode jobs = (ObjectNode) peers.get("kubernetes_jobs");
    jobs.put("compared_with", "nightshift_kubernetes.jobs_created_per_second");
    JsonNode kubeRound = round.get("nightshift_kubernetes");
    Results.number(
        jobs,
        "nightshift_ratio",
        Results.ratio(
            kubeRound.isObject()
                ? number((ObjectNode) kubeRound, "jobs_created_per_second")
                : Double.NaN,
            number(jobs, "per_second")));
  }

  private static double number(ObjectNode json, String key) {
    JsonNode value = json.get(key);
    return value != null && value.isNumber() ? value.asDouble() : Double.NaN;
  }

  private static void printRound(ObjectNode round) {
    ObjectNode nightshift = (ObjectNode) round.get("nightshift");
    System.out.printf(
        Locale.ROOT,
        "  Nightshift: admitted %s; first step %s; %s runs/s recorded, %s runs/s admitted,"
            + " %s steps/s launched; misfires %d; engine pass %s%n",
        lags(nightshift.get("scheduled_to_admitted")),
        lags(nightshift.get("scheduled_to_first_step")),
        text(nightshift, "runs_created_per_second"),
        text(nightshift, "runs_admitted_per_second"),
        text(nightshift, "steps_launched_per_second"),
        nightshift.get("misfires").get("total").asInt(),
        nightshift.get("engine_pass").isTextual()
            ? nightshift.get("engine_pass").asText()
            : nightshift.get("engine_pass").toString());
    JsonNode backlog = round.get("engine_backlog");
    System.out.printf(
        Locale.ROOT,
        "  Engine pass over %,d active runs: first %s; then p50 %s, p99 %s, max %s, mean %s;"
            + " reading them all (each pass before the view): p50 %s%n",
        backlog.get("active_runs").asInt(),
        millis(backlog, "first_pass_seconds"),
        millis(backlog.get("steady_pass"), "p50_seconds"),
        millis(backlog.get("steady_pass"), "p99_seconds"),
        millis(backlog.get("steady_pass"), "max_seconds"),
        millis(backlog.get("steady_pass"), "mean_seconds"),
        millis(backlog.get("peer_read_every_active_run"), "p50_seconds"));
    JsonNode kubeRound = round.get("nightshift_kubernetes");
    if (kubeRound.isObject()) {
      System.out.printf(
          "  Nightshift (Kubernetes executor): %s Jobs/s created on the fake API server%n",
          text((ObjectNode) kubeRound, "jobs_created_per_second"));
    }
  }

  /** The summary table, the same as the JSON says. */
  static void print(ObjectNode results) {
    JsonNode machine = results.get("machine");
    System.out.printf(
        "Machine: %d cores, %s, Java %s, %s; %d nodes in one JVM; %s%n",
        machine.get("cores").asInt(),
        machine.get("os").asText(),
        machine.get("java").asText(),
        machine.get("database").asText(),
        NODES,
        machine.get("date").asText());
    System.out.println(
        "| N | admitted p50 | p99 | max | first step p50 | p99 | max | runs/s | misfires |"
            + " engine pass mean | pass over N active p99 | Quartz fires/s (ratio) | db-scheduler runs/s (ratio) |"
            + " INSERT runs/s (ratio) | launches/s bare (ratio) | Jobs/s bare (ratio) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (JsonNode round : results.get("sizes")) {
      ObjectNode nightshift = (ObjectNode) round.get("nightshift");
      JsonNode admitted = nightshift.get("scheduled_to_admitted");
      JsonNode step = nightshift.get("scheduled_to_first_step");
      JsonNode pass = nightshift.get("engine_pass");
      System.out.printf(
          Locale.ROOT,
          "| %,d | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
          round.get("n").asInt(),
          seconds(admitted, "p50_seconds"),
          seconds(admitted, "p99_seconds"),
          seconds(admitted, "max_seconds"),
          seconds(step, "p50_seconds"),
          seconds(step, "p99_seconds"),
          seconds(step, "max_seconds"),
          text(nightshift, "runs_created_per_second"),
          nightshift.get("misfires").get("total").asInt(),
          pass.isObject() ? seconds(pass, "mean_seconds") : pass.asText(),
          millis(round.get("engine_backlog").get("steady_pass"), "p99_seconds"),
          peerCell(round, "quartz"),
          peerCell(round, "db_scheduler"),
          peerCell(round, "sql_insert"),
          peerCell(round, "process_launch"),
          peerCell(round, "kubernetes_jobs"));
    }
  }

  private static String peerCell(JsonNode round, String peer) {
    JsonNode json = round.get("peers").get(peer);
    return text((ObjectNode) json, "per_second")
        + " ("
        + json.get("nightshift_ratio").asText()
        + ")";
  }

  private static String lags(JsonNode lags) {
    return "p50 %s, p99 %s, max %s"
        .formatted(
            seconds(lags, "p50_seconds"),
            seconds(lags, "p99_seconds"),
            seconds(lags, "max_seconds"));
  }

  private static String seconds(JsonNode json, String key) {
    JsonNode value = json.get(key);
    return value != null && value.isNumber() ? Results.fixed2(value.asDouble()) + " s" : "n/a";
  }

  private static String millis(JsonNode json, String key) {
    JsonNode value = json.get(key);
    return value != null && value.isNumber()
        ? String.format(Locale.ROOT, "%.0f ms", value.asDouble() * 1000)
        : "n/a";
  }

  private static String text(ObjectNode json, String key) {
    return Results.rate(number(json, key));
  }

  private static ObjectNode machine() {
    ObjectNode machine = JsonNodeFactory.instance.objectNode();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put("java", System.getProperty("java.version"));
    machine.put("java_vm", System.getProperty("java.vm.name"));
    machine.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    machine.put("date", Instant.now().toString());
    machine.put("nodes", NODES);
    machine.put("nodes_share_one_jvm", true);
    return machine;
  }

  private static Map<String, Object> settings(BenchmarkOptions options) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("sizes", options.sizes());
    settings.put("round_timeout_seconds", options.roundTimeout().toSeconds());
    settings.put("launches_per_size", options.launches());
    settings.put("kube_latency_ms", options.kubeLatency().toMillis());
    settings.put("kube_nightshift", options.kubeNightshift());
    settings.put("heap", options.heap());
    settings.put("writes", options.writes());
    settings.put("slow_peers", options.slowPeers());
    return settings;
  }

  private static String databaseVersion(PostgresFixture.Database database) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW server_version")) {
      result.next();
      return "PostgreSQL " + result.getString(1);
    }
  }
}

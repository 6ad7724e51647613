package io.nightshift.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate processes (the packaged jar) on one PostgreSQL and the fake API server;
 * while scheduled and manual runs flow, a node chosen at random is killed with SIGKILL and started
 * again. At the end every run has ended exactly once and succeeded, every scheduled minute has its
 * one run, every accepted manual run exists, and no Job was created twice.
 *
 * <p>Every request carries {@code Authorization: Bearer} with a token made for the run, which each
 * node gets as {@code NIGHTSHIFT_ADMIN_TOKEN}.
 *
 * <p>CI runs it for {@code chaos.seconds} (default 75: at least one minute boundary); {@code ./mvnw
 * -B verify -Dit.test=ChaosIT -Dchaos.seconds=300} runs it longer.
 */
class ChaosIT {

  private static final String NS = "chaos";
  private static final int NODES = 3;
  private static final int WORKFLOWS = 4;
  private static final String TOKEN_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path work;

  private final Map<Integer, Process> nodes = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> ports = new HashMap<>();
  private final String token = randomToken(48);
  private PostgresFixture.Database database;
  private FakeKubernetes kube;

  @Test
  void nodes_killed_at_random_lose_no_run_end_none_twice_and_create_no_job_twice()
      throws Exception {
    long seconds = Long.getLong("chaos.seconds", 75);
    database = PostgresFixture.newDatabase();
    kube = FakeKubernetes.start();
    ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
    try {
      for (int i = 0; i < NODES; i++) {
        try (ServerSocket socket = new ServerSocket(0)) {
          ports.put(i, socket.getLocalPort());
        }
        start(i);
      }
      for (int i = 0; i < NODES; i++) {
        awaitReady(i);
      }
      for (int w = 0; w < WORKFLOWS; w++) {
        HttpResponse<String> put =
            send(
                0,
                HttpRequest.newBuilder(uri(0, "/api/v1/namespaces/" + NS + "/workflows/w" + w))
                    .header("Content-Type", "application/yaml")
                    .PUT(HttpRequest.BodyPublishers.ofString(workflow())));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      }
      // The Job controller: every Job completes a moment after it appears.
      background.scheduleWithFixedDelay(this::completeJobs, 200, 200, TimeUnit.MILLISECONDS);

      Random random = new Random(7);
      Instant end = Instant.now().plusSeconds(seconds);
      Instant nextKill = Instant.now().plusSeconds(8);
      Set<String> accepted = new HashSet<>();
      int kills = 0;
      while (Instant.now().isBefore(end)) {
        int via = random.nextInt(NODES);
        try {
          HttpResponse<String> run =
              send(
                  via,
                  HttpRequest.newBuilder(
                          uri(
                              via,
                              "/api/v1/namespaces/"
                                  + NS
                                  + "/workflows/w"
                                  + random.nextInt(WORKFLOWS)
                                  + "/runs"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{}")));
          if (run.statusCode() == 201) {
            accepted.add(id(run.body()));
          }
        } catch (IOException nodeDown) {
          // that node is being killed or restarted: the client tries another next time
        }
        if (Instant.now().isAfter(nextKill)) {
          int victim = random.nextInt(NODES);
          nodes.get(victim).destroyForcibly().waitFor();
          kills++;
          start(victim);
          nextKill = Instant.now().plusSeconds(8 + random.nextInt(5));
        }
        Thread.sleep(300);
      }
      for (int i = 0; i < NODES; i++) {
        awaitReady(i);
      }

      // Everything started has ended, and each exactly once: no run is still active.
      long active = Long.MAX_VALUE;
      for (int i = 0; i < 600 && active > 0; i++) {
        active = count("SELECT count(*) FROM runs WHERE status IN ('Pending', 'Running')");
        Thread.sleep(100);
      }
      assertThat(kills).as("nodes killed").isGreaterThanOrEqualTo((int) (seconds / 13));
      assertThat(active).as("runs still active").isZero();
      assertThat(count("SELECT count(*) FROM runs WHERE status <> 'Succeeded'"))
          .as(
              "runs that did not succeed: "
                  + rows(
                      "SELECT id, status, reason, message FROM runs WHERE status <> 'Succeeded'"))
          .isZero();
      for (String id : accepted) {
        assertThat(count("SELECT count(*) FROM runs WHERE id = '" + id + "'"))
            .as("accepted manual run " + id)
            .isEqualTo(1);
      }
      assertThat(count("SELECT count(*) FROM runs WHERE trigger = 'schedule'"))
          .as("scheduled runs: every minute that passed, one per workflow")
          .isGreaterThanOrEqualTo(WORKFLOWS);
      assertThat(
              count(
                  "SELECT count(*) FROM (SELECT workflow, scheduled_time FROM runs WHERE trigger ="
                      + " 'schedule' GROUP BY workflow, scheduled_time HAVING count(*) > 1) d"))
          .isZero();
      List<String> created = kube.jobCreations(NS);
      System.out.printf(
          "Chaos: %d s, %d nodes, %d SIGKILLs; %d runs (%d manual accepted, %d scheduled), all"
              + " Succeeded; %d Jobs created, %d duplicates%n",
          seconds,
          NODES,
          kills,
          count("SELECT count(*) FROM runs"),
          accepted.size(),
          count("SELECT count(*) FROM runs WHERE trigger = 'schedule'"),
          created.size(),
          created.size() - new HashSet<>(created).size());
      assertThat(created).as("Jobs created").doesNotHaveDuplicates();
      assertThat(created.size())
          .as("one Job per step of every run")
          .isEqualTo((int) (2 * count("SELECT count(*) FROM runs")));
    } finally {
      background.shutdownNow();
      nodes.values().forEach(Process::destroyForcibly);
      kube.close();
    }
  }

  private static String workflow() {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          schedule: "* * * * *"
          timeZone: UTC
          successfulRunsHistoryLimit: 1000
          failedRunsHistoryLimit: 1000
          steps:
            - {name: first, image: busybox:1.36, command: ["true"]}
            - {name: second, image: busybox:1.36, dependsOn: [first], command: ["true"]}
        """;
  }

  private void completeJobs() {
    try {
      for (Job job : kube.jobs().jobs(NS)) {
        boolean done =
            job.getStatus() != null
                && job.getStatus().getConditions() != null
                && !job.getStatus().getConditions().isEmpty();
        if (!done) {
          kube.jobs().complete(NS, job.getMetadata().getName());
        }
      }
    } catch (RuntimeException e) {
      // a Job deleted meanwhile: the next round sees the rest
    }
  }

  private void start(int node) throws IOException {
    Path jar =
        Files.list(Path.of("target"))
            .filter(path -> path.getFileName().toString().matches("nightshift-.*\\.jar"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no packaged jar: run mvnw verify"));
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
    Map<String, String> env = builder.environment();
    env.put("NIGHTSHIFT_DATASOURCE_URL", database.url());
    env.put("NIGHTSHIFT_DATASOURCE_USERNAME", database.username());
    env.put("NIGHTSHIFT_DATASOURCE_PASSWORD", database.password());
    env.put("NIGHTSHIFT_DATASOURCE_MAXIMUM_POOL_SIZE", "6");
    env.put("NIGHTSHIFT_EXECUTOR", "kubernetes");
    env.put("NIGHTSHIFT_KUBERNETES_API_URL", kube.url());
    env.put("NIGHTSHIFT_KUBERNETES_NAMESPACES", NS);
    env.put("NIGHTSHIFT_CLUSTER_NODE_ID", "node-" + node);
    env.put("NIGHTSHIFT_CLUSTER_LEASE_DURATION", "3s");
    env.put("NIGHTSHIFT_CLUSTER_RENEW_INTERVAL", "1s");
    env.put("NIGHTSHIFT_ADMIN_TOKEN", token);
    env.put("NIGHTSHIFT_SCHEDULE_CLUSTER_CHECKIN_INTERVAL", "2s");
    env.put("NIGHTSHIFT_SCHEDULE_IDLE_WAIT", "1s");
    env.put("NIGHTSHIFT_DATA_DIR", work.resolve("node-" + node).toString());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(ports.get(node)));
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(work.resolve("node-" + node + ".log").toFile()));
    nodes.put(node, builder.start());
  }

  private void awaitReady(int node) throws Exception {
    for (int i = 0; i < 600; i++) {
      try {
        if (send(node, HttpRequest.newBuilder(uri(node, "/health/readiness")).GET()).statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "node "
            + node
            + " never got ready:\n"
            + Files.readString(work.resolve("node-" + node + ".log")));
  }

  private static String randomToken(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(TOKEN_ALPHABET.charAt(random.nextInt(TOKEN_ALPHABET.length())));
    }
    return token.toString();
  }

  private URI uri(int node, String path) {
    return URI.create("http://127.0.0.1:" + ports.get(node) + path);
  }

  /** Every request of the test goes through here, with the token the nodes were given. */
  private HttpResponse<String> send(int node, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HTTP.send(
        request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String id(String body) {
    int at = body.indexOf("\"id\":\"") + 6;
    return body.substring(at, body.indexOf('"', at));
  }

  private long count(String sql) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private String rows(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next() && rows.size() < 20) {
        rows.add(
            String.join(
                " ",
                Stream.of(1, 2, 3, 4)
                    .map(
                        column -> {
                          try {
                            return String.valueOf(result.getString(column));
                          } catch (java.sql.SQLException e) {
                            return "?";
                          }
                        })
                    .toList()));
      }
    }
    return rows.toString();
  }
}

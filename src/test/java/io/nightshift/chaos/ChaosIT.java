package io.nightshift.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.PackagedJar;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate processes (the packaged jar) on one PostgreSQL and the fake API server;
 * while scheduled and manual runs flow, a node is killed with SIGKILL every 4 to 5 s and started
 * again. At the end every run has ended exactly once and succeeded, every scheduled minute has its
 * one run, every accepted manual run exists, and no Job was created twice.
 *
 * <p>Every other SIGKILL is the leader's. When another node was up at the kill, the hand-over is
 * timed from the kill until a survivor's {@code GET /api/v1/cluster} names another leader, polled
 * every 100 ms; the victim starts again only then, so that it cannot take back the lease under its
 * own id. Each hand-over must end within {@link #HAND_OVER_BOUND}; their p50 and max are printed.
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
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration RENEW = Duration.ofSeconds(1);

  /**
   * The longest a hand-over may take: the dead leader renewed at or before the kill, so its lease
   * runs out at most {@code LEASE} after it, and a survivor tries to take the lease every {@code
   * RENEW}. One second more for the survivor's statements, the 100 ms poll and a busy machine.
   */
  private static final Duration HAND_OVER_BOUND = LEASE.plus(RENEW).plusSeconds(1);

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
    ExecutorService restarts = Executors.newSingleThreadExecutor();
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
      Instant nextKill = Instant.now().plusSeconds(4);
      Set<String> accepted = new HashSet<>();
      List<Duration> handOvers = new CopyOnWriteArrayList<>();
      int coldLeaderKills = 0;
      Future<?> restarted = CompletableFuture.completedFuture(null);
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
          restarted.get(); // the last victim is starting again before another one dies
          Optional<String> leader = leader(-1);
          int victim =
              kills % 2 == 0 && leader.isPresent() ? index(leader.get()) : random.nextInt(NODES);
          boolean wasLeader = leader.equals(Optional.of(nodeId(victim)));
          // At this pace the last victim may still be starting: then no survivor may be up to
          // take the lease, the hand-over waits for a start rather than for the lease, and the
          // victim starts again at once instead of being timed.
          boolean survivorUp = false;
          for (int other = 0; other < NODES; other++) {
            survivorUp |= other != victim && up(other);
          }
          boolean timed = wasLeader && survivorUp;
          if (wasLeader && !survivorUp) {
            coldLeaderKills++;
          }
          long killedAt = System.nanoTime();
          nodes.get(victim).destroyForcibly().waitFor();
          kills++;
          // Often enough that leaders die mid-launch: between recording a step and its Job.
          nextKill = Instant.now().plusMillis(4_000 + random.nextInt(1_001));
          // Runs keep being posted to the survivors while the lease changes hands.
          restarted =
              restarts.submit(
                  () -> {
                    if (timed) {
                      handOvers.add(awaitHandOver(victim, killedAt));
                    }
                    start(victim);
                    return null;
                  });
        }
        Thread.sleep(300);
      }
      restarted.get();
      List<Long> handOverMillis = handOvers.stream().map(Duration::toMillis).sorted().toList();
      System.out.printf(
          "Chaos hand-overs: %d of %d SIGKILLs hit the leader while another node was up (%d more"
              + " while none was, not timed); SIGKILL to a new leader: p50 %s ms, max %s ms, all"
              + " %s ms (bound %d ms)%n",
          handOvers.size(),
          kills,
          coldLeaderKills,
          handOverMillis.isEmpty() ? "-" : handOverMillis.get((handOverMillis.size() - 1) / 2),
          handOverMillis.isEmpty() ? "-" : handOverMillis.get(handOverMillis.size() - 1),
          handOverMillis,
          HAND_OVER_BOUND.toMillis());
      for (int i = 0; i < NODES; i++) {
        awaitReady(i);
      }

      // Everything started has ended, and each exactly once: no run is still active.
      long active = Long.MAX_VALUE;
      for (int i = 0; i < 600 && active > 0; i++) {
        active = count("SELECT count(*) FROM runs WHERE status IN ('Pending', 'Running')");
        Thread.sleep(100);
      }
      assertThat(active).as("runs still active").isZero();
      assertThat(count("SELECT count(*) FROM runs WHERE status <> 'Succeeded'"))
          .as(
              "runs that did not succeed: "
                  + rows("SELECT id, status, reason, message FROM runs WHERE status <> 'Succeeded'")
                  + ", their steps that did not succeed: "
                  + rows(
                      "SELECT run_id, name, status, reason, message FROM run_steps WHERE run_id IN"
                          + " (SELECT id FROM runs WHERE status <> 'Succeeded')"
                          + " AND status <> 'Succeeded'"))
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
      assertThat(kills).as("nodes killed").isGreaterThanOrEqualTo((int) (seconds / 10));
      assertThat(handOvers).as("hand-overs (every other SIGKILL is the leader's)").isNotEmpty();
      assertThat(handOverMillis)
          .as(
              "each hand-over, from the SIGKILL to another node holding the lease, within the"
                  + " lease (%d s) + one renew interval (%d s) + 1 s = %d ms",
              LEASE.toSeconds(), RENEW.toSeconds(), HAND_OVER_BOUND.toMillis())
          .allSatisfy(millis -> assertThat(millis).isLessThanOrEqualTo(HAND_OVER_BOUND.toMillis()));
    } finally {
      background.shutdownNow();
      restarts.shutdownNow();
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
    Path jar = PackagedJar.path();
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
    env.put("NIGHTSHIFT_CLUSTER_NODE_ID", nodeId(node));
    env.put("NIGHTSHIFT_CLUSTER_LEASE_DURATION", LEASE.toMillis() + "ms");
    env.put("NIGHTSHIFT_CLUSTER_RENEW_INTERVAL", RENEW.toMillis() + "ms");
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

  /** Whether the node answers its readiness probe with 200 now. */
  private boolean up(int node) throws Exception {
    try {
      return send(node, HttpRequest.newBuilder(uri(node, "/health/readiness")).GET()).statusCode()
          == 200;
    } catch (IOException down) {
      return false;
    }
  }

  private void awaitReady(int node) throws Exception {
    PackagedJar.awaitReady(
        uri(node, "/"), work.resolve("node-" + node + ".log"), Duration.ofSeconds(60));
  }

  /**
   * Polls the survivors' {@code GET /api/v1/cluster} every 100 ms until one names a leader other
   * than {@code victim}; returns the time from the kill until then, or a minute if none does.
   */
  private Duration awaitHandOver(int victim, long killedAt) throws Exception {
    Duration since = Duration.ZERO;
    while (since.compareTo(Duration.ofMinutes(1)) < 0) {
      Optional<String> leader = leader(victim);
      since = Duration.ofNanos(System.nanoTime() - killedAt);
      if (leader.isPresent() && !leader.get().equals(nodeId(victim))) {
        return since;
      }
      Thread.sleep(100);
    }
    return since;
  }

  /**
   * The leader named by the first node but {@code except} that answers; empty when none answers or
   * the lease is free or expired.
   */
  private Optional<String> leader(int except) throws Exception {
    for (int node = 0; node < NODES; node++) {
      if (node == except) {
        continue;
      }
      HttpResponse<String> cluster;
      try {
        cluster = send(node, HttpRequest.newBuilder(uri(node, "/api/v1/cluster")).GET());
      } catch (IOException down) {
        continue; // being killed or still starting
      }
      if (cluster.statusCode() != 200) {
        throw new IllegalStateException(
            "GET /api/v1/cluster answered " + cluster.statusCode() + ": " + cluster.body());
      }
      JsonNode id = Json.parse(cluster.body()).at("/leader/id");
      return Optional.ofNullable(id.textValue());
    }
    return Optional.empty();
  }

  private static String nodeId(int node) {
    return "node-" + node;
  }

  private static int index(String nodeId) {
    return Integer.parseInt(nodeId.substring("node-".length()));
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
    return database.count(sql);
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

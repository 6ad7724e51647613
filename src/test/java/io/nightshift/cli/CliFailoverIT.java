package io.nightshift.cli;

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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --wait} pointed at the leader, which is killed (SIGKILL) while the run's step runs:
 * the CLI rides out the refused connections while another node takes the lease and adopts the
 * step's Job, and the killed node starts again on its port. When the Job completes, the CLI reports
 * the run's true end, Succeeded, and exits 0; the run was created once.
 */
class CliFailoverIT {

  private static final String NS = "failover";
  private static final String TOKEN = "failover-admin-token-0123456789abcdef";
  private static final Pattern RESULT =
      Pattern.compile("NIGHTSHIFT_RESULT run=(\\S+) status=(\\S+) failedSteps=(\\S*) duration=.*");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path work;
  private final Map<Integer, Process> nodes = new HashMap<>();
  private final Map<Integer, Integer> ports = new HashMap<>();
  private PostgresFixture.Database database;
  private FakeKubernetes kube;

  @Test
  void waiting_survives_the_leader_killed_mid_run_and_reports_the_runs_true_end() throws Exception {
    database = PostgresFixture.newDatabase();
    kube = FakeKubernetes.start();
    try {
      for (int i = 0; i < 2; i++) {
        try (ServerSocket socket = new ServerSocket(0)) {
          ports.put(i, socket.getLocalPort());
        }
        start(i);
      }
      awaitReady(0);
      awaitReady(1);
      HttpResponse<String> put =
          send(
              0,
              HttpRequest.newBuilder(uri(0, "/api/v1/namespaces/" + NS + "/workflows/nightly"))
                  .header("Content-Type", "application/yaml")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          apiVersion: nightshift.io/v1
                          kind: Workflow
                          spec:
                            steps:
                              - {name: work, image: busybox:1.36, command: ["true"]}
                          """)));
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      int leader = awaitLeader(-1);

      Cli.Running waiting =
          new Cli(work)
              .env("NIGHTSHIFT_URL", "http://127.0.0.1:" + ports.get(leader))
              .env("NIGHTSHIFT_TOKEN", TOKEN)
              .start("run", "nightly", "-n", NS, "--wait", "--retry-timeout", "2m");
      Job job = awaitJob();

      nodes.get(leader).destroyForcibly().waitFor();
      int survivor = 1 - leader;
      assertThat(awaitLeader(leader)).isEqualTo(survivor);
      start(leader);
      awaitReady(leader);
      kube.jobs().complete(NS, job.getMetadata().getName());

      Cli.Outcome outcome = waiting.await(Duration.ofMinutes(2));
      assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
      Matcher result = RESULT.matcher(outcome.lastLine());
      assertThat(result.matches()).as(outcome.toString()).isTrue();
      assertThat(result.group(2)).isEqualTo("Succeeded");
      assertThat(outcome.stderr())
          .as("it waited through the refused connections")
          .contains("warning: http://127.0.0.1:" + ports.get(leader));
      JsonNode history =
          Json.parse(
              send(
                      survivor,
                      HttpRequest.newBuilder(
                              uri(survivor, "/api/v1/namespaces/" + NS + "/workflows/nightly/runs"))
                          .GET())
                  .body());
      assertThat(history.get("items")).hasSize(1);
      assertThat(history.get("items").get(0).get("id").asText()).isEqualTo(result.group(1));
      assertThat(kube.jobCreations(NS)).hasSize(1);
    } finally {
      nodes.values().forEach(Process::destroyForcibly);
      kube.close();
    }
  }

  private Job awaitJob() throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      List<Job> jobs = kube.jobs().jobs(NS);
      if (!jobs.isEmpty()) {
        return jobs.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no Job was created in " + NS);
  }

  private void start(int node) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            "java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", PackagedJar.path().toString());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("NIGHTSHIFT_"));
    env.put("NIGHTSHIFT_DATASOURCE_URL", database.url());
    env.put("NIGHTSHIFT_DATASOURCE_USERNAME", database.username());
    env.put("NIGHTSHIFT_DATASOURCE_PASSWORD", database.password());
    env.put("NIGHTSHIFT_DATASOURCE_MAXIMUM_POOL_SIZE", "6");
    env.put("NIGHTSHIFT_EXECUTOR", "kubernetes");
    env.put("NIGHTSHIFT_KUBERNETES_API_URL", kube.url());
    env.put("NIGHTSHIFT_KUBERNETES_NAMESPACES", NS);
    env.put("NIGHTSHIFT_CLUSTER_NODE_ID", "node-" + node);
    env.put("NIGHTSHIFT_CLUSTER_LEASE_DURATION", "3000ms");
    env.put("NIGHTSHIFT_CLUSTER_RENEW_INTERVAL", "1000ms");
    env.put("NIGHTSHIFT_ADMIN_TOKEN", TOKEN);
    env.put("NIGHTSHIFT_DATA_DIR", work.resolve("node-" + node).toString());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(ports.get(node)));
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(work.resolve("node-" + node + ".log").toFile()));
    nodes.put(node, builder.start());
  }

  private void awaitReady(int node) throws Exception {
    PackagedJar.awaitReady(
        uri(node, "/"), work.resolve("node-" + node + ".log"), Duration.ofSeconds(90));
  }

  /** The index of the node holding the lease, other than {@code not}, waiting up to 20 s. */
  private int awaitLeader(int not) throws Exception {
    for (int i = 0; i < 200; i++) {
      for (int node = 0; node < 2; node++) {
        if (node == not) {
          continue;
        }
        Optional<String> leader = Optional.empty();
        try {
          HttpResponse<String> cluster =
              send(node, HttpRequest.newBuilder(uri(node, "/api/v1/cluster")).GET());
          leader = Optional.ofNullable(Json.parse(cluster.body()).at("/leader/id").textValue());
        } catch (IOException down) {
          // killed or starting
        }
        if (leader.isPresent() && !leader.get().equals("node-" + not)) {
          return Integer.parseInt(leader.get().substring("node-".length()));
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader other than node-" + not);
  }

  private URI uri(int node, String path) {
    return URI.create("http://127.0.0.1:" + ports.get(node) + path);
  }

  private HttpResponse<String> send(int node, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HTTP.send(
        request.header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

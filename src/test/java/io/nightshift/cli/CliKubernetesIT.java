package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --wait --follow} on the Kubernetes executor, against the fake API server: the pod's
 * log, written bit by bit (half lines included) while the Job runs, arrives on stdout once and in
 * order, and the failed Job's container exit code is in the step's transition.
 */
class CliKubernetesIT {

  private static final String NS = "data";

  @TempDir Path work;
  private static FakeKubernetes kube;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    kube = FakeKubernetes.start();
    node =
        NightshiftNode.startOnSystemClock(
            NightshiftNode.quickOnKubernetes(
                PostgresFixture.newDatabase(),
                kube,
                NS,
                "nightshift.kubernetes.request-timeout",
                "5s",
                "nightshift.logs.follow-interval",
                "100ms"));
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/" + NS + "/workflows/followed",
            "application/yaml",
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - {name: only, image: busybox:1.36, command: [sh, -c, 'echo hello']}
            """);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  private Cli cli() {
    return new Cli(work)
        .env("NIGHTSHIFT_URL", node.context().getBean(EmbeddedServer.class).getURL().toString())
        .env("NIGHTSHIFT_TOKEN", NightshiftNode.ADMIN_TOKEN);
  }

  @Test
  void a_followed_pod_log_is_printed_once_and_in_order_and_the_exit_code_is_the_runs()
      throws Exception {
    Cli.Running waiting = cli().start("run", "followed", "-n", NS, "--wait", "--follow");
    String job = "followed-1-only";
    kube.jobs().awaitJob(NS, job, Duration.ofSeconds(30));
    String pod = kube.jobs().start(NS, job);
    StringBuilder written = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      Thread.sleep(100);
      written.append("line-").append(i);
      if (i % 4 == 0) {
        kube.podLog(NS, pod, written.toString()); // half a line for a moment
      }
      written.append('\n');
      kube.podLog(NS, pod, written.toString());
    }
    kube.podLog(NS, pod, written + "last, without a newline");
    Thread.sleep(500);
    kube.jobs().fail(NS, job, "BackoffLimitExceeded", "Job has reached the backoff limit", 7);

    Cli.Outcome outcome = waiting.await(Duration.ofMinutes(1));

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
    List<String> expected = new ArrayList<>();
    expected.add("[only] ==> pod " + pod + " <==");
    IntStream.rangeClosed(1, 30).forEach(i -> expected.add("[only] line-" + i));
    expected.add("[only] last, without a newline");
    List<String> lines = outcome.lines();
    assertThat(lines.subList(0, lines.size() - 1)).containsExactlyElementsOf(expected);
    assertThat(outcome.lastLine())
        .startsWith("NIGHTSHIFT_RESULT run=")
        .contains(" status=Failed failedSteps=only duration=");
    assertThat(outcome.stderr())
        .containsPattern("(?m)^only  Running$")
        .containsPattern(
            "(?m)^only  Failed     [0-9]+\\.[0-9]s  exit code 7; BackoffLimitExceeded");
  }
}

package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client-side rate limit, end to end: a run whose steps all start at once asks for many Jobs in
 * one engine pass, and the fake API server sees them arrive no faster than {@code qps} and {@code
 * burst} allow, each created once.
 */
class KubernetesRateLimitIT {

  private static final String NS = "burst";
  private static final int QPS = 20;
  private static final int BURST = 5;
  private static final int STEPS = 100;

  /**
   * How late a request may reach the fake server after its token was given: the HTTP hop on a
   * loaded machine. Requests given their tokens apart may arrive closer together by this much.
   */
  private static final Duration DELIVERY_SLACK = Duration.ofMillis(150);

  private static FakeKubernetes kube;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    kube = FakeKubernetes.start();
    node =
        NightshiftNode.start(
            NightshiftNode.quickOnKubernetes(
                PostgresFixture.newDatabase(),
                kube,
                NS,
                "nightshift.kubernetes.qps",
                Integer.toString(QPS),
                "nightshift.kubernetes.burst",
                Integer.toString(BURST),
                "nightshift.kubernetes.creators",
                "16"));
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  private static String wide(int steps) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
            """);
    for (int i = 1; i <= steps; i++) {
      yaml.append("    - {name: s").append(i).append(", image: busybox:1.36, command: ['true']}\n");
    }
    return yaml.toString();
  }

  @Test
  void a_burst_of_job_creates_reaches_the_api_server_no_faster_than_qps_and_burst_and_each_once() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/wide", "application/yaml", wide(STEPS));
    node.runNow(NS, "wide");

    List<String> expected = IntStream.rangeClosed(1, STEPS).mapToObj(i -> "wide-1-s" + i).toList();
    for (String name : expected) {
      kube.jobs().awaitJob(NS, name, Duration.ofSeconds(30));
    }

    assertThat(kube.jobCreations(NS)).containsExactlyInAnyOrderElementsOf(expected);
    for (String name : expected) {
      assertThat(kube.createAttempts(NS, name)).as(name).isEqualTo(1);
    }
    List<Long> creates = kube.arrivals("POST", "/apis/batch/v1/namespaces/" + NS + "/jobs");
    assertThat(creates).hasSize(STEPS);
    assertWithinLimit(creates);
    // Every request of the node shares the bucket: informer lists and watches, health checks.
    assertWithinLimit(kube.arrivals("*", ".*"));
    double seconds = (creates.get(creates.size() - 1) - creates.get(0)) / 1e9;
    assertThat(seconds)
        .as("%d creates after a burst of %d at %d/s", STEPS, BURST, QPS)
        .isGreaterThanOrEqualTo(
            (STEPS - BURST) / (double) QPS - DELIVERY_SLACK.toMillis() / 1000.0);

    // The last create's answer may still be on its way to its creator thread, which records it.
    Scrape.awaitValue(
        node,
        "each Job created counts once in the launch lag",
        (double) STEPS,
        "nightshift_step_launch_lag_seconds_count",
        "namespace",
        NS,
        "workflow",
        "wide");
  }

  /**
   * Between any two arrivals, no more requests than a token bucket lets through in that time: the
   * burst, plus qps for each second between them, plus what the delivery slack may bunch up.
   */
  private static void assertWithinLimit(List<Long> arrivals) {
    for (int first = 0; first < arrivals.size(); first++) {
      for (int last = first; last < arrivals.size(); last++) {
        double seconds =
            (arrivals.get(last) - arrivals.get(first) + DELIVERY_SLACK.toNanos()) / 1e9;
        assertThat(last - first + 1)
            .as("requests %d to %d arrived within %.3f s", first, last, seconds)
            .isLessThanOrEqualTo(BURST + (int) Math.floor(QPS * seconds));
      }
    }
  }
}

package io.nightshift.workflow.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.nightshift.api.Problem;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A namespace admin trying to launch pods that own the node or the release, through the HTTP API of
 * a real node on the Kubernetes executor (a fake API server over real HTTP): every attack gets a
 * 422 naming each violation, nothing is stored, and a definition stored before the policy was
 * tightened never becomes a Job.
 */
class JobPolicyIT {

  private static final String NS = "data";
  private static final String STRICT = "vault";
  private static final String RELEASE = "nightshift-system";
  private static final String YAML = "application/yaml";
  private static final Duration JOB_WAIT = Duration.ofSeconds(20);

  private static FakeKubernetes kube;
  private static PostgresFixture.Database database;
  private static NightshiftNode node;

  private static Map<String, Object> properties(PostgresFixture.Database on, Object... more) {
    Map<String, Object> properties =
        NightshiftNode.quick(
            on,
            "nightshift.executor",
            "kubernetes",
            "nightshift.kubernetes.api-url",
            kube.url(),
            "nightshift.kubernetes.namespaces",
            NS + "," + STRICT + "," + RELEASE,
            "nightshift.kubernetes.release-namespace",
            RELEASE,
            "nightshift.kubernetes.request-timeout",
            "5s",
            "nightshift.policy.namespace-levels",
            STRICT + "=restricted");
    for (int i = 0; i < more.length; i += 2) {
      properties.put((String) more[i], more[i + 1]);
    }
    return properties;
  }

  @BeforeAll
  static void start() {
    kube = FakeKubernetes.start();
    database = PostgresFixture.newDatabase();
    node = NightshiftNode.start(properties(database));
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  /** One step with this pod spec under its jobTemplate. */
  private static String pod(String podSpec) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - name: own
              jobTemplate:
                template:
                  spec:
        %s
        """
        .formatted(podSpec.indent(12).stripTrailing());
  }

  private static final String CONTAINER = "containers: [{name: c, image: busybox:1.36}]";
  private static final String POD = "/spec/steps/0/jobTemplate/template/spec";

  static Stream<Arguments> attacks() {
    return Stream.of(
        Arguments.of(
            "a privileged container",
            NS,
            pod(
                "containers: [{name: c, image: busybox:1.36, securityContext: {privileged: true}}]"),
            POD + "/containers/0/securityContext/privileged",
            "baseline: Privileged Containers:"),
        Arguments.of(
            "the host's process namespace",
            NS,
            pod("hostPID: true\n" + CONTAINER),
            POD + "/hostPID",
            "baseline: Host Namespaces:"),
        Arguments.of(
            "the host's network",
            NS,
            pod("hostNetwork: true\n" + CONTAINER),
            POD + "/hostNetwork",
            "baseline: Host Namespaces:"),
        Arguments.of(
            "the node's root filesystem",
            NS,
            pod(
                "volumes: [{name: root, hostPath: {path: /}}]\n"
                    + "containers: [{name: c, image: busybox:1.36,"
                    + " volumeMounts: [{name: root, mountPath: /host}]}]"),
            POD + "/volumes/0/hostPath",
            "baseline: HostPath Volumes:"),
        Arguments.of(
            "root in a restricted namespace",
            STRICT,
            pod(
                """
                securityContext: {runAsUser: 0, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                containers:
                  - name: c
                    image: busybox:1.36
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                """),
            POD + "/securityContext/runAsUser",
            "restricted: Running as Non-root user:"),
        Arguments.of(
            "Nightshift's own service account",
            NS,
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - {name: own, image: bitnami/kubectl, serviceAccountName: nightshift}
            """,
            "/spec/steps/0/serviceAccountName",
            "every level: Service Account:"),
        Arguments.of(
            "pods that Nightshift's Service selects",
            NS,
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - name: own
                  jobTemplate:
                    template:
                      metadata:
                        labels: {app.kubernetes.io/name: nightshift, app.kubernetes.io/instance: nightshift}
                      spec:
                        containers: [{name: c, image: busybox:1.36}]
            """,
            "/spec/steps/0/jobTemplate/template/metadata/labels/app.kubernetes.io~1name",
            "every level: Reserved Labels:"),
        Arguments.of(
            "a Job beside the admin token",
            RELEASE,
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - name: own
                  image: busybox:1.36
                  env:
                    - name: STOLEN
                      valueFrom: {secretKeyRef: {name: nightshift-admin-token, key: admin-token}}
            """,
            "/metadata/namespace",
            "every level: Release Namespace:"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void an_attack_is_refused_with_422_naming_the_violation_and_nothing_is_stored(
      String attack, String namespace, String definition, String path, String message) {
    String url = "/api/v1/namespaces/" + namespace + "/workflows/attack";

    HttpResponse<String> response = node.put(url, YAML, definition);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("type").asText()).endsWith("/invalid-definition");
    assertThat(problem.get("violations"))
        .as(response.body())
        .anySatisfy(
            violation -> {
              assertThat(violation.get("path").asText()).isEqualTo(path);
              assertThat(violation.get("message").asText()).startsWith(message);
            });
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("io.nightshift");
    assertThat(node.get(url).statusCode()).as("nothing stored").isEqualTo(404);
  }

  @Test
  void every_violation_of_a_definition_is_named_at_once() {
    HttpResponse<String> response =
        node.put(
            "/api/v1/namespaces/" + NS + "/workflows/everything",
            YAML,
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - {name: sa, image: busybox:1.36, serviceAccountName: nightshift}
                - name: owner
                  jobTemplate:
                    template:
                      metadata: {labels: {app.kubernetes.io/name: nightshift}}
                      spec:
                        hostPID: true
                        hostNetwork: true
                        volumes: [{name: root, hostPath: {path: /}}]
                        containers:
                          - {name: c, image: busybox:1.36, securityContext: {privileged: true}}
            """);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(Json.parse(response.body()).get("violations").findValuesAsText("path"))
        .containsExactlyInAnyOrder(
            "/spec/steps/0/serviceAccountName",
            "/spec/steps/1/jobTemplate/template/metadata/labels/app.kubernetes.io~1name",
            "/spec/steps/1/jobTemplate/template/spec/hostPID",
            "/spec/steps/1/jobTemplate/template/spec/hostNetwork",
            "/spec/steps/1/jobTemplate/template/spec/volumes/0/hostPath",
            "/spec/steps/1/jobTemplate/template/spec/containers/0/securityContext/privileged");
    assertThat(node.get("/api/v1/namespaces/" + NS + "/workflows/everything").statusCode())
        .isEqualTo(404);
  }

  @Test
  void every_example_keeps_to_baseline() throws IOException {
    for (Path example : Definitions.examples()) {
      JsonNode source = (JsonNode) Definitions.parseYaml(Files.readString(example));
      String url =
          "/api/v1/namespaces/"
              + source.at("/metadata/namespace").asText()
              + "/workflows/"
              + source.at("/metadata/name").asText();
      HttpResponse<String> response = node.put(url, YAML, Files.readString(example));
      assertThat(response.statusCode()).as(example + ": " + response.body()).isIn(200, 201);
    }
  }

  @Test
  void a_shorthand_step_in_a_restricted_namespace_runs_with_the_restricted_security_context() {
    assertThat(
            node.put(
                    "/api/v1/namespaces/" + STRICT + "/workflows/plain",
                    YAML,
                    """
                    apiVersion: nightshift.io/v1
                    kind: Workflow
                    spec:
                      steps:
                        - {name: only, image: busybox:1.36, command: ["true"]}
                    """)
                .statusCode())
        .isEqualTo(201);
    node.runNow(STRICT, "plain");

    Job job = kube.jobs().awaitJob(STRICT, "plain-1-only", JOB_WAIT);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var context = pod.getContainers().get(0).getSecurityContext();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void a_definition_stored_before_the_policy_was_tightened_never_becomes_a_job() {
    PostgresFixture.Database own = PostgresFixture.newDatabase();
    String definition = pod("hostPID: true\n" + CONTAINER);
    try (NightshiftNode lax =
        NightshiftNode.start(properties(own, "nightshift.policy.default-level", "privileged"))) {
      assertThat(lax.put("/api/v1/namespaces/" + NS + "/workflows/legacy", YAML, definition))
          .extracting(HttpResponse::statusCode)
          .isEqualTo(201);
    }

    try (NightshiftNode tightened = NightshiftNode.start(properties(own))) {
      HttpResponse<String> response =
          tightened.send(
              tightened
                  .request("/api/v1/namespaces/" + NS + "/workflows/legacy/runs?wait=20s")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));

      JsonNode run = Json.parse(response.body());
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Failed");
      JsonNode step = run.get("steps").get(0);
      assertThat(step.get("reason").asText()).isEqualTo("PolicyViolation");
      assertThat(step.get("message").asText())
          .contains("/jobTemplate/template/spec/hostPID")
          .contains("baseline: Host Namespaces:");
      assertThat(kube.jobCreations(NS)).noneMatch(name -> name.startsWith("legacy-"));
      assertThat(kube.jobs().job(NS, "legacy-1-own")).isEmpty();
    }
  }
}

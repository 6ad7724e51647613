package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.api.Problem;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /prometheus} carries every namespace's workflow and step names in its labels, so it is
 * served only to a token with the role {@code metrics} and to an admin that sees every namespace:
 * anonymous callers get 401, namespace-scoped callers of any role 403, and a metrics token reads
 * nothing under /api/v1.
 */
class MetricsAccessIT {

  /** Another team's workflow, whose name must not leak to who may not scrape. */
  private static final String SECRET_WORKFLOW = "secret-team-payroll";

  private static final String SECRET_STEP = "pay-everyone";
  private static final String SECRET_NAMESPACE = "finance";

  /** The bootstrap metrics token of the node ({@code NIGHTSHIFT_METRICS_TOKEN}). */
  private static final String METRICS_TOKEN = "test-metrics-3f9a1c7e5b2d8046a9e1c3b5d7f90a2c";

  @TempDir static Path dataDir;

  private static NightshiftNode admin;

  @BeforeAll
  static void start() {
    admin =
        NightshiftNode.start(
            NightshiftNode.quick(
                PostgresFixture.newDatabase(),
                "nightshift.data-dir",
                dataDir.toString(),
                "nightshift.metrics-token",
                METRICS_TOKEN));
    String path = "/api/v1/namespaces/" + SECRET_NAMESPACE + "/workflows/" + SECRET_WORKFLOW;
    HttpResponse<String> put =
        admin.put(
            path,
            "application/yaml",
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - {name: %s, image: busybox:1.36, command: ["true"]}
            """
                .formatted(SECRET_STEP));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    HttpResponse<String> run =
        admin.send(
            admin
                .request(path + "/runs?wait=30s")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(Json.parse(run.body()).get("status").asText()).as(run.body()).isEqualTo("Succeeded");
    // The meters of that run exist: what the refusals below must not show.
    assertThat(admin.get("/prometheus").body()).contains(SECRET_WORKFLOW, SECRET_STEP);
  }

  @AfterAll
  static void stop() {
    admin.close();
  }

  private static String token(String name, String role, String... namespaces) {
    HttpResponse<String> created =
        post(
            "/api/v1/tokens",
            Definitions.json(
                Map.of("name", name, "role", role, "namespaces", List.of(namespaces))));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  private static HttpResponse<String> post(String path, String json) {
    return admin.send(
        admin
            .request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static void assertRefused(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    // Everything but the instance, which is the path the caller sent itself.
    ((ObjectNode) problem).remove("instance");
    assertThat(problem.toString())
        .doesNotContain(SECRET_WORKFLOW, SECRET_STEP, "nightshift_", "io.nightshift", "Exception");
  }

  @Test
  void an_anonymous_scrape_gets_401_with_a_bearer_challenge_and_no_workflow_name() {
    HttpResponse<String> scrape = admin.as(null).get("/prometheus");
    assertRefused(scrape, 401);
    assertThat(scrape.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));

    HttpResponse<String> unknown = admin.as("nsk_not-a-token-anyone-was-given").get("/prometheus");
    assertRefused(unknown, 401);
  }

  @Test
  void no_spelling_of_the_scrape_path_serves_it_anonymously() {
    NightshiftNode anonymous = admin.as(null);
    for (String path :
        List.of(
            "/prometheus/",
            "//prometheus",
            "/prometheus?format=text",
            "/prometheus;jsessionid=x",
            "/./prometheus",
            "/health/../prometheus",
            "/%70rometheus",
            "/PROMETHEUS",
            "/prometheus%2F",
            "/health/liveness/../../prometheus")) {
      HttpResponse<String> response = anonymous.get(path);
      assertThat(response.statusCode()).as(path + " " + response.body()).isBetween(400, 499);
      assertThat(response.body()).as(path).doesNotContain(SECRET_WORKFLOW, SECRET_STEP);
    }
  }

  @Test
  void a_namespace_scoped_token_of_any_role_gets_403_and_no_workflow_name() {
    for (String role : List.of("viewer", "operator", "admin")) {
      NightshiftNode scoped = admin.as(token("scoped-" + role, role, SECRET_NAMESPACE));
      assertRefused(scoped.get("/prometheus"), 403);
    }
  }

  @Test
  void a_viewer_or_an_operator_that_sees_every_namespace_gets_403() {
    for (String role : List.of("viewer", "operator")) {
      assertRefused(admin.as(token("unscoped-" + role, role)).get("/prometheus"), 403);
    }
  }

  @Test
  void a_token_created_with_the_metrics_role_scrapes_every_namespace() {
    HttpResponse<String> scrape = admin.as(token("prometheus", "metrics")).get("/prometheus");
    assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("text/plain"));
    assertThat(scrape.body())
        .contains("# TYPE nightshift_runs_total counter")
        .contains("workflow=\"" + SECRET_WORKFLOW + "\"");
  }

  @Test
  void an_admin_that_sees_every_namespace_scrapes() {
    assertThat(admin.get("/prometheus").statusCode()).isEqualTo(200);
  }

  @Test
  void the_bootstrap_metrics_token_from_nightshift_metrics_token_scrapes() {
    HttpResponse<String> scrape = admin.as(METRICS_TOKEN).get("/prometheus");
    assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
    assertThat(scrape.body()).contains("workflow=\"" + SECRET_WORKFLOW + "\"");

    JsonNode bootstrap = null;
    for (JsonNode token : Json.parse(admin.get("/api/v1/tokens").body()).get("items")) {
      if (token.get("name").asText().equals("bootstrap-metrics")) {
        bootstrap = token;
      }
    }
    assertThat(bootstrap).as("the token bootstrap-metrics in the listing").isNotNull();
    assertThat(bootstrap.get("role").asText()).isEqualTo("metrics");
    assertThat(bootstrap.get("namespaces")).isEmpty();
    assertThat(bootstrap.toString()).doesNotContain(METRICS_TOKEN);
  }

  @Test
  void a_metrics_token_reads_and_changes_nothing_under_the_api() {
    NightshiftNode metrics = admin.as(METRICS_TOKEN);
    String workflow = "/api/v1/namespaces/" + SECRET_NAMESPACE + "/workflows/" + SECRET_WORKFLOW;
    for (String path :
        List.of(
            "/api/v1/workflows",
            workflow,
            workflow + "/runs",
            "/api/v1/runs/00000000-0000-0000-0000-000000000000",
            "/api/v1/cluster",
            "/api/v1/tokens",
            "/api/v1/audit")) {
      assertRefused(metrics.get(path), 403);
    }
    String before = admin.get(workflow).body();
    assertRefused(metrics.put(workflow, "application/yaml", "spec: {steps: []}"), 403);
    assertRefused(metrics.post(workflow + "/runs"), 403);
    assertRefused(metrics.delete(workflow), 403);
    assertRefused(
        metrics.send(
            metrics
                .request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"escalated\", \"role\": \"admin\"}"))),
        403);
    assertThat(admin.get(workflow).body()).isEqualTo(before);
    assertThat(admin.get("/api/v1/tokens").body()).doesNotContain("escalated");
  }

  @Test
  void a_metrics_token_confined_to_namespaces_is_refused_naming_the_field_and_not_stored() {
    HttpResponse<String> refused =
        post(
            "/api/v1/tokens",
            "{\"name\": \"team-scraper\", \"role\": \"metrics\", \"namespaces\": [\"finance\"]}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    List<String> paths = new ArrayList<>();
    for (JsonNode violation : Json.parse(refused.body()).get("violations")) {
      paths.add(violation.get("path").asText());
    }
    assertThat(paths).containsExactly("/namespaces");
    assertThat(admin.get("/api/v1/tokens").body()).doesNotContain("team-scraper");
  }

  @Test
  void a_configured_metrics_token_too_short_to_be_secret_stops_the_node() {
    assertThat(startFailure("nightshift.metrics-token", "scrape-me"))
        .contains("NIGHTSHIFT_METRICS_TOKEN", "32")
        .doesNotContain("scrape-me");
  }

  @Test
  void a_metrics_token_that_is_the_admin_token_stops_the_node() {
    assertThat(startFailure("nightshift.metrics-token", NightshiftNode.ADMIN_TOKEN))
        .contains("NIGHTSHIFT_METRICS_TOKEN", "NIGHTSHIFT_ADMIN_TOKEN")
        .doesNotContain(NightshiftNode.ADMIN_TOKEN);
  }

  /** The message of the failure that stops a node started with these properties. */
  private static String startFailure(Object... properties) {
    Throwable failure = null;
    try (NightshiftNode node =
        NightshiftNode.start(NightshiftNode.on(PostgresFixture.newDatabase(), properties))) {
      node.get("/health");
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).as("the node started").isNotNull();
    Throwable cause = failure;
    while (cause.getCause() != null && !cause.getMessage().contains("NIGHTSHIFT_METRICS_TOKEN")) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}

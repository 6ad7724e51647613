package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract: real responses of real calls, each validated against the served OpenAPI document.
 * The calls go through one node with the local executor (real runs of real processes) and cover
 * workflows (put, get, list), runs (run now, get, history, logs, cancel, retry, backfill), tokens,
 * the audit, the cluster, and the problems (400, 401, 403, 404, 409, 413, 415, 422, 429). A field
 * the server writes that the document does not declare fails the test: every object schema without
 * {@code additionalProperties} is read as closed.
 */
class ApiContractIT {

  private static final String NS = "/api/v1/namespaces/contract/workflows/";
  private static final String YAML = "application/yaml";
  private static final String JSON = "application/json";

  @TempDir static Path dataDir;
  private static NightshiftNode node;
  private static OpenApiInteractionValidator validator;

  /** One call and its answer, validated at the end. */
  record Exchange(String method, String path, HttpResponse<String> response) {
    @Override
    public String toString() {
      return method + " " + path + " -> " + response.statusCode();
    }
  }

  private static final List<Exchange> exchanges = new ArrayList<>();

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(
            NightshiftNode.quick(
                PostgresFixture.newDatabase(),
                "nightshift.data-dir",
                dataDir.toString(),
                // Every ?wait is past the cap: a 429 to validate, with no waiting.
                "nightshift.api.max-waits-per-caller",
                0));
    String document = node.as(null).get("/api/v1/openapi.yaml").body();
    validator =
        OpenApiInteractionValidator.createForInlineApiSpecification(document)
            .withLevelResolver(
                LevelResolver.create()
                    // An object schema without additionalProperties is closed: a field the server
                    // returns but the document does not declare is an error.
                    .withLevel(
                        "validation.schema.additionalProperties", ValidationReport.Level.ERROR)
                    .withLevel("validation.response.body.missing", ValidationReport.Level.ERROR)
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> call(NightshiftNode as, HttpRequest.Builder request) {
    HttpRequest built = request.build();
    HttpResponse<String> response = as.send(request);
    URI uri = built.uri();
    exchanges.add(new Exchange(built.method(), uri.getPath(), response));
    return response;
  }

  private static HttpResponse<String> get(String path) {
    return call(node, node.request(path).GET());
  }

  private static HttpResponse<String> post(String path, String json) {
    return call(
        node,
        node.request(path)
            .header("Content-Type", JSON)
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)));
  }

  private static HttpResponse<String> put(String path, String contentType, String body) {
    return call(
        node,
        node.request(path)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> delete(String path) {
    return call(node, node.request(path).DELETE());
  }

  private static String workflow(String schedule, String command) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        metadata:
          labels: {team: contract}
          annotations: {runbook: "https://wiki.example/contract"}
        spec:
          %s
          timeZone: Europe/Paris
          concurrencyPolicy: Allow
          parameters: {greeting: hello, retentionDays: 3}
          steps:
            - name: first
              image: busybox:1.36
              command: [sh, -c, 'echo "$GREETING from $NIGHTSHIFT_STEP"']
              env: [{name: COLOUR, value: blue}]
              resources: {requests: {cpu: 10m}, limits: {memory: 64Mi}}
              retries: 1
            - name: second
              dependsOn: [first]
              image: busybox:1.36
              command: [sh, -c, '%s']
            - name: notify
              dependsOn: [second]
              when: failed
              image: busybox:1.36
              command: [sh, -c, 'echo failed']
        """
        .formatted(schedule == null ? "" : "schedule: \"" + schedule + "\"", command);
  }

  /** Every field a definition may have, for reading back; the local executor cannot run it. */
  private static final String EVERY_FIELD =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      metadata: {name: every-field, namespace: contract, labels: {a: b}, annotations: {c: d}}
      spec:
        schedule: "*/5 * * * *"
        timeZone: UTC
        concurrencyPolicy: Queue
        startingDeadlineSeconds: 60
        suspend: true
        successfulRunsHistoryLimit: 2
        failedRunsHistoryLimit: 2
        activeDeadlineSeconds: 600
        parameters: {retentionDays: 3}
        steps:
          - name: shorthand
            image: busybox:1.36
            command: [sh, -c]
            args: ['echo "$A $B $C $D"']
            env:
              - {name: A, value: a}
              - name: B
                valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}
              - name: C
                valueFrom: {configMapKeyRef: {name: m, key: k}}
              - name: D
                valueFrom: {fieldRef: {fieldPath: metadata.name, apiVersion: v1}}
              - name: E
                valueFrom: {resourceFieldRef: {containerName: shorthand, resource: limits.memory, divisor: 1Mi}}
            resources: {requests: {cpu: 10m}, limits: {memory: 64Mi}}
            backoffLimit: 1
            activeDeadlineSeconds: 60
            serviceAccountName: default
            retries: 2
          - name: template
            dependsOn: [shorthand]
            when: always
            jobTemplate:
              completions: 2
              parallelism: 1
              completionMode: Indexed
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: "busybox:1.36", args: ["1", "2"]}]
      """;

  private static String runNow(String workflow) {
    HttpResponse<String> created =
        call(
            node,
            node.request(NS + workflow + "/runs")
                .header("Content-Type", JSON)
                .header("Idempotency-Key", "contract-" + workflow + "-" + exchanges.size())
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"parameters\": {\"greeting\": \"hi\"}}")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("id").asText();
  }

  private static JsonNode ended(String runId) {
    return node.awaitRun(
        runId,
        run -> Set.of("Succeeded", "Failed", "Cancelled").contains(run.get("status").asText()));
  }

  @Test
  void every_answer_of_the_api_matches_the_openapi_document() {
    // Workflows: create, replace, read as JSON, list, preview, suspend, resume.
    assertThat(put(NS + "chain", YAML, workflow("0 2 * * *", "echo second")).statusCode())
        .isEqualTo(201);
    HttpResponse<String> replaced =
        put(NS + "chain", YAML, workflow("0 2 * * *", "echo second; echo again"));
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(put(NS + "failing", YAML, workflow(null, "exit 3")).statusCode()).isEqualTo(201);
    assertThat(put(NS + "slow", YAML, workflow(null, "sleep 30")).statusCode()).isEqualTo(201);
    assertThat(put(NS + "hourly", YAML, workflow("@hourly", "true")).statusCode()).isEqualTo(201);
    HttpResponse<String> everyField = put(NS + "every-field", YAML, EVERY_FIELD);
    assertThat(everyField.statusCode()).as(everyField.body()).isEqualTo(201);
    assertThat(put(NS + "every-field", JSON, Json.parse(everyField.body()).toString()).statusCode())
        .isEqualTo(200);
    assertThat(get(NS + "every-field").statusCode()).isEqualTo(200);
    assertThat(
            call(node, node.request(NS + "every-field").header("Accept", YAML).GET()).statusCode())
        .isEqualTo(200);
    assertThat(get(NS + "chain").statusCode()).isEqualTo(200);
    assertThat(put(NS + "dry?dryRun=true", YAML, workflow(null, "true")).statusCode())
        .isEqualTo(201);
    assertThat(put(NS + "chain?dryRun=true", YAML, workflow(null, "true")).statusCode())
        .isEqualTo(200);
    assertThat(get("/api/v1/workflows").statusCode()).isEqualTo(200);
    HttpResponse<String> page = get("/api/v1/workflows?limit=1");
    assertThat(Json.parse(page.body()).get("nextCursor").isNull()).isFalse();
    assertThat(get("/api/v1/namespaces/contract/workflows?limit=2").statusCode()).isEqualTo(200);
    assertThat(get(NS + "chain/schedule?count=3").statusCode()).isEqualTo(200);
    assertThat(get(NS + "failing/schedule").statusCode()).isEqualTo(200);
    assertThat(post(NS + "chain/suspend", null).statusCode()).isEqualTo(200);
    assertThat(post(NS + "chain/resume", null).statusCode()).isEqualTo(200);

    // Runs: run now, read while and after it runs, history, logs, cancel, retry, backfill.
    String succeeded = runNow("chain");
    assertThat(get("/api/v1/runs/" + succeeded).statusCode()).isEqualTo(200);
    assertThat(ended(succeeded).get("status").asText()).isEqualTo("Succeeded");
    assertThat(get("/api/v1/runs/" + succeeded).statusCode()).isEqualTo(200);
    assertThat(get(NS + "chain/runs").statusCode()).isEqualTo(200);
    assertThat(get(NS + "chain/runs?limit=1&status=Succeeded").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/runs/" + succeeded + "/steps/first/logs").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/runs/" + succeeded + "/steps/first/logs?tailLines=1").statusCode())
        .isEqualTo(200);
    assertThat(get("/api/v1/runs/" + succeeded + "/steps/first/logs?follow=true").statusCode())
        .isEqualTo(200);
    assertThat(post("/api/v1/runs/" + succeeded + "/cancel", null).statusCode()).isEqualTo(409);
    assertThat(post("/api/v1/runs/" + succeeded + "/retry", null).statusCode()).isEqualTo(409);
    String failed = runNow("failing");
    assertThat(ended(failed).get("status").asText()).isEqualTo("Failed");
    assertThat(get("/api/v1/runs/" + failed).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/runs/" + failed + "/retry", null).statusCode()).isEqualTo(202);
    ended(failed);
    String slow = runNow("slow");
    node.awaitRun(slow, run -> run.get("status").asText().equals("Running"));
    assertThat(post("/api/v1/runs/" + slow + "/cancel", null).statusCode()).isEqualTo(202);
    assertThat(ended(slow).get("status").asText()).isEqualTo("Cancelled");
    assertThat(get("/api/v1/runs/" + slow).statusCode()).isEqualTo(200);
    HttpResponse<String> backfill =
        post(
            NS + "hourly/backfill",
            "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-01T02:00:00Z\"}");
    assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(201);
    assertThat(
            post(
                    NS + "hourly/backfill",
                    "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-01T01:00:00Z\"}")
                .statusCode())
        .isEqualTo(201);

    // The cluster, tokens and the audit.
    assertThat(get("/api/v1/cluster").statusCode()).isEqualTo(200);
    HttpResponse<String> token =
        post(
            "/api/v1/tokens",
            "{\"name\": \"contract-viewer\", \"role\": \"viewer\", \"namespaces\": [\"contract\"],"
                + " \"expiresAt\": \"2099-01-01T00:00:00Z\"}");
    assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
    NightshiftNode viewer = node.as(Json.parse(token.body()).get("token").asText());
    assertThat(get("/api/v1/tokens").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/audit?limit=5").statusCode()).isEqualTo(200);

    // The problems.
    assertThat(get("/api/v1/workflows?limit=0").statusCode()).isEqualTo(400);
    assertThat(put(NS + "broken", YAML, "spec: [unclosed").statusCode()).isEqualTo(400);
    assertThat(put(NS + "chain?dryRun=maybe", YAML, workflow(null, "true")).statusCode())
        .isEqualTo(400);
    assertThat(post(NS + "hourly/backfill", "{\"from\": \"yesterday\"}").statusCode())
        .isEqualTo(400);
    assertThat(call(node.as(null), node.as(null).request(NS + "chain").GET()).statusCode())
        .isEqualTo(401);
    assertThat(
            call(node.as("not-a-token"), node.as("not-a-token").request("/api/v1/cluster").GET())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            call(
                    viewer,
                    viewer
                        .request(NS + "chain")
                        .header("Content-Type", YAML)
                        .PUT(HttpRequest.BodyPublishers.ofString(workflow(null, "true"))))
                .statusCode())
        .isEqualTo(403);
    assertThat(call(viewer, viewer.request("/api/v1/tokens").GET()).statusCode()).isEqualTo(403);
    assertThat(get(NS + "missing").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/runs/01JDNOSUCHRUN0000000000000").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/runs/" + succeeded + "/steps/nope/logs").statusCode()).isEqualTo(404);
    assertThat(delete("/api/v1/tokens/nobody").statusCode()).isEqualTo(404);
    String stale =
        "apiVersion: nightshift.io/v1\nkind: Workflow\nmetadata: {resourceVersion: \"1\"}\n"
            + workflow(null, "true").substring(workflow(null, "true").indexOf("spec:"));
    assertThat(put(NS + "chain", YAML, stale).statusCode()).isEqualTo(409);
    assertThat(
            post("/api/v1/tokens", "{\"name\": \"contract-viewer\", \"role\": \"viewer\"}")
                .statusCode())
        .isEqualTo(409);
    assertThat(put(NS + "big", YAML, "x".repeat(1024 * 1024 + 1)).statusCode()).isEqualTo(413);
    assertThat(put(NS + "chain", "text/plain", "hello").statusCode()).isEqualTo(415);
    HttpResponse<String> invalid =
        put(NS + "invalid", YAML, workflow("61 2 * * *", "true").replace("Allow", "Sometimes"));
    assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
    assertThat(post(NS + "chain/runs", "{\"parameters\": {\"undeclared\": \"x\"}}").statusCode())
        .isEqualTo(422);
    assertThat(post(NS + "chain/runs?wait=5s", "{}").statusCode()).isEqualTo(429);
    assertThat(get("/api/v1/runs/" + succeeded + "?wait=1s").statusCode()).isEqualTo(429);

    // The descriptions, open to all.
    NightshiftNode anonymous = node.as(null);
    assertThat(
            call(anonymous, anonymous.request("/api/v1/schemas/workflow.json").GET()).statusCode())
        .isEqualTo(200);
    assertThat(call(anonymous, anonymous.request("/api/v1/openapi.yaml").GET()).statusCode())
        .isEqualTo(200);

    // Deletions.
    assertThat(delete("/api/v1/tokens/contract-viewer").statusCode()).isEqualTo(204);
    assertThat(delete(NS + "hourly").statusCode()).isEqualTo(204);

    Set<Integer> statuses =
        exchanges.stream()
            .map(exchange -> exchange.response().statusCode())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(statuses).contains(200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 415, 422, 429);

    List<String> mismatches = new ArrayList<>();
    for (Exchange exchange : exchanges) {
      ValidationReport report =
          validator.validateResponse(
              exchange.path(), Request.Method.valueOf(exchange.method()), response(exchange));
      if (report.hasErrors()) {
        mismatches.add(
            exchange
                + "\n  "
                + report.getMessages().stream()
                    .map(ValidationReport.Message::toString)
                    .collect(Collectors.joining("\n  "))
                + "\n  body: "
                + abbreviate(exchange.response().body()));
      }
    }
    assertThat(mismatches).as("answers that do not match the OpenAPI document").isEmpty();
  }

  /** {@code body} with {@code field} added to the object at {@code pointer}. */
  private static String withField(String body, String pointer, String field) {
    JsonNode tree = Json.parse(body);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at(pointer)).put(field, 1);
    return tree.toString();
  }

  private static List<String> errors(
      String path, Request.Method method, int status, String type, String body) {
    ValidationReport report =
        validator.validateResponse(
            path,
            method,
            SimpleResponse.Builder.status(status).withContentType(type).withBody(body).build());
    return report.getMessages().stream()
        .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
        .map(ValidationReport.Message::getKey)
        .toList();
  }

  @Test
  void a_field_the_document_does_not_declare_fails_the_contract() {
    String path = NS + "strict";
    HttpResponse<String> created = node.put(path, YAML, workflow("@daily", "true"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String workflow = node.get(path).body();
    HttpResponse<String> missing = node.get(NS + "no-such-workflow");
    assertThat(missing.statusCode()).isEqualTo(404);

    assertThat(errors(path, Request.Method.GET, 200, JSON, workflow)).isEmpty();
    assertThat(errors(path, Request.Method.GET, 200, JSON, withField(workflow, "", "status")))
        .contains("validation.response.body.schema.additionalProperties");
    assertThat(
            errors(
                path, Request.Method.GET, 200, JSON, withField(workflow, "/spec/steps/0", "gpu")))
        .contains("validation.response.body.schema.additionalProperties");
    assertThat(
            errors(
                NS + "no-such-workflow",
                Request.Method.GET,
                404,
                "application/problem+json",
                withField(missing.body(), "", "stackTrace")))
        .contains("validation.response.body.schema.additionalProperties");
  }

  /**
   * The answer as the validator reads it. A YAML answer is validated as the JSON it encodes: the
   * document gives both the same schema, and the validator reads JSON bodies only.
   */
  private static SimpleResponse response(Exchange exchange) {
    HttpResponse<String> response = exchange.response();
    SimpleResponse.Builder builder = SimpleResponse.Builder.status(response.statusCode());
    String body = response.body();
    boolean yaml =
        response.headers().firstValue("Content-Type").orElse("").startsWith(YAML)
            && !exchange.path().endsWith("/openapi.yaml");
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!(yaml && name.equalsIgnoreCase("Content-Type"))) {
                builder.withHeader(name, values);
              }
            });
    if (yaml) {
      builder.withContentType(JSON);
      body = Definitions.json(Definitions.parseYaml(body));
    }
    if (body != null && !body.isEmpty()) {
      builder.withBody(body);
    }
    return builder.build();
  }

  private static String abbreviate(String body) {
    return body == null || body.length() < 600 ? body : body.substring(0, 600) + "…";
  }
}

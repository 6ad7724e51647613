package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkflowApiIT {

  private static final String YAML = "application/yaml";
  private static final String JSON = "application/json";
  private static final String CHAIN = "/api/v1/namespaces/data/workflows/chain";

  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node = NightshiftNode.start(PostgresFixture.newDatabase());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String path(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/workflows/" + name;
  }

  /** Stores the chain under the name and namespace the path gives. */
  private static void putChain(String path) {
    assertThat(node.put(path, YAML, Definitions.yaml(Definitions.unnamedChain())).statusCode())
        .isIn(200, 201);
  }

  @Test
  void put_creates_with_201_then_replaces_with_200() {
    String path = path("crud", "created-then-replaced");
    ObjectNode definition = Definitions.unnamedChain();

    HttpResponse<String> created = node.put(path, YAML, Definitions.yaml(definition));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode body = Json.parse(created.body());
    assertThat(body.at("/metadata/name").asText()).isEqualTo("created-then-replaced");
    assertThat(body.at("/metadata/namespace").asText()).isEqualTo("crud");
    assertThat(body.at("/metadata/generation").asLong()).isEqualTo(1);

    ((ObjectNode) definition.get("spec")).put("schedule", "30 3 * * *");
    HttpResponse<String> replaced = node.put(path, YAML, Definitions.yaml(definition));
    assertThat(replaced.statusCode()).isEqualTo(200);
    JsonNode after = Json.parse(replaced.body());
    assertThat(after.at("/spec/schedule").asText()).isEqualTo("30 3 * * *");
    assertThat(after.at("/metadata/uid")).isEqualTo(body.at("/metadata/uid"));
    assertThat(after.at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(after.at("/metadata/creationTimestamp"))
        .isEqualTo(body.at("/metadata/creationTimestamp"));

    assertThat(Json.parse(node.get(path).body())).isEqualTo(after);
  }

  @Test
  void json_in_json_out_and_yaml_on_request() {
    String path = path("crud", "json-workflow");
    ObjectNode definition = Definitions.chain();
    ((ObjectNode) definition.get("metadata")).put("name", "json-workflow").put("namespace", "crud");

    HttpResponse<String> created = node.put(path, JSON, Definitions.json(definition));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith(JSON));

    HttpResponse<String> yaml = node.get(path, YAML);
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith(YAML));
    JsonNode fromYaml = (JsonNode) Definitions.parseYaml(yaml.body());
    assertThat(fromYaml.at("/spec/steps/2/jobTemplate/completionMode").asText())
        .isEqualTo("Indexed");
    assertThat(fromYaml.at("/spec/steps/0/env/0/valueFrom/secretKeyRef/key").asText())
        .isEqualTo("password");
  }

  @Test
  void every_example_can_be_put_and_read_back() throws IOException {
    for (Path example : Definitions.examples()) {
      JsonNode source = (JsonNode) Definitions.parseYaml(Files.readString(example));
      String path =
          path(source.at("/metadata/namespace").asText(), source.at("/metadata/name").asText());

      HttpResponse<String> put = node.put(path, YAML, Files.readString(example));
      assertThat(put.statusCode()).as(example + ": " + put.body()).isIn(200, 201);

      JsonNode stored = Json.parse(node.get(path).body());
      assertThat(stored.at("/spec/steps")).hasSameSizeAs(source.at("/spec/steps"));
      assertThat(stored.at("/spec/schedule")).isEqualTo(source.at("/spec/schedule"));
      assertThat(stored.at("/metadata/labels")).isEqualTo(source.at("/metadata/labels"));
      for (int i = 0; i < source.at("/spec/steps").size(); i++) {
        JsonNode step = source.at("/spec/steps/" + i);
        JsonNode storedStep = stored.at("/spec/steps/" + i);
        step.fieldNames()
            .forEachRemaining(
                field ->
                    assertThat(storedStep.get(field))
                        .as(example + " step field " + field)
                        .isEqualTo(step.get(field)));
      }
    }
  }

  @Test
  void absent_fields_read_back_with_the_cronjob_defaults() {
    String body =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - {name: only, image: busybox:1.36}
        """;
    assertThat(node.put(path("defaults", "minimal"), YAML, body).statusCode()).isEqualTo(201);

    JsonNode stored = Json.parse(node.get(path("defaults", "minimal")).body());
    assertThat(stored.at("/spec/timeZone").asText()).isEqualTo("UTC");
    assertThat(stored.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(stored.at("/spec/suspend").asBoolean()).isFalse();
    assertThat(stored.at("/spec/successfulRunsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(stored.at("/spec/failedRunsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(stored.at("/spec/steps/0/when").asText()).isEqualTo("succeeded");
    assertThat(stored.at("/spec/steps/0/retries").asInt()).isZero();
    assertThat(stored.at("/spec/schedule").isMissingNode()).isTrue();
  }

  @Test
  void what_get_returns_as_yaml_can_be_put_back_as_it_is() {
    node.put(CHAIN, YAML, Definitions.yaml(Definitions.chain()));
    JsonNode before = Json.parse(node.get(CHAIN).body());

    HttpResponse<String> again = node.put(CHAIN, YAML, node.get(CHAIN, YAML).body());

    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(Json.parse(again.body())).isEqualTo(before);
  }

  @Test
  void generation_counts_spec_changes_and_resource_version_counts_every_change() {
    String path = path("crud", "versions");
    ObjectNode definition = Definitions.unnamedChain();
    JsonNode v1 = Json.parse(node.put(path, YAML, Definitions.yaml(definition)).body());

    JsonNode same = Json.parse(node.put(path, YAML, Definitions.yaml(definition)).body());
    assertThat(same.at("/metadata/resourceVersion")).isEqualTo(v1.at("/metadata/resourceVersion"));

    definition.putObject("metadata").putObject("labels").put("team", "data");
    JsonNode relabelled = Json.parse(node.put(path, YAML, Definitions.yaml(definition)).body());
    assertThat(relabelled.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(relabelled.at("/metadata/resourceVersion").asText()).isEqualTo("2");

    ((ObjectNode) definition.get("spec")).put("concurrencyPolicy", "Forbid");
    JsonNode respecced = Json.parse(node.put(path, YAML, Definitions.yaml(definition)).body());
    assertThat(respecced.at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(respecced.at("/metadata/resourceVersion").asText()).isEqualTo("3");
  }

  @Test
  void a_put_with_a_stale_resource_version_is_refused_with_409() {
    String path = path("crud", "optimistic");
    putChain(path);
    JsonNode read = Json.parse(node.get(path).body());
    node.post(path + "/suspend");

    ObjectNode edited = read.deepCopy();
    ((ObjectNode) edited.get("spec")).put("schedule", "0 4 * * *");
    HttpResponse<String> stale = node.put(path, JSON, Definitions.json(edited));

    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    assertThat(Json.parse(stale.body()).get("detail").asText()).contains("resourceVersion");
    assertThat(Json.parse(node.get(path).body()).at("/spec/schedule").asText())
        .isEqualTo("0 2 * * *");
  }

  @Test
  void lists_every_namespace_page_by_page_and_one_namespace_on_request() {
    List<String> expected = new ArrayList<>();
    for (String namespace : List.of("list-a", "list-b")) {
      for (String name : List.of("w1", "w2", "w3")) {
        putChain(path(namespace, name));
        expected.add(namespace + "/" + name);
      }
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          Json.parse(
              node.get("/api/v1/workflows?limit=4" + (cursor == null ? "" : "&cursor=" + cursor))
                  .body());
      page.get("items")
          .forEach(
              item ->
                  seen.add(
                      item.at("/metadata/namespace").asText()
                          + "/"
                          + item.at("/metadata/name").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(seen).containsSubsequence(expected).doesNotHaveDuplicates();

    JsonNode onlyB = Json.parse(node.get("/api/v1/workflows?namespace=list-b").body());
    assertThat(onlyB.get("items")).hasSize(3);
    onlyB
        .get("items")
        .forEach(item -> assertThat(item.at("/metadata/namespace").asText()).isEqualTo("list-b"));
    assertThat(onlyB.get("nextCursor").isNull()).isTrue();
    assertThat(Json.parse(node.get("/api/v1/namespaces/list-a/workflows").body()).get("items"))
        .hasSize(3);
  }

  @Test
  void bad_list_parameters_are_a_400_problem_naming_each() {
    HttpResponse<String> response = node.get("/api/v1/workflows?limit=0&cursor=%25%25");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.findValuesAsText("path")).containsExactlyInAnyOrder("?limit", "?cursor");
  }

  @Test
  void delete_removes_the_workflow() {
    String path = path("crud", "doomed");
    putChain(path);

    assertThat(node.delete(path).statusCode()).isEqualTo(204);
    assertThat(node.get(path).statusCode()).isEqualTo(404);
    assertThat(node.delete(path).statusCode()).isEqualTo(404);
  }

  @Test
  void suspend_and_resume_set_spec_suspend() {
    String path = path("crud", "pausable");
    putChain(path);

    HttpResponse<String> suspended = node.post(path + "/suspend");
    assertThat(suspended.statusCode()).isEqualTo(200);
    assertThat(Json.parse(suspended.body()).at("/spec/suspend").asBoolean()).isTrue();
    assertThat(Json.parse(node.get(path).body()).at("/spec/suspend").asBoolean()).isTrue();

    HttpResponse<String> resumed = node.post(path + "/resume");
    assertThat(Json.parse(resumed.body()).at("/spec/suspend").asBoolean()).isFalse();
    assertThat(Json.parse(node.get(path).body()).at("/spec/suspend").asBoolean()).isFalse();
  }

  @Test
  void an_unknown_workflow_is_a_404_problem_everywhere() {
    String path = path("crud", "never-defined");
    for (HttpResponse<String> response :
        List.of(
            node.get(path),
            node.delete(path),
            node.post(path + "/suspend"),
            node.post(path + "/resume"),
            node.get(path + "/schedule"))) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
      JsonNode problem = Json.parse(response.body());
      assertThat(problem.get("status").asInt()).isEqualTo(404);
      assertThat(problem.get("detail").asText()).contains("never-defined");
    }
  }

  @Test
  void an_unknown_route_and_a_wrong_method_are_problems_too() {
    HttpResponse<String> noRoute = node.get("/api/v1/nothing-here");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);

    HttpResponse<String> wrongMethod = node.post("/api/v1/workflows");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
  }

  @Test
  void schedule_preview_lists_fire_times_across_a_dst_change() {
    String path = path("preview", "paris-0230");
    ObjectNode definition = Definitions.unnamedChain();
    ((ObjectNode) definition.get("spec"))
        .put("schedule", "30 2 * * *")
        .put("timeZone", "Europe/Paris");
    node.put(path, YAML, Definitions.yaml(definition));

    JsonNode preview =
        Json.parse(node.get(path + "/schedule?count=3&from=2026-03-27T12:00:00Z").body());

    assertThat(preview.get("schedule").asText()).isEqualTo("30 2 * * *");
    assertThat(preview.get("timeZone").asText()).isEqualTo("Europe/Paris");
    assertThat(preview.get("items"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "2026-03-28T01:30:00Z", // 02:30 CET
            "2026-03-29T01:00:00Z", // 02:30 does not exist: 03:00 CEST, the first instant after it
            "2026-03-30T00:30:00Z"); // 02:30 CEST
  }

  @Test
  void schedule_preview_starts_now_on_the_application_clock() {
    String path = path("preview", "hourly");
    ObjectNode definition = Definitions.unnamedChain();
    ((ObjectNode) definition.get("spec")).put("schedule", "@hourly").put("timeZone", "UTC");
    node.put(path, YAML, Definitions.yaml(definition));
    node.clock().set(Instant.parse("2026-11-23T10:15:00Z"));

    JsonNode preview = Json.parse(node.get(path + "/schedule").body());

    assertThat(preview.get("from").asText()).isEqualTo("2026-11-23T10:15:00Z");
    assertThat(preview.get("items")).hasSize(10);
    assertThat(preview.get("items").get(0).asText()).isEqualTo("2026-11-23T11:00:00Z");
    node.clock().tick(Duration.ofHours(1));
    assertThat(Json.parse(node.get(path + "/schedule?count=1").body()).get("items").get(0).asText())
        .isEqualTo("2026-11-23T12:00:00Z");
  }

  @Test
  void schedule_preview_of_an_api_only_workflow_is_empty() {
    String path = path("preview", "manual-only");
    ObjectNode definition = Definitions.unnamedChain();
    ((ObjectNode) definition.get("spec")).remove("schedule");
    node.put(path, YAML, Definitions.yaml(definition));

    JsonNode preview = Json.parse(node.get(path + "/schedule").body());

    assertThat(preview.get("schedule").isNull()).isTrue();
    assertThat(preview.get("items")).isEmpty();
  }

  @Test
  void schedule_preview_rejects_a_bad_count_and_from_with_one_400() {
    String path = path("preview", "bad-parameters");
    putChain(path);

    HttpResponse<String> response = node.get(path + "/schedule?count=5000&from=yesterday");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    assertThat(Json.parse(response.body()).findValuesAsText("path"))
        .containsExactlyInAnyOrder("?count", "?from");
  }

  @Test
  void health_and_readiness_include_the_database() {
    assertThat(node.get("/health").statusCode()).isEqualTo(200);
    assertThat(node.get("/health/liveness").statusCode()).isEqualTo(200);
    HttpResponse<String> readiness = node.get("/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    JsonNode jdbc = Json.parse(readiness.body()).at("/details/jdbc");
    assertThat(jdbc.get("status").asText()).isEqualTo("UP");
    assertThat(jdbc.toString()).contains("PostgreSQL");
  }

  @Test
  void prometheus_endpoint_serves_the_scrape_format() {
    HttpResponse<String> scrape = node.get("/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge");
  }
}

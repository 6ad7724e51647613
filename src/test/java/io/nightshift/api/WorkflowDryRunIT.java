package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ?dryRun=true} on the workflow PUT makes every check a PUT makes and answers as it would,
 * storing nothing; every PUT says what it did in {@code Nightshift-Change}, as {@code kubectl
 * apply} prints it.
 */
class WorkflowDryRunIT {

  private static final String YAML = "application/yaml";
  private static final String CHANGE = "Nightshift-Change";

  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(
            NightshiftNode.on(
                PostgresFixture.newDatabase(),
                // Scoped admins define workflows below; the local executor refuses them unless
                // allowed (LocalExecutorIsolationIT).
                "nightshift.executor.local.allow-scoped-admins",
                "true"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String path(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/workflows/" + name;
  }

  private static HttpResponse<String> put(NightshiftNode as, String path, ObjectNode definition) {
    return as.put(path, YAML, Definitions.yaml(definition));
  }

  private static HttpResponse<String> dryRun(
      NightshiftNode as, String path, ObjectNode definition) {
    return put(as, path + "?dryRun=true", definition);
  }

  private static String token(String name, String role, String... namespaces) {
    HttpResponse<String> created =
        node.send(
            node.request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Definitions.json(
                            Map.of(
                                "name", name, "role", role, "namespaces", List.of(namespaces))))));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  @Test
  void a_dry_create_answers_201_with_the_workflow_and_stores_nothing() {
    String path = path("dry", "never-stored");

    HttpResponse<String> dry = dryRun(node, path, Definitions.unnamedChain());

    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(201);
    assertThat(dry.headers().firstValue(CHANGE)).hasValue("created");
    JsonNode body = Json.parse(dry.body());
    assertThat(body.at("/metadata/name").asText()).isEqualTo("never-stored");
    assertThat(body.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(body.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(node.get(path).statusCode()).isEqualTo(404);
    assertThat(node.get(path + "/schedule").statusCode()).isEqualTo(404);
    assertThat(node.get("/api/v1/workflows?namespace=dry").body()).doesNotContain("never-stored");
  }

  @Test
  void a_dry_replace_answers_what_would_be_stored_and_leaves_the_stored_one_as_it_was() {
    String path = path("dry", "replaced");
    ObjectNode definition = Definitions.unnamedChain();
    HttpResponse<String> created = put(node, path, definition);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue(CHANGE)).hasValue("created");
    String stored = node.get(path).body();

    ((ObjectNode) definition.get("spec")).put("schedule", "30 4 * * *").put("suspend", true);
    HttpResponse<String> dry = dryRun(node, path, definition);

    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
    assertThat(dry.headers().firstValue(CHANGE)).hasValue("configured");
    JsonNode wouldBe = Json.parse(dry.body());
    assertThat(wouldBe.at("/spec/schedule").asText()).isEqualTo("30 4 * * *");
    assertThat(wouldBe.at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(wouldBe.at("/metadata/resourceVersion").asText()).isEqualTo("2");
    assertThat(node.get(path).body()).isEqualTo(stored);
    assertThat(Json.parse(node.get(path + "/schedule").body()).get("suspended").asBoolean())
        .isFalse();

    HttpResponse<String> same = dryRun(node, path, Definitions.unnamedChain());
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(same.headers().firstValue(CHANGE)).hasValue("unchanged");
  }

  @Test
  void an_identical_put_is_unchanged_and_bumps_neither_generation_nor_resource_version() {
    String path = path("dry", "idempotent");
    ObjectNode definition = Definitions.unnamedChain();
    JsonNode first = Json.parse(put(node, path, definition).body());

    HttpResponse<String> again = put(node, path, definition);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue(CHANGE)).hasValue("unchanged");
    assertThat(Json.parse(again.body())).isEqualTo(first);

    // What GET returns, server fields and all, is also the same definition.
    JsonNode read = Json.parse(node.get(path).body());
    HttpResponse<String> putBack = node.put(path, "application/json", Definitions.json(read));
    assertThat(putBack.headers().firstValue(CHANGE)).hasValue("unchanged");

    definition.putObject("metadata").putObject("labels").put("team", "data");
    HttpResponse<String> relabelled = put(node, path, definition);
    assertThat(relabelled.statusCode()).isEqualTo(200);
    assertThat(relabelled.headers().firstValue(CHANGE)).hasValue("configured");
    JsonNode after = Json.parse(node.get(path).body());
    assertThat(after.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(after.at("/metadata/resourceVersion").asText()).isEqualTo("2");
  }

  @Test
  void an_invalid_definition_gets_every_violation_on_a_dry_run_as_on_a_real_put() {
    String path = path("dry", "invalid");
    ObjectNode broken = Definitions.unnamedChain();
    ((ObjectNode) broken.get("spec")).put("schedule", "61 2 * * *");
    ((ObjectNode) broken.at("/spec/steps/1")).putArray("dependsOn").add("restore");

    HttpResponse<String> dry = dryRun(node, path, broken);
    HttpResponse<String> real = put(node, path, broken);

    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(422);
    assertThat(Json.parse(dry.body()).get("violations"))
        .hasSize(2)
        .isEqualTo(Json.parse(real.body()).get("violations"));
    assertThat(node.get(path).statusCode()).isEqualTo(404);
  }

  @Test
  void a_stale_resource_version_is_a_conflict_on_a_dry_run_too() {
    String path = path("dry", "stale");
    put(node, path, Definitions.unnamedChain());
    JsonNode read = Json.parse(node.get(path).body());
    node.post(path + "/suspend");

    HttpResponse<String> dry =
        node.put(path + "?dryRun=true", "application/json", Definitions.json(read));

    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(409);
  }

  @Test
  void a_dry_run_is_refused_to_whoever_a_put_is_refused_to() {
    String teamA = path("team-a", "scoped");
    String teamB = path("team-b", "scoped");
    NightshiftNode viewer = node.as(token("dry-viewer", "viewer"));
    NightshiftNode teamAdmin = node.as(token("dry-team-a-admin", "admin", "team-a"));

    assertThat(dryRun(viewer, teamA, Definitions.unnamedChain()).statusCode()).isEqualTo(403);
    assertThat(dryRun(teamAdmin, teamB, Definitions.unnamedChain()).statusCode()).isEqualTo(404);
    HttpResponse<String> allowed = dryRun(teamAdmin, teamA, Definitions.unnamedChain());
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
    assertThat(node.get(teamA).statusCode()).isEqualTo(404);
  }

  @Test
  void a_dry_run_value_other_than_true_or_false_is_a_400_naming_it() {
    String path = path("dry", "bad-value");
    for (String value : List.of("yes", "True", "1", "All")) {
      HttpResponse<String> response =
          node.put(path + "?dryRun=" + value, YAML, Definitions.yaml(Definitions.unnamedChain()));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
      assertThat(Json.parse(response.body()).at("/violations/0/path").asText())
          .isEqualTo("?dryRun");
    }
    HttpResponse<String> real =
        node.put(path + "?dryRun=false", YAML, Definitions.yaml(Definitions.unnamedChain()));
    assertThat(real.statusCode()).isEqualTo(201);
    assertThat(node.get(path).statusCode()).isEqualTo(200);
  }

  @Test
  void a_dry_run_is_not_audited_as_a_change() {
    String dryPath = path("dry", "audit-dry");
    String realPath = path("dry", "audit-real");
    assertThat(dryRun(node, dryPath, Definitions.unnamedChain()).statusCode()).isEqualTo(201);
    assertThat(put(node, realPath, Definitions.unnamedChain()).statusCode()).isEqualTo(201);

    List<String> targets = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              targets.clear();
              Json.parse(node.get("/api/v1/audit?limit=1000").body())
                  .get("items")
                  .forEach(event -> targets.add(event.get("target").asText()));
              return targets.contains(realPath);
            });
    assertThat(targets).doesNotContain(dryPath);
  }
}

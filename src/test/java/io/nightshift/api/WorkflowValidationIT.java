package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of a definition, through HTTP, with the JSON pointer it reports. */
class WorkflowValidationIT {

  private static final String YAML = "application/yaml";
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

  /** A change that breaks the valid chain, and where and how the API must say so. */
  record Case(String rule, Consumer<ObjectNode> breakIt, String path, String message) {
    @Override
    public String toString() {
      return rule;
    }
  }

  private static ObjectNode spec(ObjectNode workflow) {
    return (ObjectNode) workflow.get("spec");
  }

  private static ObjectNode step(ObjectNode workflow, int index) {
    return (ObjectNode) workflow.at("/spec/steps/" + index);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "unknown field in spec",
            w -> spec(w).put("schedul", "0 1 * * *"),
            "/spec/schedul",
            "unknown field \"schedul\""),
        new Case(
            "unknown field in a step",
            w -> step(w, 0).put("imagePullPolicy", "Always"),
            "/spec/steps/0/imagePullPolicy",
            "unknown field"),
        new Case(
            "unknown top-level field",
            w -> w.put("status", "x").put("extra", 1),
            "/extra",
            "unknown field"),
        new Case(
            "namespace differs from the URL",
            w -> ((ObjectNode) w.get("metadata")).put("namespace", "Data"),
            "/metadata/namespace",
            "URL names"),
        new Case(
            "label value invalid",
            w -> ((ObjectNode) w.get("metadata")).putObject("labels").put("team", "-bad-"),
            "/metadata/labels/team",
            "label value"),
        new Case(
            "step name not a DNS-1123 label",
            w -> step(w, 0).put("name", "Backup"),
            "/spec/steps/0/name",
            "DNS-1123"),
        new Case(
            "duplicate step name",
            w -> step(w, 1).put("name", "backup"),
            "/spec/steps/1/name",
            "duplicate step name \"backup\""),
        new Case(
            "dependsOn names a missing step",
            w -> step(w, 1).putArray("dependsOn").add("restore"),
            "/spec/steps/1/dependsOn/0",
            "no step named \"restore\""),
        new Case(
            "a step depends on itself",
            w -> step(w, 0).putArray("dependsOn").add("backup"),
            "/spec/steps/0/dependsOn/0",
            "itself"),
        new Case(
            "dependency cycle",
            w -> step(w, 0).putArray("dependsOn").add("etl"),
            "/spec/steps/0/dependsOn",
            "backup -> etl -> cleanup -> backup"),
        new Case(
            "cron with a minute out of range",
            w -> spec(w).put("schedule", "61 2 * * *"),
            "/spec/schedule",
            "minute"),
        new Case(
            "cron with six fields",
            w -> spec(w).put("schedule", "0 0 2 * * *"),
            "/spec/schedule",
            "5 fields"),
        new Case(
            "cron that never fires",
            w -> spec(w).put("schedule", "0 0 30 2 *"),
            "/spec/schedule",
            "never fires"),
        new Case(
            "unknown macro",
            w -> spec(w).put("schedule", "@fortnightly"),
            "/spec/schedule",
            "@fortnightly"),
        new Case(
            "unknown time zone",
            w -> spec(w).put("timeZone", "Mars/Olympus_Mons"),
            "/spec/timeZone",
            "IANA"),
        new Case(
            "offset instead of a time zone",
            w -> spec(w).put("timeZone", "+02:00"),
            "/spec/timeZone",
            "IANA"),
        new Case(
            "concurrencyPolicy outside the four",
            w -> spec(w).put("concurrencyPolicy", "Sometimes"),
            "/spec/concurrencyPolicy",
            "Allow, Forbid, Replace, Queue"),
        new Case(
            "negative startingDeadlineSeconds",
            w -> spec(w).put("startingDeadlineSeconds", -1),
            "/spec/startingDeadlineSeconds",
            "between 0 and"),
        new Case(
            "absurd history limit",
            w -> spec(w).put("successfulRunsHistoryLimit", 1_000_000),
            "/spec/successfulRunsHistoryLimit",
            "between 0 and 1000"),
        new Case(
            "number beyond any integer",
            w -> spec(w).put("activeDeadlineSeconds", new BigInteger("99999999999999999999999")),
            "/spec/activeDeadlineSeconds",
            "must be an integer"),
        new Case(
            "fractional number",
            w -> spec(w).put("failedRunsHistoryLimit", 1.5),
            "/spec/failedRunsHistoryLimit",
            "must be an integer"),
        new Case(
            "zero activeDeadlineSeconds",
            w -> spec(w).put("activeDeadlineSeconds", 0),
            "/spec/activeDeadlineSeconds",
            "between 1 and"),
        new Case(
            "too many retries",
            w -> step(w, 0).put("retries", 99),
            "/spec/steps/0/retries",
            "between 0 and 10"),
        new Case(
            "negative backoffLimit",
            w -> step(w, 0).put("backoffLimit", -2),
            "/spec/steps/0/backoffLimit",
            "between 0 and"),
        new Case(
            "both shorthand and jobTemplate",
            w -> step(w, 2).put("image", "etl:2.1"),
            "/spec/steps/2",
            "not both"),
        new Case(
            "neither shorthand nor jobTemplate",
            w -> {
              step(w, 1).remove("image");
              step(w, 1).remove("command");
            },
            "/spec/steps/1",
            "needs either"),
        new Case(
            "shorthand without an image",
            w -> step(w, 1).remove("image"),
            "/spec/steps/1/image",
            "required"),
        new Case(
            "restartPolicy Always in a jobTemplate",
            w ->
                ((ObjectNode) w.at("/spec/steps/2/jobTemplate/template/spec"))
                    .put("restartPolicy", "Always"),
            "/spec/steps/2/jobTemplate/template/spec/restartPolicy",
            "Always"),
        new Case(
            "jobTemplate without containers",
            w ->
                ((ObjectNode) w.at("/spec/steps/2/jobTemplate/template/spec")).remove("containers"),
            "/spec/steps/2/jobTemplate/template/spec/containers",
            "at least one container"),
        new Case(
            "when outside the three",
            w -> step(w, 3).put("when", "sometimes"),
            "/spec/steps/3/when",
            "succeeded, failed, always"),
        new Case(
            "command as a string",
            w -> step(w, 0).put("command", "pg_dump"),
            "/spec/steps/0/command",
            "must be a list"),
        new Case(
            "env with value and valueFrom",
            w -> ((ObjectNode) w.at("/spec/steps/0/env/0")).put("value", "hunter2"),
            "/spec/steps/0/env/0",
            "not both"),
        new Case(
            "env name reserved",
            w -> ((ObjectNode) w.at("/spec/steps/0/env/0")).put("name", "NIGHTSHIFT_STEP"),
            "/spec/steps/0/env/0/name",
            "reserved"),
        new Case(
            "resource quantity invalid",
            w -> step(w, 0).putObject("resources").putObject("limits").put("memory", "lots"),
            "/spec/steps/0/resources/limits/memory",
            "quantity"),
        new Case(
            "parameters colliding as env",
            w -> ((ObjectNode) spec(w).get("parameters")).put("retention_days", "7"),
            "/spec/parameters/retention_days",
            "RETENTION_DAYS"),
        new Case(
            "a NUL in a parameter's value",
            w -> ((ObjectNode) spec(w).get("parameters")).put("retentionDays", "3\u00000"),
            "/spec/parameters/retentionDays",
            "NUL"),
        new Case(
            "a NUL in an env var's value",
            w -> step(w, 1).putArray("env").addObject().put("name", "MODE").put("value", "a\u0000"),
            "/spec/steps/1/env/0/value",
            "NUL"),
        new Case("no steps", w -> spec(w).putArray("steps"), "/spec/steps", "at least one step"),
        new Case("no spec", w -> w.remove("spec"), "/spec", "required"),
        new Case(
            "wrong apiVersion",
            w -> w.put("apiVersion", "batch/v1"),
            "/apiVersion",
            "nightshift.io/v1"),
        new Case("wrong kind", w -> w.put("kind", "CronJob"), "/kind", "Workflow"),
        new Case(
            "name differs from the URL",
            w -> ((ObjectNode) w.get("metadata")).put("name", "other"),
            "/metadata/name",
            "URL names \"chain\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void each_rule_is_reported_with_its_path(Case rule) {
    ObjectNode workflow = Definitions.chain();
    rule.breakIt().accept(workflow);

    HttpResponse<String> response = node.put(CHAIN, YAML, Definitions.yaml(workflow));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("type").asText()).endsWith("/invalid-definition");
    assertThat(problem.get("violations"))
        .as(response.body())
        .anySatisfy(
            violation -> {
              assertThat(violation.get("path").asText()).isEqualTo(rule.path());
              assertThat(violation.get("message").asText()).contains(rule.message());
            });
  }

  @Test
  void every_violation_is_reported_at_once() {
    ObjectNode workflow = Definitions.chain();
    List<Case> all =
        cases().filter(c -> !c.rule().equals("no spec") && !c.rule().equals("no steps")).toList();
    // Rules that contradict each other (the same field broken two ways) are left to the test above.
    List<Case> independent =
        all.stream()
            .filter(
                c ->
                    List.of(
                            "unknown field in spec",
                            "unknown field in a step",
                            "step name not a DNS-1123 label",
                            "cron with a minute out of range",
                            "unknown time zone",
                            "concurrencyPolicy outside the four",
                            "negative startingDeadlineSeconds",
                            "both shorthand and jobTemplate",
                            "when outside the three",
                            "env name reserved",
                            "wrong kind")
                        .contains(c.rule()))
            .toList();
    independent.forEach(c -> c.breakIt().accept(workflow));

    HttpResponse<String> response = node.put(CHAIN, YAML, Definitions.yaml(workflow));

    assertThat(response.statusCode()).isEqualTo(422);
    List<String> paths = Json.parse(response.body()).findValuesAsText("path");
    assertThat(paths).containsAll(independent.stream().map(Case::path).toList());
  }

  @Test
  void a_rejected_request_leaves_the_stored_version_byte_for_byte_intact() {
    assertThat(node.put(CHAIN, YAML, Definitions.yaml(Definitions.chain())).statusCode())
        .isIn(200, 201);
    String storedJson = node.get(CHAIN).body();
    String storedYaml = node.get(CHAIN, YAML).body();

    cases()
        .forEach(
            rule -> {
              ObjectNode workflow = Definitions.chain();
              rule.breakIt().accept(workflow);
              assertThat(node.put(CHAIN, YAML, Definitions.yaml(workflow)).statusCode())
                  .isEqualTo(422);
            });
    assertThat(node.put(CHAIN, YAML, "spec: [unclosed").statusCode()).isEqualTo(400);
    assertThat(node.put(CHAIN, "text/csv", "a,b").statusCode()).isEqualTo(415);
    assertThat(node.put(CHAIN, YAML, new byte[ApiLimits.MAX_BODY_BYTES + 1]).statusCode())
        .isEqualTo(413);

    assertThat(node.get(CHAIN).body()).isEqualTo(storedJson);
    assertThat(node.get(CHAIN, YAML).body()).isEqualTo(storedYaml);
  }

  @Test
  void malformed_yaml_is_a_400_with_line_and_column() {
    String yaml =
        "apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps: [a, b\n  schedule: x\n";

    HttpResponse<String> response = node.put(CHAIN, YAML, yaml);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("type").asText()).endsWith("/malformed-body");
    assertThat(problem.get("line").asInt()).isEqualTo(5);
    assertThat(problem.get("column").asInt()).isPositive();
    assertThat(problem.get("detail").asText()).startsWith("line 5, column ");
  }

  @Test
  void malformed_json_is_a_400_with_line_and_column() {
    String json =
        "{\n  \"apiVersion\": \"nightshift.io/v1\",\n  \"kind\": \"Workflow\"\n  \"spec\": {}\n}";

    HttpResponse<String> response = node.put(CHAIN, "application/json", json);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("line").asInt()).isEqualTo(4);
    assertThat(problem.get("column").asInt()).isPositive();
  }

  @Test
  void a_duplicate_key_is_malformed_not_silently_overwritten() {
    String yaml = Definitions.yaml(Definitions.chain()) + "kind: Workflow\n";

    HttpResponse<String> response = node.put(CHAIN, YAML, yaml);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).get("detail").asText())
        .containsIgnoringCase("duplicate");
  }

  @Test
  void two_yaml_documents_in_one_body_are_refused() {
    String one = Definitions.yaml(Definitions.chain());

    HttpResponse<String> response = node.put(CHAIN, YAML, one + "---\n" + one);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).get("detail").asText())
        .contains("expected one Workflow");
  }

  @Test
  void a_body_over_one_mebibyte_is_a_413_problem() {
    ObjectNode workflow = Definitions.chain();
    ((ObjectNode) workflow.get("metadata"))
        .putObject("annotations")
        .put("padding", "x".repeat(ApiLimits.MAX_BODY_BYTES));

    HttpResponse<String> response =
        node.put(CHAIN, YAML, Definitions.yaml(workflow).getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    assertThat(Json.parse(response.body()).get("detail").asText()).contains("1 MiB");
  }

  @Test
  void a_run_parameter_too_long_null_or_holding_a_nul_is_refused_and_starts_no_run() {
    assertThat(node.put(CHAIN, YAML, Definitions.yaml(Definitions.chain())).statusCode())
        .isIn(200, 201);
    String history = node.get(CHAIN + "/runs").body();
    for (String value : List.of("\"" + "9".repeat(40_000) + "\"", "\"3\\u00000\"", "null")) {
      HttpResponse<String> response =
          node.send(
              node.request(CHAIN + "/runs")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"parameters\": {\"retentionDays\": " + value + "}}")));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
      assertThat(Json.parse(response.body()).get("violations").findValuesAsText("path"))
          .containsExactly("/parameters/retentionDays");
    }
    assertThat(node.get(CHAIN + "/runs").body()).isEqualTo(history);
  }

  @Test
  void an_unsupported_content_type_is_a_415_problem() {
    HttpResponse<String> response = node.put(CHAIN, "text/csv", "name,image\nbackup,postgres");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
  }

  @Test
  void a_yaml_alias_bomb_is_refused() {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char level = 'b'; level <= 'k'; level++) {
      char previous = (char) (level - 1);
      bomb.append(level).append(": &").append(level).append(" [");
      bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous)));
      bomb.append("]\n");
    }

    HttpResponse<String> response = node.put(CHAIN, YAML, bomb.toString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).get("detail").asText()).contains("aliases (*a)");
  }

  @Test
  void deep_nesting_is_refused() {
    String deep = "[".repeat(5000) + "]".repeat(5000);

    HttpResponse<String> response = node.put(CHAIN, "application/json", deep);

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void a_step_list_with_a_null_entry_is_reported_not_crashed_on() {
    ObjectNode workflow = Definitions.chain();
    ((ArrayNode) spec(workflow).get("steps")).addNull();

    HttpResponse<String> response = node.put(CHAIN, YAML, Definitions.yaml(workflow));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Json.parse(response.body()).findValuesAsText("path")).contains("/spec/steps/4");
  }

  @Test
  void a_workflow_name_in_the_url_that_is_not_a_dns_label_of_52_is_reported() {
    ObjectNode workflow = Definitions.chain();
    workflow.remove("metadata");

    for (String name : List.of("Nightly_Backup", "a".repeat(53), "-leading-dash")) {
      HttpResponse<String> response =
          node.put("/api/v1/namespaces/data/workflows/" + name, YAML, Definitions.yaml(workflow));

      assertThat(response.statusCode()).as(name).isEqualTo(422);
      assertThat(Json.parse(response.body()).get("violations"))
          .anySatisfy(v -> assertThat(v.get("path").asText()).isEqualTo("/metadata/name"));
    }
    assertThat(
            node.put(
                    "/api/v1/namespaces/data/workflows/" + "a".repeat(52),
                    YAML,
                    Definitions.yaml(workflow))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void a_namespace_in_the_url_that_is_not_a_dns_label_is_reported() {
    ObjectNode workflow = Definitions.chain();
    workflow.remove("metadata");

    HttpResponse<String> response =
        node.put("/api/v1/namespaces/Data_Team/workflows/chain", YAML, Definitions.yaml(workflow));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Json.parse(response.body()).get("violations"))
        .anySatisfy(v -> assertThat(v.get("path").asText()).isEqualTo("/metadata/namespace"));
  }
}

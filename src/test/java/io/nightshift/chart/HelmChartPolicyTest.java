package io.nightshift.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the chart tells the server about the Job policy: the release namespace from the downward
 * API, the level, the levels and service accounts of namespaces, and whether the release namespace
 * may run workflows, which it may by default only when it is the only place Jobs can go.
 */
class HelmChartPolicyTest {

  private static final Path CHART = Path.of("charts/nightshift");
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir Path dir;

  /** The container's env of the chart rendered with these values: name to value (or fieldRef). */
  private Map<String, String> env(String values) throws IOException {
    Path file = Files.writeString(dir.resolve("values-" + values.hashCode() + ".yaml"), values);
    TemplateCommand command =
        new Helm(CHART)
            .template()
            .withName("nightshift")
            .withNamespace("scheduling")
            .withValuesFile(file);
    String text = command.call();
    Map<String, String> env = new LinkedHashMap<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      Iterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class);
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.path("kind").asText().equals("Deployment")) {
          for (JsonNode variable : document.at("/spec/template/spec/containers/0/env")) {
            env.put(
                variable.path("name").asText(),
                variable.has("value")
                    ? variable.path("value").asText()
                    : "fieldRef:" + variable.at("/valueFrom/fieldRef/fieldPath").asText());
          }
        }
      }
    }
    return env;
  }

  @Test
  void the_server_learns_its_release_namespace_from_the_pod_and_defaults_to_baseline()
      throws IOException {
    Map<String, String> env = env("{}");

    assertThat(env)
        .containsEntry("NIGHTSHIFT_KUBERNETES_RELEASE_NAMESPACE", "fieldRef:metadata.namespace")
        .containsEntry("NIGHTSHIFT_POLICY_DEFAULT_LEVEL", "baseline")
        .doesNotContainKeys(
            "NIGHTSHIFT_POLICY_NAMESPACE_LEVELS", "NIGHTSHIFT_POLICY_SERVICE_ACCOUNTS");
  }

  @Test
  void the_release_namespace_runs_workflows_only_when_it_is_the_only_place_jobs_can_go()
      throws IOException {
    assertThat(env("{}"))
        .as("namespaces empty: the evaluation install runs its Jobs beside itself")
        .containsEntry("NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "true");
    assertThat(env("namespaces: [data]"))
        .containsEntry("NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "false");
    assertThat(env("namespaces: [data, scheduling]"))
        .as("listing the release namespace is not enough")
        .containsEntry("NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "false");
    assertThat(env("namespaces: [data]\npolicy: {allowReleaseNamespace: true}"))
        .containsEntry("NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "true");
    assertThat(env("policy: {allowReleaseNamespace: false}"))
        .containsEntry("NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "false");
  }

  @Test
  void levels_and_service_accounts_of_namespaces_become_one_variable_each() throws IOException {
    Map<String, String> env =
        env(
            """
            namespaces: [data, infra]
            policy:
              defaultLevel: restricted
              levels: {infra: privileged, data: baseline}
              serviceAccounts: {data: [etl, loader], infra: [node-debugger]}
            """);

    assertThat(env)
        .containsEntry("NIGHTSHIFT_POLICY_DEFAULT_LEVEL", "restricted")
        .containsEntry("NIGHTSHIFT_POLICY_NAMESPACE_LEVELS", "data=baseline,infra=privileged")
        .containsEntry(
            "NIGHTSHIFT_POLICY_SERVICE_ACCOUNTS", "data/etl,data/loader,infra/node-debugger");
  }

  @Test
  void the_schema_refuses_an_unknown_level_and_policy_variables_in_extra_env() {
    assertThatThrownBy(() -> env("policy: {defaultLevel: lenient}"))
        .hasMessageContaining("defaultLevel");
    assertThatThrownBy(() -> env("policy: {levels: {data: open}}")).hasMessageContaining("data");
    assertThatThrownBy(
            () ->
                env("extraEnv: [{name: NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE, value: 'true'}]"))
        .hasMessageContaining("extraEnv");
  }
}

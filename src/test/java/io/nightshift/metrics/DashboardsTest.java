package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@code dashboards/} without Prometheus: Grafana's import rules and the
 * alerts' runbook links. {@link DashboardsIT} evaluates the same files in a real Prometheus.
 */
class DashboardsTest {

  private static final Path DASHBOARDS = Path.of("dashboards");

  private static JsonNode dashboard(String file) throws IOException {
    return Json.parse(Files.readString(DASHBOARDS.resolve(file)));
  }

  @Test
  void the_dashboards_follow_grafanas_import_rules() throws Exception {
    for (String file : DashboardsIT.FILES) {
      JsonNode dashboard = dashboard(file);
      assertThat(dashboard.get("schemaVersion").asInt()).as(file).isGreaterThanOrEqualTo(39);
      List<String> variables = dashboard.at("/templating/list").findValuesAsText("name");
      assertThat(variables).as(file).contains("datasource", "namespace", "workflow");
      for (JsonNode panel : dashboard.get("panels")) {
        String title = file + ": " + panel.get("title").asText();
        assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
        assertThat(panel.get("description").asText()).as(title).isNotBlank();
        assertThat(panel.at("/fieldConfig/defaults/unit").asText()).as(title).isNotBlank();
        for (JsonNode target : panel.get("targets")) {
          String expr = target.get("expr").asText();
          assertThat(target.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
          if (expr.contains("rate(") || expr.contains("increase(")) {
            assertThat(expr).as(title).containsAnyOf("[$__rate_interval]", "[$__range]");
          }
          if (expr.contains("nightshift_")
              && !expr.contains("nightshift_leader")
              && !expr.contains("nightshift_kubernetes")) {
            assertThat(expr).as(title + ": filtered by the variables").contains("$namespace");
          }
        }
      }
    }
  }

  @Test
  void every_alert_links_to_a_runbook_heading_in_the_operations_guide() throws IOException {
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(Files.readString(DASHBOARDS.resolve("nightshift-rules.yaml")));
    Set<String> anchors = Markdown.anchors(Files.readString(Path.of("docs/operations.md")));
    List<String> alerts = new ArrayList<>();
    for (JsonNode rule : rules.at("/groups").findValues("rules")) {
      for (JsonNode alert : rule) {
        if (!alert.has("alert")) {
          continue;
        }
        String name = alert.get("alert").asText();
        alerts.add(name);
        String runbook = alert.at("/annotations/runbook_url").asText();
        assertThat(runbook)
            .as(name + ": relative to the docs' base, which the chart may set")
            .isEqualTo("docs/operations.md#runbook-" + name.toLowerCase(Locale.ROOT));
        assertThat(anchors)
            .as(name + ": a heading \"### Runbook: " + name + "\" in docs/operations.md")
            .contains(runbook.substring(runbook.indexOf('#') + 1));
      }
    }
    assertThat(alerts)
        .contains(
            "NightshiftRunFailed",
            "NightshiftWorkflowNotSucceeding",
            "NightshiftNoLeader",
            "NightshiftScheduleLagHigh",
            "NightshiftRunsMissed");
  }
}

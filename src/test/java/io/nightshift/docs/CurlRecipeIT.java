package io.nightshift.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.RequiresTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curl loop of {@code docs/integrations.md}, the REST flow of a scheduler with only an HTTP
 * client (and of Control-M's Application Integrator), run as written by {@code sh} against a real
 * node: submit with an idempotency key, poll until terminal, print the logs, exit with the CLI's
 * codes, cancel the run when killed.
 */
@RequiresTools(value = "curl", install = "apt-get install curl")
class CurlRecipeIT {

  @TempDir static Path dataDir;
  @TempDir Path work;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node = Recipes.localNode(dataDir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private Path script() throws Exception {
    Path script = work.resolve("nightly-etl.sh");
    Files.writeString(script, Recipes.recipe("curl-loop") + "\n");
    return script;
  }

  @Test
  void the_loop_prints_each_steps_log_and_exits_0_once_per_order_id() throws Exception {
    Recipes.define(node, "echo loaded");
    Recipes.Agent agent = new Recipes.Agent(node, work).env("ORDER_ID", "A17");

    Recipes.Outcome ok = agent.run("sh " + script());
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout())
        .contains("[extract] extracted 1\n[extract] extracted 2\n")
        .contains("[load] loaded\n");
    assertThat(ok.result("status")).isEqualTo("Succeeded");

    Recipes.Outcome again = agent.run("sh " + script());
    assertThat(again.result("run"))
        .as("the same order id: the same run")
        .isEqualTo(ok.result("run"));
  }

  @Test
  void a_failed_run_exits_1() throws Exception {
    Recipes.define(node, "echo broken >&2; exit 2");

    Recipes.Outcome failed =
        new Recipes.Agent(node, work).env("ORDER_ID", "B17").run("sh " + script());

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.result("status")).isEqualTo("Failed");
    assertThat(failed.stdout()).contains("[load] broken");
  }

  @Test
  void killing_the_loop_cancels_the_run_and_exits_143() throws Exception {
    Recipes.define(node, "sleep 120");
    Recipes.Agent agent = new Recipes.Agent(node, work).env("ORDER_ID", "C17");
    Process loop = agent.start("exec sh " + script());
    String id =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> runningRunId(), runId -> runId != null);

    loop.destroy(); // SIGTERM, as a scheduler's kill sends

    Recipes.Outcome killed = agent.await(loop, Duration.ofSeconds(30));
    assertThat(killed.exitCode()).isEqualTo(143);
    JsonNode run =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Recipes.run(node, id), r -> r.get("terminal").asBoolean());
    assertThat(run.get("status").asText()).isEqualTo("Cancelled");
  }

  /** The id of the workflow's run whose load step is running, or null while there is none. */
  private static String runningRunId() {
    JsonNode runs =
        io.nightshift.testsupport.Json.parse(
            node.get(
                    "/api/v1/namespaces/"
                        + Recipes.NAMESPACE
                        + "/workflows/"
                        + Recipes.WORKFLOW
                        + "/runs?status=Running")
                .body());
    for (JsonNode run : runs.get("items")) {
      JsonNode full = Recipes.run(node, run.get("id").asText());
      for (JsonNode step : full.get("steps")) {
        if ("load".equals(step.get("name").asText())
            && "Running".equals(step.get("status").asText())) {
          return run.get("id").asText();
        }
      }
    }
    return null;
  }
}

package io.nightshift.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes of {@code docs/integrations.md} for schedulers that run a command, run as written:
 * the command is taken out of the Control-M job, the JIL, the Jenkins stage and the GitLab job,
 * with the variables those schedulers set, and run by a shell with {@code bin/nightshift} (the
 * packaged jar) on its PATH against a real node. The curl recipe has {@link CurlRecipeIT}.
 */
class IntegrationRecipesIT {

  private static final Pattern JENKINS_SH = Pattern.compile("\\bsh '([^']*)'");
  private static final Pattern RESULT =
      Pattern.compile(
          "NIGHTSHIFT_RESULT run=\\S+ status=[A-Z][a-z]+ failedSteps=\\S* duration=[0-9]+\\.[0-9]");

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

  @Test
  void every_recipe_on_the_page_is_one_a_test_runs() {
    assertThat(Recipes.all().keySet())
        .containsExactlyInAnyOrder(
            "control-m-job", "curl-loop", "autosys-jil", "jenkins-stage", "gitlab-job");
  }

  @Test
  void the_control_m_os_job_exits_with_the_runs_code_once_per_order_and_rerun() throws Exception {
    JsonNode job =
        Json.parse(Recipes.recipe("control-m-job")).get("NightshiftFolder").get("NightlyEtl");
    assertThat(job.get("Type").asText()).isEqualTo("Job:Command");
    Set<String> handled = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = job.fields(); it.hasNext(); ) {
      JsonNode rule = it.next().getValue();
      if (rule.isObject() && "If:CompletionStatus".equals(rule.path("Type").asText())) {
        handled.add(rule.get("CompletionStatus").asText());
      }
    }
    assertThat(handled)
        .as("an On/Do rule for every failing exit code of the table")
        .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "10");

    String command = job.get("Command").asText();
    Recipes.define(node, "echo loaded");
    Recipes.Outcome first = agent().run(controlM(command, "0004X", 1));
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.lastLine()).matches(RESULT);
    assertThat(first.result("status")).isEqualTo("Succeeded");
    assertThat(first.stdout()).contains("[extract] extracted 1\n[extract] extracted 2\n");
    assertThat(first.stdout()).contains("[load] loaded\n");

    Recipes.Outcome resubmitted = agent().run(controlM(command, "0004X", 1));
    assertThat(resubmitted.exitCode()).isZero();
    assertThat(resubmitted.result("run"))
        .as("the same order and run count: the same run")
        .isEqualTo(first.result("run"));

    Recipes.define(node, "echo cannot load >&2; exit 4");
    Recipes.Outcome rerun = agent().run(controlM(command, "0004X", 2));
    assertThat(rerun.exitCode()).as("a rerun is a new run, and this one fails").isEqualTo(1);
    assertThat(rerun.result("run")).isNotEqualTo(first.result("run"));
    assertThat(rerun.result("status")).isEqualTo("Failed");
    assertThat(rerun.result("failedSteps")).isEqualTo("load");
  }

  @Test
  void the_autosys_command_job_writes_its_std_out_file_and_ends_with_a_success_code() {
    Map<String, String> jil = jil(Recipes.recipe("autosys-jil"));
    assertThat(jil).containsEntry("job_type", "CMD");
    List<Integer> success = Recipes.codes(jil.get("success_codes"));
    List<Integer> fail = Recipes.codes(jil.get("fail_codes"));
    assertThat(success).containsExactly(0, 5);
    assertThat(fail).contains(1, 2, 3, 4, 10, 143).doesNotContainAnyElementsOf(success);

    Recipes.define(node, "echo loaded");
    Path out = work.resolve("nightly_etl.out");
    Recipes.Outcome outcome =
        agent()
            .env("AUTO_JOB_NAME", "nightly_etl")
            .env("AUTORUN", "7")
            .run(jil.get("command") + " > " + out);
    assertThat(success).as(outcome.stderr()).contains(outcome.exitCode());
    List<String> lines = lines(out);
    assertThat(lines.get(lines.size() - 1)).matches(RESULT).contains("status=Succeeded");
  }

  @Test
  void the_jenkins_stage_runs_its_sh_step_and_a_failed_run_fails_the_stage() {
    Matcher sh = JENKINS_SH.matcher(Recipes.recipe("jenkins-stage"));
    assertThat(sh.find()).isTrue();
    String command = sh.group(1);

    Recipes.define(node, "echo loaded");
    Recipes.Outcome ok = agent().env("BUILD_TAG", "jenkins-etl-17").run(command);
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stderr()).contains("extract").contains("Succeeded");

    Recipes.define(node, "exit 1");
    Recipes.Outcome failed = agent().env("BUILD_TAG", "jenkins-etl-18").run(command);
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.result("status")).isEqualTo("Failed");
  }

  @Test
  void the_gitlab_job_runs_its_script_and_allows_only_a_run_that_was_not_started() {
    JsonNode job =
        ((JsonNode) Definitions.parseYaml(Recipes.recipe("gitlab-job"))).get("nightly-etl");
    assertThat(job.get("allow_failure").get("exit_codes").toString()).isEqualTo("[5]");

    Recipes.define(node, "echo loaded");
    for (JsonNode line : job.get("script")) {
      Recipes.Outcome outcome = agent().env("CI_PIPELINE_ID", "4711").run(line.asText());
      assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
      assertThat(outcome.stdout()).contains("[load] loaded");
    }
  }

  private Recipes.Agent agent() {
    return new Recipes.Agent(node, work);
  }

  /** The command as Control-M's agent runs it: its variables replaced. */
  private static String controlM(String command, String orderId, int runCount) {
    return command.replace("%%ORDERID", orderId).replace("%%RUNCOUNT", Integer.toString(runCount));
  }

  /** The {@code key: value} pairs of a JIL job, several per line as JIL allows. */
  private static Map<String, String> jil(String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    Pattern pair = Pattern.compile("([a-z_]+):\\s*(.*?)\\s*(?=\\s[a-z_]+:\\s|$)");
    for (String line : text.split("\n")) {
      Matcher matcher = pair.matcher(line);
      while (matcher.find()) {
        pairs.put(matcher.group(1), matcher.group(2));
      }
    }
    return pairs;
  }

  private static List<String> lines(Path file) {
    try {
      return new ArrayList<>(Files.readAllLines(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

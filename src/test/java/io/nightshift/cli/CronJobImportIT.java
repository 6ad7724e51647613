package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.schedule.DueScan;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightshift import cronjobs} and {@code import rollback} against a real server on the
 * Kubernetes executor and the fake API server holding the CronJobs: the plan changes nothing, apply
 * creates, a second import changes nothing, the cut-over suspends each CronJob only once its
 * workflow is stored, a CronJob that cannot be moved is left as it was, and rollback undoes it.
 */
class CronJobImportIT {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = Path.of("examples", "cronjobs");

  @TempDir static Path home;
  @TempDir Path dir;
  private static FakeKubernetes kube;
  private static NightshiftNode node;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws IOException {
    kube = FakeKubernetes.start();
    node =
        NightshiftNode.start(
            NightshiftNode.quickOnKubernetes(
                PostgresFixture.newDatabase(),
                kube,
                "data,platform,shop,flaky,nodes,files,handmade,handback"));
    kubeconfig = home.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "%s"}}]
        users: [{name: me, user: {token: not-checked-by-the-fake}}]
        contexts: [{name: fake, context: {cluster: fake, user: me, namespace: shop}}]
        current-context: fake
        """
            .formatted(kube.url()));
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  private CliRun.Result cli(String... args) {
    return cliWithInput("", args);
  }

  private CliRun.Result cliWithInput(String stdin, String... args) {
    return CliRun.run(
        dir,
        Map.of(
            "NIGHTSHIFT_URL",
            node.context().getBean(EmbeddedServer.class).getURL().toString(),
            "NIGHTSHIFT_TOKEN",
            NightshiftNode.ADMIN_TOKEN,
            "KUBECONFIG",
            kubeconfig.toString(),
            "HOME",
            dir.toString()),
        stdin,
        args);
  }

  private static JsonNode cronJob(String namespace, String name, String schedule, String extra)
      throws IOException {
    String yaml =
        """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: %s, namespace: %s, labels: {team: shop}}
        spec:
          schedule: "%s"
        %s
          jobTemplate:
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: main, image: "busybox:1.36", command: [sh, -c, date]}]
        """
            .formatted(name, namespace, schedule, extra.indent(2).stripTrailing());
    return YAML.readTree(yaml);
  }

  private static JsonNode seed(JsonNode cronJob) {
    String namespace = cronJob.at("/metadata/namespace").asText();
    return kube.create("/apis/batch/v1/namespaces/" + namespace + "/cronjobs", cronJob);
  }

  private static JsonNode cronJobInCluster(String namespace, String name) {
    return kube.read("/apis/batch/v1/namespaces/" + namespace + "/cronjobs/" + name);
  }

  private static HttpResponse<String> workflow(String namespace, String name) {
    return node.get("/api/v1/namespaces/" + namespace + "/workflows/" + name);
  }

  private static JsonNode stored(String namespace, String name) throws IOException {
    HttpResponse<String> response = workflow(namespace, name);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The namespace/name of each CronJob in the example files. */
  private static List<String> exampleSources() throws IOException {
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.sorted().toList()) {
        JsonNode cronJob = YAML.readTree(file.toFile());
        sources.add(
            cronJob.at("/metadata/namespace").asText()
                + "/"
                + cronJob.at("/metadata/name").asText());
      }
    }
    return sources;
  }

  @Test
  void the_examples_are_created_and_importing_them_again_changes_nothing() throws IOException {
    List<String> sources = exampleSources();
    assertThat(sources).hasSizeGreaterThanOrEqualTo(3);

    CliRun.Result applied = cli("import", "cronjobs", "-f", EXAMPLES.toString(), "--apply");

    assertThat(applied.code()).as(applied.toString()).isZero();
    for (String source : sources) {
      assertThat(applied.out())
          .contains("workflow.nightshift.io/" + source + " created (from cronjob " + source + ")");
      String[] parts = source.split("/");
      assertThat(
              stored(parts[0], parts[1])
                  .at("/metadata/annotations/nightshift.io~1imported-from")
                  .asText())
          .isEqualTo("cronjob/" + source);
    }

    CliRun.Result again = cli("import", "cronjobs", "-f", EXAMPLES.toString());

    assertThat(again.code()).as(again.toString()).isZero();
    for (String source : sources) {
      assertThat(again.out()).containsPattern("(?m)^" + source + " +" + source + " +unchanged ");
    }
    CliRun.Result reapplied = cli("import", "cronjobs", "-f", EXAMPLES.toString(), "--apply");
    assertThat(reapplied.code()).as(reapplied.toString()).isZero();
    assertThat(reapplied.out()).doesNotContain(" created ", " configured ");
  }

  @Test
  void a_plan_changes_nothing_and_the_cut_over_then_rollback_move_each_cron_job_and_back()
      throws IOException {
    JsonNode report =
        seed(
            cronJob(
                "shop",
                "nightly-report",
                "0 2 * * *",
                "timeZone: Europe/Paris\nconcurrencyPolicy: Forbid"));
    seed(cronJob("shop", "hourly-sync", "@hourly", "startingDeadlineSeconds: 300"));
    // the controller's record of its last run, which the mock keeps as it is given
    kube.create(
        "/apis/batch/v1/namespaces/shop/cronjobs",
        withStatus(
            cronJob("shop", "weekly-close", "0 18 * * FRI", "timeZone: UTC"),
            "2027-01-01T18:00:00Z"));

    CliRun.Result plan = cli("import", "cronjobs");

    assertThat(plan.code()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .containsPattern("(?m)^shop/nightly-report +shop/nightly-report +create ")
        .containsPattern("(?m)^shop/hourly-sync +shop/hourly-sync +create ")
        .contains("the CronJob stays active: both fire until it is suspended (--suspend-source)")
        .contains("no timeZone");
    assertThat(workflow("shop", "nightly-report").statusCode())
        .as("a plan stores nothing")
        .isEqualTo(404);
    assertThat(cronJobInCluster("shop", "nightly-report").at("/spec/suspend").asBoolean(false))
        .isFalse();

    CliRun.Result moved = cli("import", "cronjobs", "-n", "shop", "--apply", "--suspend-source");

    assertThat(moved.code()).as(moved.toString()).isZero();
    assertThat(moved.out())
        .contains(
            "workflow.nightshift.io/shop/nightly-report created, CronJob suspended (from cronjob"
                + " shop/nightly-report)");
    for (String name : List.of("nightly-report", "hourly-sync", "weekly-close")) {
      JsonNode source = cronJobInCluster("shop", name);
      assertThat(source.at("/spec/suspend").asBoolean()).as(name).isTrue();
      assertThat(source.at("/metadata/annotations/nightshift.io~1migrated-to").asText())
          .isEqualTo("workflow/shop/" + name);
      JsonNode workflow = stored("shop", name);
      assertThat(workflow.at("/spec/suspend").asBoolean(false)).as("the workflow runs").isFalse();
      if (source.at("/metadata/uid").isTextual()) {
        assertThat(workflow.at("/metadata/annotations/nightshift.io~1imported-uid").asText())
            .isEqualTo(source.at("/metadata/uid").asText());
      }
    }
    JsonNode report2 = stored("shop", "nightly-report");
    assertThat(report2.at("/spec/schedule").asText()).isEqualTo("0 2 * * *");
    assertThat(report2.at("/spec/timeZone").asText()).isEqualTo("Europe/Paris");
    assertThat(report2.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
    assertThat(report2.at("/metadata/labels/team").asText()).isEqualTo("shop");
    assertThat(
            report2.at("/metadata/annotations/nightshift.io~1last-schedule-time").isMissingNode())
        .as("it never ran: " + report.at("/status"))
        .isTrue();
    assertThat(
            stored("shop", "weekly-close")
                .at("/metadata/annotations/nightshift.io~1last-schedule-time")
                .asText())
        .as("the CronJob's last run is carried over")
        .isEqualTo("2027-01-01T18:00:00Z");
    JsonNode preview =
        JSON.readTree(
            node.get("/api/v1/namespaces/shop/workflows/weekly-close/schedule?count=1").body());
    assertThat(preview.toString()).doesNotContain("2027-01-01T18:00:00Z");

    CliRun.Result again = cli("import", "cronjobs", "--apply", "--suspend-source");

    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out())
        .contains(
            "workflow.nightshift.io/shop/nightly-report unchanged (from cronjob shop/nightly-report)")
        .containsPattern("(?m)^shop/hourly-sync +shop/hourly-sync +unchanged ")
        .contains("the CronJob was suspended by an earlier import");

    CliRun.Result rolledBack = cli("import", "rollback");

    assertThat(rolledBack.code()).as(rolledBack.toString()).isZero();
    assertThat(rolledBack.out())
        .contains("workflow.nightshift.io/shop/nightly-report suspended")
        .contains("cronjob shop/nightly-report resumed");
    for (String name : List.of("nightly-report", "hourly-sync", "weekly-close")) {
      JsonNode source = cronJobInCluster("shop", name);
      assertThat(source.at("/spec/suspend").asBoolean()).as(name).isFalse();
      assertThat(source.at("/metadata/annotations").has("nightshift.io/migrated-to")).isFalse();
      assertThat(stored("shop", name).at("/spec/suspend").asBoolean()).isTrue();
    }
  }

  @Test
  void a_rollback_hands_the_workflows_last_scheduled_run_back_so_the_cron_job_does_not_repeat_it()
      throws Exception {
    seed(
        withStatus(
            cronJob("handback", "every-five", "*/5 * * * *", "timeZone: UTC"),
            "2020-01-01T00:00:00Z"));
    CliRun.Result moved =
        cli("import", "cronjobs", "-n", "handback", "--apply", "--suspend-source");
    assertThat(moved.code()).as(moved.toString()).isZero();
    // the due scan the leader runs, as if six minutes had passed: the next */5 time is due then
    LeaderElector elector = node.context().getBean(LeaderElector.class);
    JsonNode runs =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  elector
                      .standing()
                      .lease()
                      .filter(lease -> elector.isLeader())
                      .ifPresent(
                          lease ->
                              node.context()
                                  .getBean(DueScan.class)
                                  .fenced(
                                      Instant.now().plus(Duration.ofMinutes(6)),
                                      elector.nodeId(),
                                      lease.fencingToken()));
                  return JSON.readTree(
                      node.get("/api/v1/namespaces/handback/workflows/every-five/runs").body());
                },
                history -> history.path("items").size() > 0);
    String scheduled = runs.at("/items/0/scheduledTime").asText();
    assertThat(runs.at("/items/0/trigger").asText()).as(runs.toString()).isEqualTo("schedule");

    CliRun.Result rolledBack = cli("import", "rollback", "-n", "handback");

    assertThat(rolledBack.code()).as(rolledBack.toString()).isZero();
    JsonNode source = cronJobInCluster("handback", "every-five");
    assertThat(source.at("/spec/suspend").asBoolean()).isFalse();
    assertThat(Instant.parse(source.at("/status/lastScheduleTime").asText()))
        .as("the CronJob's controller starts from the time the workflow last ran")
        .isEqualTo(Instant.parse(scheduled));
  }

  private static JsonNode withStatus(JsonNode cronJob, String lastScheduleTime) {
    ((com.fasterxml.jackson.databind.node.ObjectNode) cronJob)
        .putObject("status")
        .put("lastScheduleTime", lastScheduleTime);
    return cronJob;
  }

  @Test
  void a_cron_job_that_cannot_be_suspended_is_not_moved_and_the_others_are() throws IOException {
    seed(cronJob("flaky", "refused", "0 3 * * *", "timeZone: UTC"));
    seed(cronJob("flaky", "moved", "0 4 * * *", "timeZone: UTC"));
    kube.fail("PATCH", "/apis/batch/v1/namespaces/flaky/cronjobs/refused", 403, 1);

    CliRun.Result result = cli("import", "cronjobs", "-n", "flaky", "--apply", "--suspend-source");

    assertThat(result.code()).as(result.toString()).isEqualTo(Exit.FAILED);
    assertThat(result.out())
        .contains("workflow.nightshift.io/flaky/refused failed")
        .contains("the CronJob could not be suspended, so the workflow was put back as it was")
        .contains("workflow.nightshift.io/flaky/moved created, CronJob suspended");
    assertThat(workflow("flaky", "refused").statusCode()).isEqualTo(404);
    assertThat(cronJobInCluster("flaky", "refused").at("/spec/suspend").asBoolean(false)).isFalse();
    assertThat(
            cronJobInCluster("flaky", "refused")
                .at("/metadata/annotations")
                .has("nightshift.io/migrated-to"))
        .isFalse();
    assertThat(cronJobInCluster("flaky", "moved").at("/spec/suspend").asBoolean()).isTrue();
  }

  @Test
  void a_pod_spec_the_namespace_policy_refuses_is_manual_naming_each_rule_and_setting_and_stays()
      throws IOException {
    JsonNode cleanup = cronJob("nodes", "log-cleanup", "0 5 * * *", "timeZone: UTC");
    JsonNode podSpec = cleanup.at("/spec/jobTemplate/spec/template/spec");
    ((com.fasterxml.jackson.databind.node.ObjectNode) podSpec).put("hostNetwork", true);
    ((com.fasterxml.jackson.databind.node.ObjectNode) podSpec)
        .putArray("volumes")
        .addObject()
        .put("name", "logs")
        .putObject("hostPath")
        .put("path", "/var/log");
    seed(cleanup);

    CliRun.Result result = cli("import", "cronjobs", "-n", "nodes", "--apply", "--suspend-source");

    assertThat(result.code()).as(result.toString()).isEqualTo(Exit.FAILED);
    assertThat(result.out())
        .containsPattern("(?m)^nodes/log-cleanup +nodes/log-cleanup +manual ")
        .contains(
            "/spec/jobTemplate/spec/template/spec/volumes/0/hostPath: baseline: HostPath Volumes")
        .contains("/spec/jobTemplate/spec/template/spec/hostNetwork: baseline: Host Namespaces")
        .contains("nightshift.policy.namespace-levels");
    assertThat(workflow("nodes", "log-cleanup").statusCode()).isEqualTo(404);
    assertThat(cronJobInCluster("nodes", "log-cleanup").at("/spec/suspend").asBoolean(false))
        .as("a CronJob that was not imported is never suspended")
        .isFalse();
  }

  @Test
  void a_broken_document_among_good_ones_is_reported_with_its_line_and_the_good_ones_imported()
      throws IOException {
    Path file = dir.resolve("mixed.yaml");
    Files.writeString(
        file,
        YAML.writeValueAsString(cronJob("files", "first", "0 1 * * *", "timeZone: UTC"))
            + "---\n"
            + "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: broken\n  namespace: files\n"
            + "---\n"
            + "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: files}\n"
            + "---\n"
            + "apiVersion: v1\nkind: List\nitems:\n"
            + YAML.writeValueAsString(
                    List.of(
                        cronJob("files", "second", "0 2 * * *", "timeZone: UTC"),
                        cronJob("files", "third", "0 3 * * *", "timeZone: UTC")))
                .replaceFirst("^---\n", ""));

    CliRun.Result result = cli("import", "cronjobs", "-f", file.toString(), "--apply");

    assertThat(result.code()).as(result.toString()).isEqualTo(Exit.FAILED);
    assertThat(result.out())
        .containsPattern("(?m)^" + file + " \\(document 2\\) +<none> +manual ")
        .containsPattern(file + " \\(document 2\\): line 2[0-9], column [0-9]+: ")
        .containsPattern(
            "(?m)^" + file + " \\(document 3\\) +<none> +skip +not a CronJob \\(kind Service\\)");
    for (String name : List.of("first", "second", "third")) {
      assertThat(result.out()).contains("workflow.nightshift.io/files/" + name + " created");
      assertThat(workflow("files", name).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void the_workflows_printed_as_yaml_are_what_apply_stores_and_import_then_finds_unchanged()
      throws IOException {
    Path file = dir.resolve("one.yaml");
    Files.writeString(
        file, YAML.writeValueAsString(cronJob("platform", "yaml-out", "*/5 * * * *", "")));

    CliRun.Result printed = cli("import", "cronjobs", "-f", file.toString(), "-o", "yaml");

    assertThat(printed.code()).as(printed.toString()).isZero();
    assertThat(printed.out())
        .contains("# imported from cronjob platform/yaml-out", "kind: Workflow");
    assertThat(workflow("platform", "yaml-out").statusCode())
        .as("printing stores nothing")
        .isEqualTo(404);
    CliRun.Result applied = cliWithInput(printed.out(), "apply", "-f", "-");
    assertThat(applied.code()).as(applied.toString()).isZero();
    CliRun.Result plan = cli("import", "cronjobs", "-f", file.toString());
    assertThat(plan.out()).containsPattern("(?m)^platform/yaml-out +platform/yaml-out +unchanged ");
  }

  @Test
  void a_workflow_of_the_same_name_made_by_hand_is_never_overwritten() throws IOException {
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/handmade/workflows/report",
            "application/yaml",
            "apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps: [{name: a, image: busybox}]\n");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    Path file = dir.resolve("report.yaml");
    Files.writeString(
        file, YAML.writeValueAsString(cronJob("handmade", "report", "0 6 * * *", "")));

    CliRun.Result result = cli("import", "cronjobs", "-f", file.toString(), "--apply");

    assertThat(result.code()).isEqualTo(Exit.FAILED);
    assertThat(result.out())
        .containsPattern("(?m)^handmade/report +handmade/report +manual ")
        .contains("workflow handmade/report exists and was not imported from this CronJob");
    assertThat(stored("handmade", "report").at("/spec/steps/0/name").asText()).isEqualTo("a");
  }

  @Test
  void suspending_sources_read_from_files_or_printing_json_is_a_usage_error() {
    assertThat(
            cli("import", "cronjobs", "-f", EXAMPLES.toString(), "--apply", "--suspend-source")
                .code())
        .isEqualTo(Exit.USAGE);
    assertThat(cli("import", "cronjobs", "-f", EXAMPLES.toString(), "-o", "json").code())
        .isEqualTo(Exit.USAGE);
    assertThat(cli("import", "cronjobs", "--default-time-zone", "Mars/Base").code())
        .isEqualTo(Exit.USAGE);
  }
}

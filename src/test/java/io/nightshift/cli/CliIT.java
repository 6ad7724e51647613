package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/nightshift} over the packaged jar, as a scheduler's agent runs it, against a real node
 * on the local executor: every exit code from a real run, a real refusal or a server that is not
 * there; SIGTERM while waiting; followed logs; apply and lint.
 */
class CliIT {

  private static final String NS = "cli";
  private static final Pattern CREATED = Pattern.compile("run (\\S+) of " + NS + "/\\S+ created");
  private static final Pattern RESULT =
      Pattern.compile(
          "NIGHTSHIFT_RESULT run=(\\S+) status=([A-Za-z]+) failedSteps=(\\S*) duration=[0-9]+\\.[0-9]");

  @TempDir static Path dataDir;
  @TempDir Path work;
  private static NightshiftNode node;
  private static String url;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.startOnSystemClock(
            NightshiftNode.quickOnLocal(PostgresFixture.newDatabase(), dataDir));
    url = node.context().getBean(EmbeddedServer.class).getURL().toString();
    define(
        "chain",
        """
        steps:
          - name: one
            image: busybox:1.36
            command: [sh, -c, 'for i in $(seq 1 60); do echo "one $i"; if [ $((i % 20)) -eq 0 ]; then sleep 1; fi; done']
          - name: two
            dependsOn: [one]
            image: busybox:1.36
            command: [sh, -c, 'for i in $(seq 1 40); do echo "two $i"; done; printf "two without a newline"']
        """);
    define(
        "fails",
        """
        steps:
          - name: a
            image: busybox:1.36
            command: [sh, -c, 'echo fine']
          - name: b
            dependsOn: [a]
            image: busybox:1.36
            command: [sh, -c, 'echo failing >&2; exit 3']
        """);
    define(
        "slow",
        """
        steps:
          - name: sleep
            image: busybox:1.36
            command: [sh, -c, 'echo sleeping; sleep 60']
        """);
    define(
        "forbid",
        """
        concurrencyPolicy: Forbid
        parameters: {greeting: hello}
        steps:
          - name: sleep
            image: busybox:1.36
            command: [sh, -c, 'echo $GREETING; sleep 60']
        """);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void define(String name, String spec) {
    String definition = "apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n" + spec.indent(2);
    HttpResponse<String> put =
        node.put("/api/v1/namespaces/" + NS + "/workflows/" + name, "application/yaml", definition);
    assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
  }

  private Cli cli() {
    return new Cli(work)
        .env("NIGHTSHIFT_URL", url)
        .env("NIGHTSHIFT_TOKEN", NightshiftNode.ADMIN_TOKEN);
  }

  private static Matcher result(Cli.Outcome outcome) {
    Matcher matcher = RESULT.matcher(outcome.lastLine());
    assertThat(matcher.matches()).as(outcome.toString()).isTrue();
    return matcher;
  }

  /** The id of the run a started {@code run --wait} created, once it is Running. */
  private static String runningRunOf(Cli.Running running) {
    String id = null;
    for (int i = 0; i < 300 && id == null; i++) {
      Matcher created = CREATED.matcher(running.stderrSoFar());
      if (created.find()) {
        id = created.group(1);
      } else {
        sleep(100);
      }
    }
    assertThat(id).as(running.stderrSoFar()).isNotNull();
    node.awaitRun(id, run -> run.get("status").asText().equals("Running"));
    return id;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void cancel(String id) {
    node.post("/api/v1/runs/" + id + "/cancel");
    node.awaitRun(id, run -> run.get("finishedAt") != null && !run.get("finishedAt").isNull());
  }

  @Test
  void exit_0_for_a_run_that_succeeded_with_every_log_line_once_and_in_order() {
    Cli.Outcome outcome = cli().run("run", "chain", "-n", NS, "--wait", "--follow");

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    Matcher result = result(outcome);
    assertThat(result.group(2)).isEqualTo("Succeeded");
    assertThat(result.group(3)).isEmpty();
    List<String> lines = outcome.lines().subList(0, outcome.lines().size() - 1);
    assertThat(lines.stream().filter(l -> l.startsWith("[one] ")).toList())
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 60).mapToObj(i -> "[one] one " + i).toList());
    List<String> two =
        new ArrayList<>(IntStream.rangeClosed(1, 40).mapToObj(i -> "[two] two " + i).toList());
    two.add("[two] two without a newline");
    assertThat(lines.stream().filter(l -> l.startsWith("[two] ")).toList())
        .containsExactlyElementsOf(two);
    assertThat(lines).hasSize(60 + 41);
    assertThat(lines.indexOf("[two] two 1"))
        .as("two started after one had ended: its lines come after all of one's")
        .isGreaterThan(lines.indexOf("[one] one 60"));
    assertThat(outcome.stderr())
        .containsPattern("(?m)^one  Running$")
        .containsPattern("(?m)^one  Succeeded  [0-9]+\\.[0-9]s$")
        .containsPattern("(?m)^two  Succeeded  [0-9]+\\.[0-9]s$");

    String id = result.group(1);
    Cli.Outcome logs = cli().run("logs", id);
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.lines()).containsExactlyElementsOf(expectedLogs());
    Cli.Outcome step = cli().run("logs", id, "two", "--tail", "2");
    assertThat(step.stdout()).isEqualTo("two 40\ntwo without a newline\n");

    Cli.Outcome get = cli().run("get", "run", id);
    assertThat(get.exitCode()).isZero();
    assertThat(get.lines().get(0)).startsWith("ID").contains("WORKFLOW").contains("STATUS");
    assertThat(get.stdout()).contains(NS + "/chain").contains("Succeeded").contains("STEP");
  }

  private static List<String> expectedLogs() {
    List<String> lines = new ArrayList<>();
    IntStream.rangeClosed(1, 60).forEach(i -> lines.add("[one] one " + i));
    IntStream.rangeClosed(1, 40).forEach(i -> lines.add("[two] two " + i));
    lines.add("[two] two without a newline");
    return lines;
  }

  @Test
  void exit_1_for_a_run_that_failed_naming_the_failed_step() {
    Cli.Outcome outcome = cli().run("run", "fails", "-n", NS, "--wait");

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
    Matcher result = result(outcome);
    assertThat(result.group(2)).isEqualTo("Failed");
    assertThat(result.group(3)).isEqualTo("b");
    assertThat(outcome.stderr()).containsPattern("(?m)^b  Failed     [0-9]+\\.[0-9]s  exit code 3");
  }

  @Test
  void exit_2_for_a_workflow_that_does_not_exist_or_a_parameter_it_does_not_declare() {
    Cli.Outcome missing = cli().run("run", "no-such-workflow", "-n", NS, "--wait");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.stderr()).startsWith("error: Not Found");

    Cli.Outcome undeclared = cli().run("run", "forbid", "-n", NS, "-p", "colour=blue");
    assertThat(undeclared.exitCode()).as(undeclared.toString()).isEqualTo(2);
    assertThat(undeclared.stderr()).containsPattern("(?m)^  \\S*colour\\S*: ");

    Cli.Outcome usage = cli().run("run", "forbid", "--wait", "--timeout", "forever");
    assertThat(usage.exitCode()).isEqualTo(2);
  }

  @Test
  void exit_3_for_a_run_cancelled_while_waiting() {
    Cli.Running waiting = cli().start("run", "slow", "-n", NS, "--wait");
    String id = runningRunOf(waiting);

    Cli.Outcome cancel = cli().run("cancel", id);
    assertThat(cancel.exitCode()).as(cancel.toString()).isZero();

    Cli.Outcome outcome = waiting.await(Duration.ofSeconds(60));
    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(3);
    assertThat(result(outcome).group(2)).isEqualTo("Cancelled");
    assertThat(cli().run("cancel", id).exitCode()).as("an ended run: 409").isEqualTo(2);
  }

  @Test
  void exit_4_when_the_timeout_runs_out_leaving_the_run_unless_asked_to_cancel_it() {
    Cli.Outcome left = cli().run("run", "slow", "-n", NS, "--wait", "--timeout", "2s");
    assertThat(left.exitCode()).as(left.toString()).isEqualTo(4);
    String id = result(left).group(1);
    assertThat(Json.parse(node.get("/api/v1/runs/" + id).body()).get("status").asText())
        .isIn("Pending", "Running");
    assertThat(left.stderr()).contains("goes on");
    cancel(id);

    Cli.Outcome cancelled =
        cli().run("run", "slow", "-n", NS, "--wait", "--timeout", "2s", "--cancel-on-timeout");
    assertThat(cancelled.exitCode()).as(cancelled.toString()).isEqualTo(4);
    String other = result(cancelled).group(1);
    JsonNode run =
        node.awaitRun(other, r -> r.get("finishedAt") != null && !r.get("finishedAt").isNull());
    assertThat(run.get("status").asText()).isEqualTo("Cancelled");
  }

  @Test
  void exit_5_for_a_run_its_concurrency_policy_skipped() {
    String first = node.runNow(NS, "forbid");
    node.awaitRun(first, run -> run.get("status").asText().equals("Running"));
    try {
      Cli.Outcome waited = cli().run("run", "forbid", "-n", NS, "--wait");
      assertThat(waited.exitCode()).as(waited.toString()).isEqualTo(5);
      assertThat(result(waited).group(2)).isEqualTo("Skipped");

      Cli.Outcome created = cli().run("run", "forbid", "-n", NS);
      assertThat(created.exitCode())
          .as("created: without --wait, its end is not waited for")
          .isZero();
      assertThat(created.stdout()).matches("run.nightshift.io/\\S+ created\n");
    } finally {
      cancel(first);
    }
  }

  @Test
  void exit_10_when_the_api_is_not_there_refuses_the_token_or_no_longer_knows_the_run()
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Cli.Outcome unreachable =
        cli()
            .env("NIGHTSHIFT_URL", "http://127.0.0.1:" + closed)
            .run("run", "slow", "-n", NS, "--wait", "--retry-timeout", "2s");
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(10);
    assertThat(unreachable.stderr())
        .contains("warning: http://127.0.0.1:" + closed)
        .contains("error: the API at http://127.0.0.1:" + closed + " cannot connect");

    Cli.Outcome refused =
        cli().env("NIGHTSHIFT_TOKEN", "not-a-token").run("get", "workflows", "-A");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(10);
    assertThat(refused.stderr()).startsWith("error: Unauthorized");

    Cli.Outcome gone = cli().run("get", "run", "01NOSUCHRUN0000000000000000");
    assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(10);
  }

  @Test
  void sigterm_while_waiting_cancels_the_run_and_exits_143_and_no_token_is_in_the_arguments()
      throws IOException {
    Cli.Running waiting = cli().start("run", "slow", "-n", NS, "--wait");
    String id = runningRunOf(waiting);
    long pid = waiting.process.pid();
    String commandLine =
        new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
            .replace('\0', ' ');
    assertThat(commandLine)
        .contains("io.nightshift.cli.NightshiftCli")
        .doesNotContain(NightshiftNode.ADMIN_TOKEN);
    assertThat(waiting.process.info().arguments().orElse(new String[0]))
        .noneMatch(argument -> argument.contains(NightshiftNode.ADMIN_TOKEN));

    waiting.process.destroy();
    Cli.Outcome outcome = waiting.await(Duration.ofSeconds(30));

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(143);
    assertThat(outcome.stderr()).contains("SIGTERM: cancelling run " + id);
    JsonNode run =
        node.awaitRun(id, r -> r.get("finishedAt") != null && !r.get("finishedAt").isNull());
    assertThat(run.get("status").asText()).isEqualTo("Cancelled");
    assertThat(result(outcome).group(1)).isEqualTo(id);
  }

  @Test
  void apply_of_a_directory_creates_then_changes_nothing_and_a_server_dry_run_stores_nothing()
      throws IOException {
    Path dir = Files.createDirectories(work.resolve("workflows"));
    String step =
        "spec:\n  steps:\n    - {name: a, image: busybox:1.36, command: [sh, -c, 'true']}\n";
    Files.writeString(
        dir.resolve("a.yaml"),
        "# two workflows\napiVersion: nightshift.io/v1\nkind: Workflow\n"
            + "metadata: {name: apply-one, namespace: cli}\n"
            + step
            + "---\napiVersion: nightshift.io/v1\nkind: Workflow\nmetadata: {name: apply-two}\n"
            + step);
    Files.writeString(
        dir.resolve("b.json"),
        "{\"apiVersion\": \"nightshift.io/v1\", \"kind\": \"Workflow\","
            + " \"metadata\": {\"name\": \"apply-three\"}, \"spec\": {\"steps\": [{\"name\": \"a\","
            + " \"image\": \"busybox:1.36\", \"command\": [\"true\"]}]}}\n");
    Files.writeString(dir.resolve("notes.txt"), "not a definition");

    Cli.Outcome first = cli().run("apply", "-f", dir.toString(), "-n", NS);
    Cli.Outcome second = cli().run("apply", "-f", dir.toString(), "-n", NS);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.lines())
        .containsExactly(
            "workflow.nightshift.io/cli/apply-one created",
            "workflow.nightshift.io/cli/apply-two created",
            "workflow.nightshift.io/cli/apply-three created");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.lines())
        .containsExactly(
            "workflow.nightshift.io/cli/apply-one unchanged",
            "workflow.nightshift.io/cli/apply-two unchanged",
            "workflow.nightshift.io/cli/apply-three unchanged");

    Path changed =
        Files.writeString(
            work.resolve("changed.yaml"),
            "apiVersion: nightshift.io/v1\nkind: Workflow\n"
                + "metadata: {name: apply-one, namespace: cli, labels: {team: data}}\n"
                + step
                + "---\napiVersion: nightshift.io/v1\nkind: Workflow\n"
                + "metadata: {name: apply-four, namespace: cli}\n"
                + step);
    Cli.Outcome dry = cli().run("apply", "-f", changed.toString(), "--dry-run=server");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.lines())
        .containsExactly(
            "workflow.nightshift.io/cli/apply-one configured (server dry run)",
            "workflow.nightshift.io/cli/apply-four created (server dry run)");
    JsonNode stored = Json.parse(node.get("/api/v1/namespaces/cli/workflows/apply-one").body());
    assertThat(stored.at("/metadata/labels").isEmpty()).isTrue();
    assertThat(stored.at("/metadata/generation").asInt()).isEqualTo(1);
    assertThat(node.get("/api/v1/namespaces/cli/workflows/apply-four").statusCode()).isEqualTo(404);

    Path invalid =
        Files.writeString(
            work.resolve("invalid.yaml"),
            "apiVersion: nightshift.io/v1\nkind: Workflow\nmetadata: {name: apply-bad}\n"
                + "spec: {schedule: '99 * * * *', steps: []}\n");
    Cli.Outcome refused = cli().run("apply", "-f", invalid.toString(), "-n", NS);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr())
        .startsWith("error: workflow.nightshift.io/cli/apply-bad: Unprocessable Entity")
        .containsPattern("(?m)^  /spec/schedule: ");
    Cli.Outcome unnamed = cli().run("apply", "-f", dir.resolve("notes.txt").toString());
    assertThat(unnamed.exitCode()).isEqualTo(2);
  }

  @Test
  void retry_wait_runs_the_failed_step_again_and_exits_with_the_new_end() throws IOException {
    Path marker = work.resolve("second-time");
    define(
        "flaky",
        """
        steps:
          - name: first
            image: busybox:1.36
            command: [sh, -c, 'echo first']
          - name: flaky
            dependsOn: [first]
            image: busybox:1.36
            command: [sh, -c, 'if [ -f %s ]; then echo fine now; else touch %s; exit 2; fi']
        """
            .formatted(marker, marker));
    Cli.Outcome failed = cli().run("run", "flaky", "-n", NS, "--wait");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    String id = result(failed).group(1);

    Cli.Outcome retried = cli().run("retry", id, "--wait", "--follow");

    assertThat(retried.exitCode()).as(retried.toString()).isZero();
    assertThat(result(retried).group(1)).isEqualTo(id);
    assertThat(result(retried).group(2)).isEqualTo("Succeeded");
    assertThat(retried.lines()).contains("[flaky] fine now").doesNotContain("[first] first");
    assertThat(retried.stderr()).contains("flaky  Succeeded").doesNotContain("first  Succeeded");
  }

  @Test
  void backfill_wait_waits_for_each_run_and_prints_a_result_line_for_each() {
    define(
        "hourly",
        """
        schedule: "0 * * * *"
        steps:
          - name: only
            image: busybox:1.36
            command: [sh, -c, 'echo $NIGHTSHIFT_SCHEDULED_TIME']
        """);

    Cli.Outcome outcome =
        cli()
            .run(
                "backfill",
                "hourly",
                "-n",
                NS,
                "--from",
                "2026-01-01T00:00:00Z",
                "--to",
                "2026-01-01T02:00:00Z",
                "--wait");

    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.lines()).hasSize(3).allMatch(line -> RESULT.matcher(line).matches());
    assertThat(outcome.stderr()).contains("scheduled 2026-01-01T01:00:00Z");

    Cli.Outcome again =
        cli()
            .run(
                "backfill",
                "hourly",
                "-n",
                NS,
                "--from",
                "2026-01-01T00:00:00Z",
                "--to",
                "2026-01-01T02:00:00Z");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stderr()).contains("2026-01-01T00:00:00Z has a run already");
  }

  @Test
  void sigint_with_no_cancel_on_signal_exits_130_and_leaves_the_run_going() throws Exception {
    // A shell without job control starts its background commands with SIGINT ignored, and an
    // ignored signal stays ignored through exec: the JVM then cannot handle it (as nohup wants).
    if (sigintIgnored()) {
      String why =
          "SKIPPED CliIT.sigint_with_no_cancel_on_signal_exits_130_and_leaves_the_run_going: this"
              + " test JVM was started with SIGINT ignored (a background job of a shell without job"
              + " control), so no child of it can receive SIGINT";
      System.out.println(why);
      Assumptions.abort(why);
    }
    Cli.Running waiting = cli().start("run", "slow", "-n", NS, "--wait", "--no-cancel-on-signal");
    String id = runningRunOf(waiting);

    new ProcessBuilder("kill", "-INT", Long.toString(waiting.process.pid())).start().waitFor();
    Cli.Outcome outcome = waiting.await(Duration.ofSeconds(30));

    assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(130);
    assertThat(outcome.stderr()).contains("signal SIGINT: run " + id + " goes on");
    assertThat(result(outcome).group(2)).isEqualTo("Running");
    assertThat(Json.parse(node.get("/api/v1/runs/" + id).body()).get("status").asText())
        .isEqualTo("Running");
    cancel(id);
  }

  @Test
  void the_other_commands_answer_as_kubectl_would() {
    Cli cli = cli();
    Cli.Outcome workflows = cli.run("get", "workflows", "-n", NS);
    assertThat(workflows.exitCode()).as(workflows.toString()).isZero();
    assertThat(workflows.lines().get(0)).matches("NAME +SCHEDULE +SUSPEND +STEPS +AGE");
    assertThat(workflows.stdout()).containsPattern("(?m)^slow +<none> +False +1 +\\S+$");
    assertThat(cli.run("get", "workflows", "-A").lines().get(0)).startsWith("NAMESPACE   NAME");
    assertThat(cli.run("get", "workflow", "slow", "-n", NS, "-o", "yaml").stdout())
        .contains("name: slow")
        .contains("namespace: cli");
    assertThat(cli.run("get", "workflow", "nope", "-n", NS).exitCode()).isEqualTo(2);

    define(
        "nightly",
        "schedule: '0 2 * * *'\ntimeZone: UTC\nsteps:\n  - {name: a, image: busybox:1.36, command: ['true']}\n");
    Cli.Outcome next =
        cli.run("next", "nightly", "-n", NS, "--count", "3", "--from", "2026-03-01T00:00:00Z");
    assertThat(next.lines()).hasSize(4).element(1).asString().startsWith("2026-03-01T02:00:00Z");
    assertThat(cli.run("suspend", "nightly", "-n", NS).stdout())
        .isEqualTo("workflow.nightshift.io/cli/nightly suspended\n");
    assertThat(cli.run("get", "workflow", "nightly", "-n", NS).stdout()).contains("True");
    assertThat(cli.run("resume", "nightly", "-n", NS).exitCode()).isZero();
    assertThat(cli.run("delete", "workflow", "nightly", "-n", NS).stdout())
        .isEqualTo("workflow.nightshift.io/cli/nightly deleted\n");

    Cli.Outcome token =
        cli.run("token", "create", "cli-viewer", "--role", "viewer", "--namespace", NS);
    assertThat(token.exitCode()).as(token.toString()).isZero();
    String value = token.stdout().strip();
    assertThat(value).hasSizeGreaterThan(20);
    Cli.Outcome viewer = cli().env("NIGHTSHIFT_TOKEN", value).run("get", "workflows", "-n", NS);
    assertThat(viewer.exitCode()).as(viewer.toString()).isZero();
    Cli.Outcome forbidden = cli().env("NIGHTSHIFT_TOKEN", value).run("suspend", "slow", "-n", NS);
    assertThat(forbidden.exitCode()).as("403: " + forbidden).isEqualTo(10);
    assertThat(cli.run("token", "list").stdout()).containsPattern("(?m)^cli-viewer +viewer +cli ");
    assertThat(cli.run("token", "revoke", "cli-viewer").exitCode()).isZero();
    assertThat(cli().env("NIGHTSHIFT_TOKEN", value).run("get", "workflows").exitCode())
        .as("revoked: 401")
        .isEqualTo(10);

    Cli.Outcome cluster = cli.run("cluster");
    assertThat(cluster.exitCode()).isZero();
    assertThat(cluster.stdout()).contains("leader").contains("(answered)");
    Cli.Outcome audit = cli.run("audit", "--action", "token", "--limit", "5");
    assertThat(audit.exitCode()).as(audit.toString()).isZero();
    assertThat(audit.lines().get(0)).matches("AT +ACTOR +ACTION +TARGET +STATUS");
    assertThat(audit.stdout())
        .contains("token.create")
        .contains("token.revoke")
        .doesNotContain("workflow.");

    Cli.Outcome version = cli.run("version");
    assertThat(version.exitCode()).as(version.toString()).isZero();
    assertThat(version.lines()).hasSize(2);
    assertThat(version.lines().get(0)).matches("client: [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?");
    String client = version.lines().get(0).substring("client: ".length());
    assertThat(version.lines().get(1))
        .as("the server's build version, from its OpenAPI document's info.version")
        .isEqualTo("server: " + client + " (" + url + ")");
  }

  @Test
  void the_launcher_makes_its_class_data_archive_once_and_never_fails_for_want_of_a_cache()
      throws Exception {
    Path file = Files.writeString(work.resolve("not-a-directory"), "");
    Cli.Outcome uncached =
        new Cli(work).env("XDG_CACHE_HOME", file.toString()).run("version", "--client");
    assertThat(uncached.exitCode()).as(uncached.toString()).isZero();
    assertThat(uncached.stderr()).isEmpty();

    Cli.Outcome first = new Cli(work).run("version", "--client");
    Path cache = work.resolve("cache/nightshift");
    for (int i = 0; i < 600 && !archived(cache); i++) {
      Thread.sleep(100);
    }
    assertThat(archived(cache)).as("an archive in " + cache).isTrue();
    Cli.Outcome second = new Cli(work).run("version", "--client");

    assertThat(first.stdout()).isEqualTo(uncached.stdout());
    assertThat(second.exitCode()).isZero();
    assertThat(second.stdout()).isEqualTo(first.stdout());
    assertThat(second.stderr()).isEmpty();
    try (var files = Files.list(cache)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no half-written archive left")
          .allMatch(name -> name.matches("cli-.*\\.jsa"));
    }
  }

  private static boolean archived(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return false;
    }
    try (var files = Files.list(cache)) {
      return files.anyMatch(p -> p.getFileName().toString().matches("cli-.*\\.jsa"));
    }
  }

  @Test
  void lint_reports_what_the_server_refuses_for_the_same_file() throws IOException {
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        metadata:
          name: refused
          namespace: cli
        spec:
          schedule: "61 2 * * *"
          timeZone: Mars/Olympus
          concurrencyPolicy: Sometimes
          colour: blue
          steps:
            - name: a
              dependsOn: [restore]
              image: busybox:1.36
              command: [sh, -c, 'true']
              jobTemplate: {template: {spec: {restartPolicy: Always, containers: []}}}
            - name: Bad_Step
              image: busybox:1.36
              command: [sh, -c, 'true']
              retries: 99
        """;
    Path file = Files.writeString(work.resolve("refused.yaml"), definition);

    Cli.Outcome lint = new Cli(work).run("lint", "-f", file.toString());
    HttpResponse<String> put =
        node.put("/api/v1/namespaces/cli/workflows/refused", "application/yaml", definition);

    assertThat(lint.exitCode()).as(lint.toString()).isEqualTo(2);
    assertThat(put.statusCode()).isEqualTo(422);
    Set<String> server = new TreeSet<>();
    Json.parse(put.body())
        .get("violations")
        .forEach(v -> server.add(v.get("path").asText() + ": " + v.get("message").asText()));
    Set<String> client = new TreeSet<>();
    for (String line : lint.lines()) {
      assertThat(line).startsWith(file + ": ");
      client.add(line.substring((file + ": ").length()));
    }
    assertThat(server).hasSizeGreaterThan(5);
    assertThat(client).isEqualTo(server);
  }

  /** Whether this process ignores SIGINT (bit 2 of {@code SigIgn} in /proc/self/status). */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << 1)) != 0;
      }
    }
    return false;
  }
}

package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: parsing, usage errors, config contexts, lint, help. */
class CliTest {

  @TempDir Path dir;

  private CliRun.Result run(Map<String, String> env, String... args) {
    return CliRun.run(dir, env, "", args);
  }

  private CliRun.Result run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void a_token_given_as_an_argument_is_refused_as_a_usage_error_pointing_to_token_file() {
    CliRun.Result result = run("get", "workflows", "--token", "s3cret");

    assertThat(result.code()).isEqualTo(Exit.USAGE);
    assertThat(result.err()).contains("--token").contains("--token-file PATH or NIGHTSHIFT_TOKEN");
  }

  @Test
  void unknown_commands_and_missing_arguments_are_usage_errors() {
    assertThat(run("frobnicate").code()).isEqualTo(Exit.USAGE);
    assertThat(run("run").code()).isEqualTo(Exit.USAGE);
    assertThat(run("get").code()).isEqualTo(Exit.USAGE);
    assertThat(run("run", "w", "--timeout", "soon").err()).contains("is not a duration");
    assertThat(run("logs", "id", "--follow", "--tail", "5").code()).isEqualTo(Exit.USAGE);
  }

  @Test
  void the_help_carries_the_exit_code_table_and_says_where_the_token_comes_from() {
    CliRun.Result result = run("--help");

    assertThat(result.code()).isZero();
    assertThat(result.out())
        .contains("Exit codes:")
        .contains("5   ")
        .contains("10   ")
        .contains("130, 143")
        .contains("./nightshift-data/admin-token")
        .contains("never taken as an argument");
  }

  @Test
  void version_client_asks_nothing() {
    CliRun.Result result =
        run(Map.of("NIGHTSHIFT_URL", "http://127.0.0.1:1"), "version", "--client");

    assertThat(result.code()).isZero();
    assertThat(result.out()).matches("client: \\S+\\n");
  }

  @Test
  void contexts_are_set_used_listed_and_chosen_as_kubectl_does() throws IOException {
    Path token = Files.writeString(dir.resolve("prod.token"), "prod-token");

    assertThat(
            run(
                    "config",
                    "set-context",
                    "prod",
                    "--server",
                    "https://prod.example",
                    "--token-file",
                    token.toString(),
                    "-n",
                    "data")
                .code())
        .isZero();
    assertThat(run("config", "set-context", "dev", "--server", "http://dev.example").code())
        .isZero();
    assertThat(run("config", "current-context").code()).isEqualTo(Exit.USAGE);
    assertThat(run("config", "use-context", "prod").out()).contains("switched to context prod");
    assertThat(run("config", "current-context").out()).isEqualTo("prod\n");
    assertThat(run("config", "use-context", "nope").code()).isEqualTo(Exit.USAGE);

    String contexts = run("config", "get-contexts").out();
    assertThat(contexts.lines().toList())
        .hasSize(3)
        .first()
        .asString()
        .startsWith("CURRENT   NAME   SERVER");
    assertThat(contexts).contains("*         prod   https://prod.example   data");
    assertThat(Files.readString(dir.resolve("config.yaml")))
        .contains("current-context: prod")
        .contains("token-file: " + token)
        .doesNotContain("prod-token");

    // changing one field keeps the others
    run("config", "set-context", "prod", "-n", "etl");
    assertThat(ConfigFile.read(dir.resolve("config.yaml")).context("prod").orElseThrow())
        .isEqualTo(new ConfigFile.Context("prod", "https://prod.example", token.toString(), "etl"));
    assertThat(run("config", "delete-context", "prod").code()).isZero();
    assertThat(run("config", "current-context").code()).isEqualTo(Exit.USAGE);
  }

  @Test
  void lint_passes_valid_definitions_and_counts_them() throws IOException {
    Path examples = Path.of("examples");

    CliRun.Result result = run("lint", "-f", examples.toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    assertThat(result.out()).isEqualTo("2 workflows valid\n");
  }

  @Test
  void lint_reports_every_violation_with_file_document_and_pointer_and_exits_2()
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            metadata: {name: good}
            spec:
              steps: [{name: a, image: busybox, command: ["true"]}]
            ---
            apiVersion: nightshift.io/v1
            kind: Workflow
            metadata: {name: Bad_Name}
            spec:
              schedule: "61 2 * * *"
              colour: blue
              steps:
                - name: a
                  dependsOn: [restore]
                  image: busybox
            """);
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "metadata:\n  name: [x\n");

    CliRun.Result result = run("lint", "-f", file.toString(), "-f", broken.toString());

    assertThat(result.code()).isEqualTo(Exit.USAGE);
    String bad = file + " (document 2): ";
    assertThat(result.out())
        .contains(bad + "/metadata/name: ")
        .contains(bad + "/spec/schedule: ")
        .contains(bad + "/spec/colour: ")
        .contains(bad + "/spec/steps/0/dependsOn/0: ")
        .doesNotContain(file + " (document 1)")
        .containsPattern(broken + ": line \\d+, column \\d+: ");
    assertThat(result.err()).contains("2 workflows invalid, 1 valid");
  }

  @Test
  void completion_scripts_for_bash_and_zsh() {
    CliRun.Result bash = run("completion", "bash");
    CliRun.Result zsh = run("completion", "zsh");

    assertThat(bash.code()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("apply").contains("--follow");
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
    assertThat(run("completion", "fish").code()).isEqualTo(Exit.USAGE);
  }

  @Test
  void an_unreachable_server_exits_10_after_its_retry_timeout() {
    CliRun.Result result =
        run(
            Map.of("NIGHTSHIFT_URL", "http://127.0.0.1:1"),
            "get",
            "workflows",
            "--retry-timeout",
            "0s");

    assertThat(result.code()).isEqualTo(Exit.UNAVAILABLE);
    assertThat(result.err()).startsWith("error: the API at http://127.0.0.1:1 cannot connect");
  }

  @Test
  void a_step_transition_is_aligned_and_says_why_it_failed() {
    JsonNode failed =
        Json.parse(
            ("{\"name\":\"etl\",\"status\":\"Failed\",\"attempt\":1,\"jobName\":\"w-1-etl\","
                    + "\"exitCode\":2,\"startedAt\":\"2026-01-01T00:00:00Z\","
                    + "\"finishedAt\":\"2026-01-01T00:00:12.34Z\",\"reason\":\"Error\","
                    + "\"message\":\"exited 2\"}")
                .getBytes(StandardCharsets.UTF_8));
    JsonNode running =
        Json.parse(
            "{\"name\":\"backup\",\"status\":\"Running\",\"jobName\":\"w-1-backup\"}"
                .getBytes(StandardCharsets.UTF_8));

    assertThat(RunWatcher.transition(failed, 6, Instant.now()))
        .isEqualTo("etl     Failed     12.3s  exit code 2; Error: exited 2");
    assertThat(RunWatcher.transition(running, 6, Instant.now())).isEqualTo("backup  Running");
  }

  @Test
  void the_result_line_names_run_status_failed_steps_and_duration() {
    JsonNode run =
        Json.parse(
            ("{\"id\":\"r1\",\"status\":\"Failed\",\"startedAt\":\"2026-01-01T00:00:00Z\","
                    + "\"finishedAt\":\"2026-01-01T00:01:01.25Z\",\"steps\":["
                    + "{\"name\":\"a\",\"status\":\"Failed\"},{\"name\":\"b\",\"status\":\"Skipped\"},"
                    + "{\"name\":\"c\",\"status\":\"Failed\"}]}")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(Runs.resultLine(run, Instant.now()))
        .isEqualTo("NIGHTSHIFT_RESULT run=r1 status=Failed failedSteps=a,c duration=61.3");
    assertThat(Runs.terminal(run)).isTrue();
    assertThat(
            Runs.terminal(
                Json.parse(
                    "{\"status\":\"Failed\",\"terminal\":false}".getBytes(StandardCharsets.UTF_8))))
        .as("the server's terminal wins")
        .isFalse();
  }

  @Test
  void openapi_info_version_is_read_without_parsing_the_document() {
    assertThat(
            VersionCommand.infoVersion(
                "openapi: 3.0.1\ninfo:\n  title: Nightshift\n  version: 0.1.0-SNAPSHOT\npaths: {}\n"))
        .isEqualTo("0.1.0-SNAPSHOT");
    assertThat(VersionCommand.infoVersion("openapi: 3.0.1\npaths:\n  version: x\n")).isNull();
    assertThat(
            VersionCommand.infoVersion(
                "openapi: 3.0.1\ninfo:\n  description: |\n    one\n\n    two\n  version: v1\n"))
        .isEqualTo("v1");
    assertThat(VersionCommand.infoVersion("{not yaml")).isNull();
  }
}

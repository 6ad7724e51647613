package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor runs steps on the server's machine: a step must not reach the server's
 * secrets, nor another namespace's logs, and a namespace-scoped admin must not get to run code
 * there at all unless the operator says so.
 */
class LocalExecutorIsolationIT {

  private static final String PROBLEM = "application/problem+json";

  @TempDir Path dataDir;

  private NightshiftNode node(Object... more) {
    Object[] all = new Object[more.length + 4];
    all[0] = "nightshift.executor";
    all[1] = "local";
    all[2] = "nightshift.data-dir";
    all[3] = dataDir.toString();
    System.arraycopy(more, 0, all, 4, more.length);
    return NightshiftNode.start(NightshiftNode.quick(PostgresFixture.newDatabase(), all));
  }

  private static String token(NightshiftNode admin, String name, String role, String namespace) {
    String body =
        Definitions.json(Map.of("name", name, "role", role, "namespaces", List.of(namespace)));
    HttpResponse<String> created =
        admin.send(
            admin
                .request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  private static String workflow(String command, String parameters) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          parameters: {%s}
          steps:
            - name: only
              image: busybox:1.36
              env: [{name: FROM_WORKFLOW, value: "yes"}]
              command: [sh, -c, '%s']
        """
        .formatted(parameters, command);
  }

  /** Runs the workflow now and returns the ended run. */
  private static JsonNode runToEnd(NightshiftNode node, String path) {
    HttpResponse<String> created = node.post(path + "/runs");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return node.awaitRun(
        Json.parse(created.body()).get("id").asText(),
        run -> run.get("finishedAt") != null && !run.get("finishedAt").isNull());
  }

  private static String log(NightshiftNode node, JsonNode run) {
    HttpResponse<String> log =
        node.get("/api/v1/runs/" + run.get("id").asText() + "/steps/only/logs");
    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    return log.body();
  }

  @Test
  void a_namespace_scoped_admin_may_not_define_or_delete_workflows_on_the_local_executor() {
    String path = "/api/v1/namespaces/team-a/workflows/";
    try (NightshiftNode admin = node()) {
      NightshiftNode teamAdmin = admin.as(token(admin, "team-a-admin", "admin", "team-a"));
      assertThat(
              admin.put(path + "existing", "application/yaml", workflow("true", "")).statusCode())
          .isEqualTo(201);

      HttpResponse<String> put =
          teamAdmin.put(path + "planted", "application/yaml", workflow("cat /etc/passwd", ""));
      HttpResponse<String> replace =
          teamAdmin.put(path + "existing", "application/yaml", workflow("id", ""));
      HttpResponse<String> delete = teamAdmin.delete(path + "existing");

      for (HttpResponse<String> refused : List.of(put, replace, delete)) {
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue(PROBLEM);
        assertThat(Json.parse(refused.body()).get("detail").asText())
            .contains("the local executor runs every step as the server's user")
            .contains("nightshift.executor.local.allow-scoped-admins");
      }
      assertThat(admin.get(path + "planted").statusCode()).isEqualTo(404);
      assertThat(Json.parse(admin.get(path + "existing").body()).at("/spec/steps/0/command/2"))
          .hasToString("\"true\"");
      // Outside its scope it still gets the 404 of what does not exist, not a hint.
      assertThat(
              teamAdmin
                  .put(
                      "/api/v1/namespaces/team-b/workflows/x",
                      "application/yaml",
                      workflow("id", ""))
                  .statusCode())
          .isEqualTo(404);
      // An admin that sees every namespace still defines workflows.
      assertThat(admin.delete(path + "existing").statusCode()).isEqualTo(204);
    }
  }

  @Test
  void with_allow_scoped_admins_a_namespace_scoped_admin_defines_workflows_on_the_local_executor() {
    String path = "/api/v1/namespaces/team-a/workflows/allowed";
    try (NightshiftNode admin = node("nightshift.executor.local.allow-scoped-admins", "true")) {
      NightshiftNode teamAdmin = admin.as(token(admin, "team-a-admin", "admin", "team-a"));
      assertThat(teamAdmin.put(path, "application/yaml", workflow("true", "")).statusCode())
          .isEqualTo(201);
      assertThat(teamAdmin.delete(path).statusCode()).isEqualTo(204);
    }
  }

  @Test
  void a_step_gets_a_clean_environment_without_any_variable_of_the_server() {
    String path = "/api/v1/namespaces/team-a/workflows/printenv";
    try (NightshiftNode admin = node()) {
      assertThat(
              admin
                  .put(path, "application/yaml", workflow("env", "retentionDays: \"30\""))
                  .statusCode())
          .isEqualTo(201);
      JsonNode run = runToEnd(admin, path);
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Succeeded");

      Map<String, String> env =
          log(admin, run)
              .lines()
              .filter(line -> line.contains("="))
              .collect(
                  Collectors.toMap(
                      line -> line.substring(0, line.indexOf('=')),
                      line -> line.substring(line.indexOf('=') + 1),
                      (a, b) -> b));
      Set<String> keys = new TreeSet<>(env.keySet());
      keys.removeIf(key -> key.startsWith("NIGHTSHIFT_"));
      // PWD is what sh itself exports.
      assertThat(keys)
          .isSubsetOf("PATH", "HOME", "LANG", "RETENTION_DAYS", "FROM_WORKFLOW", "PWD")
          .contains("PATH", "HOME", "LANG", "RETENTION_DAYS", "FROM_WORKFLOW");
      assertThat(env)
          .containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin")
          .containsEntry("HOME", "/tmp")
          .containsEntry("LANG", "C.UTF-8")
          .containsEntry("RETENTION_DAYS", "30")
          .containsEntry("NIGHTSHIFT_STEP", "only")
          .doesNotContainKey("NIGHTSHIFT_ADMIN_TOKEN");
      assertThat(env.keySet())
          .filteredOn(key -> key.startsWith("NIGHTSHIFT_"))
          .containsExactlyInAnyOrder(
              "NIGHTSHIFT_WORKFLOW",
              "NIGHTSHIFT_RUN_ID",
              "NIGHTSHIFT_STEP",
              "NIGHTSHIFT_SCHEDULED_TIME",
              "NIGHTSHIFT_ATTEMPT");
      assertThat(log(admin, run)).doesNotContain(NightshiftNode.ADMIN_TOKEN);
    }
  }

  @Test
  void
      a_step_run_as_an_unprivileged_user_cannot_read_the_servers_environ_nor_another_namespaces_log()
          throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "SKIPPED: switching steps to another user needs the tests to run as root (CI does);"
            + " running as "
            + System.getProperty("user.name"));
    // Even when the data directory is left open to everyone, the steps' files are not.
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (NightshiftNode admin = node("nightshift.executor.local.run-as", "nobody")) {
      String payroll = "/api/v1/namespaces/team-b/workflows/payroll";
      assertThat(
              admin
                  .put(payroll, "application/yaml", workflow("echo team-b-salaries-42", ""))
                  .statusCode())
          .isEqualTo(201);
      JsonNode payrollRun = runToEnd(admin, payroll);
      assertThat(payrollRun.get("status").asText()).isEqualTo("Succeeded");
      String payrollJob = payrollRun.at("/steps/0/jobName").asText();
      Path otherLog = dataDir.resolve("steps/team-b/" + payrollJob + ".log");
      assertThat(Files.readString(otherLog)).contains("team-b-salaries-42");

      String thief = "/api/v1/namespaces/team-a/workflows/thief";
      String script =
          "echo uid=$(id -u);"
              + " cat /proc/$PPID/environ || echo parent-denied;"
              + " cat /proc/$SERVER_PID/environ || echo server-denied;"
              + " cat $OTHER_LOG || echo log-denied;"
              + " ls $DATA_DIR/steps || echo dir-denied";
      String parameters =
          "serverPid: \"%d\", otherLog: \"%s\", dataDir: \"%s\""
              .formatted(ProcessHandle.current().pid(), otherLog, dataDir);
      assertThat(admin.put(thief, "application/yaml", workflow(script, parameters)).statusCode())
          .isEqualTo(201);
      JsonNode run = runToEnd(admin, thief);
      String log = log(admin, run);

      assertThat(log)
          .contains("uid=65534")
          .contains("parent-denied")
          .contains("server-denied")
          .contains("log-denied")
          .contains("dir-denied")
          .contains("Permission denied")
          .doesNotContain("team-b-salaries-42")
          .doesNotContain(NightshiftNode.ADMIN_TOKEN)
          .doesNotContain("JAVA_HOME");
      for (String name :
          Arrays.asList(payrollJob + ".log", payrollJob + ".pid", payrollJob + ".exit")) {
        assertThat(
                PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dataDir.resolve("steps/team-b/" + name))))
            .as(name)
            .isEqualTo("rw-------");
      }
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dataDir.resolve("steps/team-b"))))
          .isEqualTo("rwx------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dataDir.resolve("steps"))))
          .isEqualTo("rwx------");
    }
  }
}

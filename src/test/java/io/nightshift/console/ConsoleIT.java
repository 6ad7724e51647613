package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over HTTP, without a browser: sessions, the roles and scopes of the API, CSRF, origin
 * checks, security headers, and what it escapes. {@code ConsoleBrowserIT} drives the same pages in
 * Chromium.
 */
class ConsoleIT {

  private static final String XSS_SCRIPT = "<script>window.__xss=1</script>";
  private static final String XSS_ATTRIBUTE = "\"><img src=x onerror=\"window.__xss=1\">";

  @TempDir static Path dataDir;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(NightshiftNode.quickOnLocal(PostgresFixture.newDatabase(), dataDir));
    put("team-a", "nightly", "0 2 * * *", "echo nightly done");
    put("team-a", "hourly", "15 * * * *", "echo hourly done");
    put("team-b", "other", "0 3 * * *", "echo other done");
    HttpResponse<String> hostile =
        node.put(
            "/api/v1/namespaces/team-a/workflows/hostile",
            "application/json",
            Definitions.json(
                Map.of(
                    "apiVersion",
                    "nightshift.io/v1",
                    "kind",
                    "Workflow",
                    "metadata",
                    Map.of("annotations", Map.of("note", XSS_ATTRIBUTE)),
                    "spec",
                    Map.of(
                        "parameters",
                        Map.of("greeting", XSS_SCRIPT, "quote", XSS_ATTRIBUTE),
                        "steps",
                        java.util.List.of(
                            Map.of(
                                "name",
                                "say",
                                "image",
                                "busybox",
                                "command",
                                java.util.List.of(
                                    "sh", "-c", "echo \"$GREETING\"; echo \"$QUOTE\"")))))));
    assertThat(hostile.statusCode()).as(hostile.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void put(String namespace, String name, String cron, String command) {
    HttpResponse<String> response =
        node.put(
            "/api/v1/namespaces/" + namespace + "/workflows/" + name,
            "application/yaml",
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            metadata: {labels: {team: %s}}
            spec:
              schedule: "%s"
              timeZone: Europe/Paris
              steps:
                - {name: first, image: busybox, command: [sh, -c, '%s']}
                - {name: second, dependsOn: [first], image: busybox, command: [sh, -c, 'echo second']}
            """
                .formatted(namespace, cron, command));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static String token(String name, String role, String... namespaces) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("role", role);
    if (namespaces.length > 0) {
      body.put("namespaces", java.util.List.of(namespaces));
    }
    HttpResponse<String> created =
        node.send(
            node.request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Definitions.json(body))));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  /** A browser's session: its cookie, and the CSRF token of the last page it read. */
  private static final class Session {
    private String cookie = "";
    private String csrf = "";

    static Session signIn(String token) {
      Session session = new Session();
      HttpResponse<String> answer =
          session.post("/sign-in", Map.of("token", token, "next", "/"), false);
      assertThat(answer.statusCode()).isEqualTo(303);
      String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie)
          .startsWith("nightshift_session=")
          .containsIgnoringCase("HttpOnly")
          .containsIgnoringCase("SameSite=Strict");
      session.cookie = setCookie.substring(0, setCookie.indexOf(';'));
      return session;
    }

    HttpResponse<String> get(String path) {
      HttpResponse<String> page =
          node.as(null).send(node.as(null).request(path).header("Cookie", cookie).GET());
      Matcher csrfField = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
      if (csrfField.find()) {
        csrf = csrfField.group(1);
      }
      return page;
    }

    HttpResponse<String> post(String path, Map<String, String> form, boolean withCsrf) {
      Map<String, String> fields = new LinkedHashMap<>(form);
      if (withCsrf) {
        fields.put("_csrf", csrf);
      }
      StringBuilder body = new StringBuilder();
      fields.forEach(
          (key, value) ->
              body.append(body.isEmpty() ? "" : "&")
                  .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                  .append('=')
                  .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
      HttpRequest.Builder request =
          node.as(null)
              .request(path)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (!cookie.isEmpty()) {
        request.header("Cookie", cookie);
      }
      return node.as(null).send(request);
    }
  }

  private static boolean suspended(String namespace, String name) {
    JsonNode workflow =
        Json.parse(node.get("/api/v1/namespaces/" + namespace + "/workflows/" + name).body());
    return workflow.at("/spec/suspend").asBoolean(false);
  }

  @Test
  void a_page_without_a_session_sends_the_browser_to_sign_in_and_back() {
    HttpResponse<String> answer = new Session().get("/workflows/team-a/nightly");

    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.headers().firstValue("Location"))
        .contains("/sign-in?next=%2Fworkflows%2Fteam-a%2Fnightly");
    HttpResponse<String> signIn = new Session().get("/sign-in");
    assertThat(signIn.statusCode()).isEqualTo(200);
    assertThat(signIn.body()).contains("name=\"token\"");
  }

  @Test
  void a_signed_in_admin_sees_every_workflow_with_its_schedule_in_words_and_next_run() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);

    HttpResponse<String> list = admin.get("/");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(list.body())
        .contains("team-a/nightly", "team-a/hourly", "team-b/other")
        .contains("every day at 02:00 Europe/Paris")
        .contains("Run now");
    assertThat(list.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(list.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void the_session_cookie_is_never_a_token_for_the_api() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);

    HttpResponse<String> api = admin.get("/api/v1/workflows");

    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void a_refused_token_is_sent_back_to_sign_in_with_a_reason_and_its_cookie_cleared() {
    Session wrong = Session.signIn("not-a-token-of-this-server");

    HttpResponse<String> list = wrong.get("/");

    assertThat(list.statusCode()).isEqualTo(303);
    assertThat(list.headers().firstValue("Location").orElseThrow()).contains("refused=1");
    HttpResponse<String> signIn = wrong.get(list.headers().firstValue("Location").orElseThrow());
    assertThat(signIn.body()).contains("That token was not accepted");
    assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
  }

  @Test
  void a_namespace_scoped_viewer_sees_only_its_namespace_and_no_action() {
    Session viewer = Session.signIn(token("console-viewer-a", "viewer", "team-a"));

    HttpResponse<String> list = viewer.get("/");

    assertThat(list.body()).contains("team-a/nightly").doesNotContain("team-b/other");
    assertThat(list.body()).doesNotContain("Run now", "Suspend selected", ">Suspend<");
    assertThat(viewer.get("/workflows/team-b/other").statusCode()).isEqualTo(404);
    assertThat(viewer.get("/audit").statusCode()).isEqualTo(403);
  }

  @Test
  void a_forged_post_from_a_viewers_session_is_refused_and_changes_nothing() {
    Session viewer = Session.signIn(token("console-viewer-all", "viewer"));
    viewer.get("/");

    HttpResponse<String> forged = viewer.post("/workflows/team-a/hourly/suspend", Map.of(), true);

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("operator role");
    assertThat(suspended("team-a", "hourly")).isFalse();
  }

  @Test
  void a_post_without_the_csrf_token_or_from_another_origin_is_refused() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);
    admin.get("/");

    HttpResponse<String> noToken = admin.post("/workflows/team-a/hourly/suspend", Map.of(), false);
    HttpResponse<String> otherOrigin =
        node.as(null)
            .send(
                node.as(null)
                    .request("/workflows/team-a/hourly/suspend")
                    .header("Cookie", admin.cookie)
                    .header("Origin", "https://evil.example")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + admin.csrf)));

    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(otherOrigin.statusCode()).isEqualTo(403);
    assertThat(suspended("team-a", "hourly")).isFalse();
  }

  @Test
  void an_operator_suspends_two_workflows_in_bulk_and_resumes_them() {
    Session operator = Session.signIn(token("console-operator", "operator"));
    operator.get("/");

    HttpResponse<String> bulk =
        operator.post(
            "/workflows/bulk?x=1", Map.of("action", "suspend", "selected", "team-a/nightly"), true);
    HttpResponse<String> second =
        operator.post(
            "/workflows/bulk", Map.of("action", "suspend", "selected", "team-b/other"), true);

    assertThat(bulk.statusCode()).isEqualTo(303);
    assertThat(second.statusCode()).isEqualTo(303);
    assertThat(suspended("team-a", "nightly")).isTrue();
    assertThat(suspended("team-b", "other")).isTrue();
    assertThat(operator.get("/?status=Suspended").body())
        .contains("team-a/nightly", "team-b/other");
    operator.post(
        "/workflows/bulk", Map.of("action", "resume", "selected", "team-a/nightly"), true);
    operator.post("/workflows/bulk", Map.of("action", "resume", "selected", "team-b/other"), true);
    assertThat(suspended("team-a", "nightly")).isFalse();
  }

  @Test
  void hostile_text_in_parameters_annotations_and_logs_is_rendered_as_text() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);
    String runId = node.runNow("team-a", "hostile");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Json.parse(node.get("/api/v1/runs/" + runId).body())
                    .get("status")
                    .asText()
                    .equals("Succeeded"));

    String workflowPage = admin.get("/workflows/team-a/hostile").body();
    String runPage = admin.get("/runs/" + runId + "?step=say").body();

    for (String page : java.util.List.of(workflowPage, runPage)) {
      assertThat(page).doesNotContain("<script>window", "<img src=x");
    }
    assertThat(workflowPage).contains("&lt;script&gt;window.__xss=1&lt;/script&gt;");
    assertThat(runPage).contains("&lt;script&gt;window.__xss=1&lt;/script&gt;");
  }

  @Test
  void a_run_started_from_the_console_shows_its_graph_steps_and_log() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);
    admin.get("/workflows/team-a/nightly");

    HttpResponse<String> started = admin.post("/workflows/team-a/nightly/run", Map.of(), true);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(303);
    String location = started.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/runs/");
    String runId = location.substring("/runs/".length());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admin.get(location).body().contains("data-step=\"second\""));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Json.parse(node.get("/api/v1/runs/" + runId).body())
                    .get("status")
                    .asText()
                    .equals("Succeeded"));
    String page = admin.get(location + "?step=first").body();
    assertThat(page).contains("<svg", "nightly done", "Succeeded");
    HttpResponse<String> download = admin.get("/runs/" + runId + "/steps/first/log.txt");
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("attachment");
    assertThat(download.body()).contains("nightly done");
  }

  @Test
  void a_backfill_previews_its_times_in_the_workflows_zone_then_runs_them() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);
    admin.get("/workflows/team-a/hourly");

    HttpResponse<String> preview =
        admin.post(
            "/workflows/team-a/hourly/backfill",
            Map.of("from", "2026-11-20T10:00", "to", "2026-11-20T12:59"),
            true);

    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body())
        .contains("3 scheduled times in this range")
        .contains("2026-11-20 10:15 Europe/Paris", "2026-11-20 11:15 Europe/Paris")
        .contains("2026-11-20 09:15 UTC")
        .contains("Run these 3");
    admin.get("/workflows/team-a/hourly");
    HttpResponse<String> ran =
        admin.post(
            "/workflows/team-a/hourly/backfill",
            Map.of("from", "2026-11-20T10:00", "to", "2026-11-20T12:59", "confirm", "run"),
            true);
    assertThat(ran.statusCode()).isEqualTo(303);
    assertThat(ran.headers().firstValue("Location").orElseThrow()).contains("3+runs+backfilled");
    JsonNode history =
        Json.parse(node.get("/api/v1/namespaces/team-a/workflows/hourly/runs").body());
    assertThat(history.get("items")).hasSizeGreaterThanOrEqualTo(3);
    HttpResponse<String> backwards =
        admin.post(
            "/workflows/team-a/hourly/backfill",
            Map.of("from", "2026-11-20T12:00", "to", "2026-11-20T10:00"),
            true);
    assertThat(backwards.body()).contains("The range ends before it starts.");
  }

  @Test
  void sign_out_clears_the_session() {
    Session admin = Session.signIn(NightshiftNode.ADMIN_TOKEN);
    admin.get("/");

    HttpResponse<String> out = admin.post("/sign-out", Map.of(), true);

    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
  }

  @Test
  void a_next_address_of_another_site_is_never_followed() {
    assertThat(ConsoleController.safeNext("//evil.example/x")).isEqualTo("/");
    assertThat(ConsoleController.safeNext("https://evil.example")).isEqualTo("/");
    assertThat(ConsoleController.safeNext("/\\evil.example")).isEqualTo("/");
    assertThat(ConsoleController.safeNext("/runs/abc?step=x")).isEqualTo("/runs/abc?step=x");
  }
}

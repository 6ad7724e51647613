package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.LogCapture;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's smaller leaks and bounds, each attacked over real HTTP: a forged client address, waits
 * that hold every thread, dates at the ends of time, parameters that set the loader's or the
 * shell's variables, error bodies that name Java classes, and a client that sends a byte a second.
 */
class ApiHardeningIT {

  private static final String TEAM = "/api/v1/namespaces/team/workflows/";

  /** A Java class or package, an inner class, an exception: never in a problem body. */
  static final Pattern JAVA_NAME =
      Pattern.compile(
          "\\b(java|javax|jakarta|com|org|io|sun|jdk)\\.[a-z0-9_]+\\.[A-Za-z]|[A-Za-z0-9]\\$[A-Z]"
              + "|Exception\\b");

  private static final String SLOW =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        steps:
          - {name: only, image: busybox:1.36, command: [sleep, "120"]}
      """;

  private static final String NIGHTLY =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        schedule: "0 2 * * *"
        parameters: {retentionDays: "30"}
        steps:
          - {name: only, image: busybox:1.36, command: ["true"]}
      """;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static PostgresFixture.Database database;
  private static LogCapture logs;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    database = PostgresFixture.newDatabase();
    node =
        NightshiftNode.start(
            NightshiftNode.quick(
                database,
                "nightshift.api.max-waits",
                10,
                "nightshift.api.max-waits-per-caller",
                5,
                "micronaut.server.read-timeout",
                2,
                "micronaut.server.idle-timeout",
                "2s"));
    assertThat(node.put(TEAM + "slow", "application/yaml", SLOW).statusCode()).isEqualTo(201);
    assertThat(node.put(TEAM + "nightly", "application/yaml", NIGHTLY).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      logs.close();
    }
  }

  // ---- 1. the client address ----

  @Test
  void a_forged_forwarded_for_is_neither_audited_nor_logged_and_the_socket_address_is() {
    int port = node.context().getBean(io.micronaut.runtime.server.EmbeddedServer.class).getPort();
    String flood = "9".repeat(6000);
    List<String> forgeries =
        List.of(
            "X-Forwarded-For: \u001b[31m6.6.6.6",
            "Forwarded: for=6.6.6.7;proto=https\r\nX-Forwarded-For: 6.6.6.8",
            "X-Forwarded-For: " + flood,
            "Forwarded: for=\"[2001:db8::6]\"\r\nX-Forwarded-For: 2001:db8::66",
            "X-Forwarded-For: \u202e6.6.6.10 <script>");
    String[] actions = {"suspend", "resume", "suspend", "resume", "suspend"};
    for (int i = 0; i < forgeries.size(); i++) {
      String answer = raw(port, "POST", TEAM + "nightly/" + actions[i], forgeries.get(i));
      // Netty itself refuses a control character in a header value; the rest get through
      assertThat(answer).startsWith(i == 0 ? "HTTP/1.1 400" : "HTTP/1.1 200");
      // refused, so logged by RefusalLog: its address too must be the socket's
      assertThat(raw(port, "GET", TEAM + "nowhere", forgeries.get(i)))
          .startsWith(i == 0 ? "HTTP/1.1 400" : "HTTP/1.1 404");
    }
    List<JsonNode> events = new ArrayList<>();
    Json.parse(node.get("/api/v1/audit?limit=200").body())
        .get("items")
        .forEach(
            event -> {
              if (event.get("target").asText().startsWith(TEAM + "nightly/")) {
                events.add(event);
              }
            });
    assertThat(events).hasSizeGreaterThanOrEqualTo(forgeries.size() - 1);
    for (JsonNode event : events) {
      assertThat(isLoopback(event.get("address").asText())).as(event.toString()).isTrue();
    }
    for (String forged : List.of("6.6.6.", "\u001b", "9999999999", "2001:db8", "<script>")) {
      assertThat(logs.containing(forged)).as("log lines holding " + forged).isEmpty();
    }
    assertThat(logs.containing("Refused GET " + TEAM + "nowhere from "))
        .hasSizeGreaterThanOrEqualTo(forgeries.size() - 1)
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches("(?s).* from (127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1): 40[04] .*"));
  }

  @Test
  void behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_audited() {
    PostgresFixture.Database db = PostgresFixture.newDatabase();
    try (NightshiftNode proxied =
        NightshiftNode.start(
            NightshiftNode.on(
                db,
                "nightshift.audit.trusted-proxies",
                List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8")))) {
      assertThat(proxied.put(TEAM + "nightly", "application/yaml", NIGHTLY).statusCode())
          .isEqualTo(201);
      int port =
          proxied.context().getBean(io.micronaut.runtime.server.EmbeddedServer.class).getPort();
      Map<String, String> expected =
          Map.of(
              "X-Forwarded-For: 1.1.1.1, 203.0.113.9, 10.1.2.3",
              "203.0.113.9",
              "X-Forwarded-For: 203.0.113.10\r\nForwarded: for=1.1.1.1",
              "203.0.113.10",
              "X-Forwarded-For: \u001b[31m6.6.6.6",
              "loopback",
              "X-Forwarded-For: 203.0.113.11, " + "9".repeat(6000),
              "loopback",
              "X-Forwarded-For: evil.example.com",
              "loopback");
      for (Map.Entry<String, String> forwarded : expected.entrySet()) {
        String answer = raw(port, "POST", TEAM + "nightly/suspend", forwarded.getKey());
        if (forwarded.getKey().contains("\u001b")) {
          // Netty itself refuses a control character in a header value
          assertThat(answer).startsWith("HTTP/1.1 400");
          continue;
        }
        assertThat(answer).startsWith("HTTP/1.1 200");
        JsonNode last = Json.parse(proxied.get("/api/v1/audit?limit=1").body()).get("items").get(0);
        String address = last.get("address").asText();
        if (forwarded.getValue().equals("loopback")) {
          assertThat(isLoopback(address)).as(forwarded.getKey() + " -> " + address).isTrue();
        } else {
          assertThat(address).as(forwarded.getKey()).isEqualTo(forwarded.getValue());
        }
      }
    }
    assertThat(logs.containing("\u001b")).isEmpty();
    assertThat(logs.containing("evil.example.com")).isEmpty();
  }

  @Test
  void a_trusted_proxy_that_is_not_a_cidr_stops_the_node() {
    Throwable failure = null;
    try (NightshiftNode bad =
        NightshiftNode.start(
            NightshiftNode.on(
                PostgresFixture.newDatabase(),
                "nightshift.audit.trusted-proxies",
                List.of("proxy.internal")))) {
      bad.get("/health");
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).isNotNull();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertThat(messages.toString()).contains("nightshift.audit.trusted-proxies", "proxy.internal");
  }

  // ---- 3. waits ----

  @Test
  void past_the_caps_a_wait_gets_429_with_retry_after_and_creates_nothing() throws Exception {
    String run = startedRun(node);
    NightshiftNode first = node.as(token(node, "waiter-one", "viewer"));
    NightshiftNode second = node.as(token(node, "waiter-two", "viewer"));
    NightshiftNode third = node.as(token(node, "waiter-three", "operator"));
    WaitLimiter limiter = node.context().getBean(WaitLimiter.class);
    List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waits.add(waitAsync(first, "/api/v1/runs/" + run + "?wait=60s"));
    }
    awaitTrue(() -> limiter.waiting() == 5, "5 waits held");
    assertTooMany(first.get("/api/v1/runs/" + run + "?wait=60s"));
    for (int i = 0; i < 5; i++) {
      waits.add(waitAsync(second, "/api/v1/runs/" + run + "?wait=60s"));
    }
    awaitTrue(() -> limiter.waiting() == 10, "10 waits held");
    assertTooMany(third.get("/api/v1/runs/" + run + "?wait=60s"));
    // A run asked for with a wait past the cap is not created: the same request, with the same
    // Idempotency-Key, can be sent again.
    int runsBefore = history(node, "slow").size();
    HttpResponse<String> refused =
        third.send(
            third
                .request(TEAM + "slow/runs?wait=30s")
                .header("Idempotency-Key", "retry-me")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertTooMany(refused);
    assertThat(history(node, "slow")).hasSize(runsBefore);
    // Without a wait nothing is capped.
    assertThat(third.get("/api/v1/runs/" + run).statusCode()).isEqualTo(200);

    assertThat(node.post("/api/v1/runs/" + run + "/cancel").statusCode()).isEqualTo(202);
    for (CompletableFuture<HttpResponse<String>> wait : waits) {
      HttpResponse<String> answer = wait.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(Json.parse(answer.body()).get("status").asText()).isEqualTo("Cancelled");
    }
    awaitTrue(() -> limiter.waiting() == 0, "every wait given back");
    HttpResponse<String> again =
        third.send(
            third
                .request(TEAM + "slow/runs?wait=1ms")
                .header("Idempotency-Key", "retry-me")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(history(node, "slow")).hasSize(runsBefore + 1);
    node.post(again.headers().firstValue("Location").orElseThrow() + "/cancel");
  }

  @Test
  void at_the_defaults_the_101st_concurrent_wait_gets_429() throws Exception {
    try (NightshiftNode defaults =
        NightshiftNode.start(NightshiftNode.quick(PostgresFixture.newDatabase()))) {
      WaitConfig config = defaults.context().getBean(WaitConfig.class);
      assertThat(config.maxWaits()).isEqualTo(100);
      assertThat(config.maxWaitsPerCaller()).isEqualTo(20);
      assertThat(defaults.put(TEAM + "slow", "application/yaml", SLOW).statusCode()).isEqualTo(201);
      String run = startedRun(defaults);
      WaitLimiter limiter = defaults.context().getBean(WaitLimiter.class);
      List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
      NightshiftNode last = null;
      for (int t = 0; t < 5; t++) {
        last = defaults.as(token(defaults, "many-" + t, "viewer"));
        for (int i = 0; i < 20; i++) {
          waits.add(waitAsync(last, "/api/v1/runs/" + run + "?wait=60s"));
        }
      }
      awaitTrue(() -> limiter.waiting() == 100, "100 waits held");
      assertTooMany(last.get("/api/v1/runs/" + run + "?wait=60s"));
      assertTooMany(defaults.get("/api/v1/runs/" + run + "?wait=60s"));
      assertThat(defaults.post("/api/v1/runs/" + run + "/cancel").statusCode()).isEqualTo(202);
      for (CompletableFuture<HttpResponse<String>> wait : waits) {
        assertThat(wait.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }

  // ---- 4. dates ----

  @Test
  void instants_outside_the_years_1970_to_9999_are_refused_naming_the_field() throws Exception {
    List<String> tokensBefore = tokenNames();
    int runsBefore = history(node, "nightly").size();
    for (String from :
        List.of(
            "%2B999999999-01-01T00:00:00Z",
            "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "%2B10000-01-01T00:00:00Z")) {
      HttpResponse<String> preview = node.get(TEAM + "nightly/schedule?from=" + from);
      assertProblem(preview, 400, "?from");
    }
    assertThat(node.get(TEAM + "nightly/schedule?from=9999-12-30T00:00:00Z").statusCode())
        .isEqualTo(200);
    assertThat(node.get(TEAM + "nightly/schedule?from=1970-01-01T00:00:00Z").statusCode())
        .isEqualTo(200);

    HttpResponse<String> backfill =
        postJson(
            node,
            TEAM + "nightly/backfill",
            "{\"from\": \"-999999999-01-01T00:00:00Z\", \"to\": \"+999999999-12-31T23:59:59Z\"}");
    assertProblem(backfill, 400, "/from", "/to");
    backfill =
        postJson(
            node,
            TEAM + "nightly/backfill",
            "{\"from\": \"9999-12-31T00:00:00Z\", \"to\": \"9999-12-31T23:59:59Z\"}");
    assertThat(backfill.statusCode()).as(backfill.body()).isLessThan(500);

    HttpResponse<String> token =
        postJson(
            node,
            "/api/v1/tokens",
            "{\"name\": \"far-future\", \"role\": \"viewer\","
                + " \"expiresAt\": \"+999999999-01-01T00:00:00Z\"}");
    assertProblem(token, 400, "/expiresAt");
    assertThat(tokenNames()).isEqualTo(tokensBefore);
    assertThat(history(node, "nightly").size()).isLessThanOrEqualTo(runsBefore + 1);
  }

  // ---- 5. environment variables ----

  @Test
  void parameters_and_env_that_set_loader_or_shell_variables_are_refused_at_each_path()
      throws Exception {
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          parameters: {ldPreload: /tmp/x.so, path: /tmp, bashEnv: /tmp/rc, ifs: "x", dyldInsertLibraries: a, region: eu}
          steps:
            - name: short
              image: busybox:1.36
              command: ["true"]
              env:
                - {name: LD_AUDIT, value: /tmp/a.so}
                - {name: BASH_FUNC_ls, value: "() { id; }"}
                - {name: PS4, value: "$(id)"}
                - {name: PROMPT_COMMAND, value: id}
                - {name: NIGHTSHIFT_RUN_ID, value: forged}
                - {name: GREETING, value: hello}
            - name: template
              jobTemplate:
                template:
                  spec:
                    containers:
                      - name: main
                        image: busybox:1.36
                        env:
                          - {name: LD_PRELOAD, value: /tmp/x.so}
                          - {name: SHELLOPTS, value: xtrace}
                          - {name: GREETING, value: hello}
        """;
    HttpResponse<String> refused = node.put(TEAM + "loader", "application/yaml", definition);
    assertProblem(
        refused,
        422,
        "/spec/parameters/ldPreload",
        "/spec/parameters/path",
        "/spec/parameters/bashEnv",
        "/spec/parameters/ifs",
        "/spec/parameters/dyldInsertLibraries",
        "/spec/steps/0/env/0/name",
        "/spec/steps/0/env/1/name",
        "/spec/steps/0/env/2/name",
        "/spec/steps/0/env/3/name",
        "/spec/steps/0/env/4/name",
        "/spec/steps/1/jobTemplate/template/spec/containers/0/env/0/name",
        "/spec/steps/1/jobTemplate/template/spec/containers/0/env/1/name");
    JsonNode violations = Json.parse(refused.body()).get("violations");
    assertThat(violations).hasSize(12);
    assertThat(refused.body()).contains("LD_PRELOAD", "BASH_ENV").doesNotContain("region");
    assertThat(node.get(TEAM + "loader").statusCode()).isEqualTo(404);

    // A workflow stored before the rule: its run may not set such a parameter either.
    assertThat(node.put(TEAM + "legacy", "application/yaml", NIGHTLY).statusCode()).isEqualTo(201);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE workflows SET definition = CAST(replace(definition::text, 'retentionDays',"
              + " 'ldPreload') AS json) WHERE namespace = 'team' AND name = 'legacy'");
    }
    int runsBefore = history(node, "legacy").size();
    HttpResponse<String> run =
        postJson(node, TEAM + "legacy/runs", "{\"parameters\": {\"ldPreload\": \"/tmp/x.so\"}}");
    assertProblem(run, 422, "/parameters/ldPreload");
    assertThat(run.body()).contains("LD_PRELOAD");
    assertThat(history(node, "legacy")).hasSize(runsBefore);
  }

  // ---- 6. error bodies ----

  @Test
  void a_body_of_the_wrong_shape_is_answered_in_json_pointers_never_java_class_names() {
    Map<String, List<String>> cases =
        Map.of(
            TEAM + "nightly/runs|{\"parameters\": \"x\"}",
            List.of("/parameters", "expected an object of strings"),
            TEAM + "nightly/runs|{\"parameters\": {\"retentionDays\": {\"a\": 1}}}",
            List.of("/parameters/retentionDays", "expected a string"),
            TEAM + "nightly/runs|{\"parameters\": {\"retentionDays\": ",
            List.of("not valid JSON"),
            TEAM + "nightly/runs|[1, 2",
            List.of("expected an object"),
            TEAM + "nightly/backfill|{\"from\": [], \"to\": \"2026-01-01T00:00:00Z\"}",
            List.of("/from", "expected a string"),
            // a single value stands for a list of one (Jackson's ACCEPT_SINGLE_VALUE_AS_ARRAY)
            "/api/v1/tokens|{\"name\": \"x\", \"role\": \"viewer\", \"namespaces\": {}}",
            List.of("/namespaces/0", "expected a string"),
            "/api/v1/tokens|{\"name\": {}, \"role\": \"viewer\"}",
            List.of("/name", "expected a string"),
            "/api/v1/tokens|{\"name\": \"x\", \"role\": \"viewer\", \"namespaces\": [[]]}",
            List.of("/namespaces/0", "expected a string"));
    List<String> tokensBefore = tokenNames();
    int runsBefore = history(node, "nightly").size();
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      String[] request = c.getKey().split("\\|", 2);
      HttpResponse<String> answer = postJson(node, request[0], request[1]);
      assertThat(answer.statusCode()).as(c.getKey() + " " + answer.body()).isEqualTo(400);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
      assertThat(answer.body()).as(c.getKey()).contains(c.getValue());
      assertThat(JAVA_NAME.matcher(answer.body()).find()).as(answer.body()).isFalse();
    }
    assertThat(tokenNames()).isEqualTo(tokensBefore);
    assertThat(history(node, "nightly")).hasSize(runsBefore);
  }

  // ---- 7. slow clients ----

  @Test
  void a_client_sending_a_byte_a_second_is_cut_at_the_read_timeout() throws Exception {
    int port = node.context().getBean(io.micronaut.runtime.server.EmbeddedServer.class).getPort();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes());
      out.flush();
      boolean closed = false;
      for (int i = 0; i < 10 && !closed; i++) {
        try {
          out.write('a');
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!closed && System.nanoTime() < until) {
          try {
            closed = in.read() < 0;
          } catch (SocketTimeoutException e) {
            // still open
          } catch (IOException e) {
            closed = true;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(closed).as("closed by the server").isTrue();
      assertThat(seconds).as("seconds until closed").isBetween(1.5, 4.5);
    }
    // An idle connection that sends nothing is closed too.
    try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), port)) {
      idle.setSoTimeout(6000);
      long start = System.nanoTime();
      assertThat(idle.getInputStream().read()).isEqualTo(-1);
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(4.5);
    }
  }

  @Test
  void a_wait_longer_than_the_read_and_idle_timeouts_is_answered() throws Exception {
    String run = startedRun(node);
    try {
      long start = System.nanoTime();
      HttpResponse<String> waited = node.get("/api/v1/runs/" + run + "?wait=5s");
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
      assertThat(Json.parse(waited.body()).get("status").asText()).isEqualTo("Running");
      assertThat(seconds).isGreaterThanOrEqualTo(4.9);
    } finally {
      node.post("/api/v1/runs/" + run + "/cancel");
    }
  }

  // ---- helpers ----

  /** A run of team/slow, once its step runs. */
  private static String startedRun(NightshiftNode on) {
    HttpResponse<String> created = on.post(TEAM + "slow/runs");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.parse(created.body()).get("id").asText();
    on.awaitRun(id, run -> run.get("status").asText().equals("Running"));
    return id;
  }

  private static String token(NightshiftNode on, String name, String role) {
    HttpResponse<String> created =
        postJson(on, "/api/v1/tokens", Definitions.json(Map.of("name", name, "role", role)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  private static List<String> tokenNames() {
    List<String> names = new ArrayList<>();
    Json.parse(node.get("/api/v1/tokens").body())
        .get("items")
        .forEach(token -> names.add(token.get("name").asText()));
    return names;
  }

  private static List<JsonNode> history(NightshiftNode on, String workflow) {
    List<JsonNode> runs = new ArrayList<>();
    Json.parse(on.get(TEAM + workflow + "/runs?limit=200").body()).get("items").forEach(runs::add);
    return runs;
  }

  private static CompletableFuture<HttpResponse<String>> waitAsync(NightshiftNode as, String path) {
    return HTTP.sendAsync(
        as.request(path).timeout(Duration.ofSeconds(90)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postJson(NightshiftNode on, String path, String json) {
    return on.send(
        on.request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static void assertTooMany(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(Json.parse(response.body()).get("type").asText()).endsWith("too-many-waits");
  }

  private static void assertProblem(HttpResponse<String> response, int status, String... paths) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(response.body());
    List<String> named = new ArrayList<>();
    if (problem.has("violations")) {
      problem.get("violations").forEach(v -> named.add(v.get("path").asText()));
    }
    assertThat(named).as(response.body()).contains(paths);
    assertThat(JAVA_NAME.matcher(response.body()).find()).as(response.body()).isFalse();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private static boolean isLoopback(String address) {
    try {
      return ClientAddresses.literal(address).map(InetAddress::isLoopbackAddress).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Sends one request byte for byte, with {@code headers} (CRLF-separated lines) added, as the
   * bootstrap admin, and returns the whole answer.
   */
  private static String raw(int port, String method, String path, String headers) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      String request =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
              + NightshiftNode.ADMIN_TOKEN
              + "\r\n"
              + headers
              + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(answer);
      return answer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

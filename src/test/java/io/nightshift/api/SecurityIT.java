package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.LogCapture;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what through /api/v1: bearer tokens stored hashed, roles, namespace scopes answered
 * with 404, OIDC JWTs, the bootstrap admin token, the audit trail, and secrets kept out of logs,
 * responses and metrics.
 */
class SecurityIT {

  private static final String ISSUER = "https://idp.example.test/realms/platform";
  private static final String AUDIENCE = "nightshift";
  private static final String TEAM_A = "/api/v1/namespaces/team-a/workflows/";
  private static final String TEAM_B = "/api/v1/namespaces/team-b/workflows/";

  private static final String WORKFLOW =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        schedule: "0 3 * * *"
        steps:
          - {name: only, image: busybox:1.36, command: ["true"]}
      """;

  @TempDir static Path dataDir;

  private static PostgresFixture.Database database;
  private static LogCapture logs;
  private static RSAKey signingKey;
  private static HttpServer jwks;
  private static NightshiftNode admin;
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture();
    signingKey = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] keys = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext(
        "/certs",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, keys.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(keys);
          }
        });
    jwks.start();
    database = PostgresFixture.newDatabase();
    secrets.add(NightshiftNode.ADMIN_TOKEN);
    admin =
        NightshiftNode.start(
            NightshiftNode.quick(
                database,
                "nightshift.data-dir",
                dataDir.toString(),
                "nightshift.oidc.issuer",
                ISSUER,
                "nightshift.oidc.jwks-url",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs",
                "nightshift.oidc.audience",
                AUDIENCE,
                // Scoped admins define workflows below; the local executor refuses them unless
                // allowed (LocalExecutorIsolationIT).
                "nightshift.executor.local.allow-scoped-admins",
                "true"));
    for (String path : List.of(TEAM_A + "backup", TEAM_A + "report", TEAM_B + "payroll")) {
      assertThat(admin.put(path, "application/yaml", WORKFLOW).statusCode()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    admin.close();
    jwks.stop(0);
    try {
      // Nothing secret was ever logged, whatever the tests did.
      for (String secret : secrets) {
        assertThat(logs.containing(secret)).as("log lines holding a secret").isEmpty();
      }
    } finally {
      logs.close();
    }
  }

  /** Creates a token as the bootstrap admin and returns its value. */
  private static String token(String name, String role, String... namespaces) {
    String body =
        Definitions.json(Map.of("name", name, "role", role, "namespaces", List.of(namespaces)));
    HttpResponse<String> created = post(admin, "/api/v1/tokens", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String value = Json.parse(created.body()).get("token").asText();
    secrets.add(value);
    return value;
  }

  private static HttpResponse<String> post(NightshiftNode node, String path, String json) {
    return node.send(
        node.request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String jwt(JWTClaimsSet.Builder claims, RSAKey key) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static JWTClaimsSet.Builder claims(String subject) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private static int errorLines() {
    return (int) logs.lines().stream().filter(line -> line.startsWith("ERROR")).count();
  }

  private static void assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    assertThat(Json.parse(response.body()).get("status").asInt()).isEqualTo(status);
  }

  @Test
  void without_a_valid_token_the_api_and_the_metrics_answer_401_and_health_stays_open() {
    NightshiftNode anonymous = admin.as(null);
    for (String path :
        List.of("/api/v1/workflows", TEAM_A + "backup", "/api/v1/cluster", "/api/v1/audit")) {
      HttpResponse<String> response = anonymous.get(path);
      assertProblem(response, 401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
      assertThat(Json.parse(response.body()).get("detail").asText())
          .contains("Authorization: Bearer");
    }
    assertProblem(anonymous.put(TEAM_A + "sneaky", "application/yaml", WORKFLOW), 401);
    assertProblem(anonymous.post(TEAM_A + "backup/runs"), 401);

    HttpResponse<String> unknown =
        admin.as("nsk_not-a-token-anyone-was-given").get(TEAM_A + "backup");
    assertProblem(unknown, 401);
    assertThat(Json.parse(unknown.body()).get("detail").asText()).contains("not valid");
    assertProblem(admin.as("a.b.c").get("/api/v1/workflows"), 401);

    assertThat(anonymous.get("/health/readiness").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/health/liveness").statusCode()).isEqualTo(200);
    // The scrape names every namespace's workflows: a metrics token or an unscoped admin only.
    HttpResponse<String> scrape = anonymous.get("/prometheus");
    assertProblem(scrape, 401);
    assertThat(scrape.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    assertThat(scrape.body()).doesNotContain("payroll", "backup");
    // No other management endpoint is served to anyone.
    for (String path :
        List.of("/env", "/beans", "/loggers", "/routes", "/info", "/threaddump", "/refresh")) {
      assertThat(anonymous.get(path).statusCode()).as(path).isIn(401, 404);
      assertThat(admin.get(path).statusCode()).as(path).isIn(403, 404);
    }
    assertThat(admin.get(TEAM_A + "sneaky").statusCode()).isEqualTo(404);
  }

  @Test
  void a_viewer_reads_an_operator_runs_and_only_an_admin_defines() {
    NightshiftNode viewer = admin.as(token("roles-viewer", "viewer"));
    NightshiftNode operator = admin.as(token("roles-operator", "operator"));

    assertThat(viewer.get(TEAM_A + "backup").statusCode()).isEqualTo(200);
    assertThat(viewer.get("/api/v1/workflows").statusCode()).isEqualTo(200);
    assertThat(viewer.get("/api/v1/cluster").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = viewer.post(TEAM_A + "backup/runs");
    assertProblem(refused, 403);
    assertThat(Json.parse(refused.body()).get("detail").asText())
        .contains("token:roles-viewer", "viewer");
    assertProblem(viewer.post(TEAM_A + "backup/suspend"), 403);
    assertProblem(viewer.put(TEAM_A + "backup", "application/yaml", WORKFLOW), 403);

    HttpResponse<String> run = operator.post(TEAM_A + "backup/runs?wait=20s");
    assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
    String runId = Json.parse(run.body()).get("id").asText();
    assertThat(viewer.get("/api/v1/runs/" + runId).statusCode()).isEqualTo(200);
    assertProblem(viewer.post("/api/v1/runs/" + runId + "/retry"), 403);
    assertThat(operator.post(TEAM_A + "report/suspend").statusCode()).isEqualTo(200);
    assertThat(operator.post(TEAM_A + "report/resume").statusCode()).isEqualTo(200);
    assertProblem(operator.put(TEAM_A + "backup", "application/yaml", WORKFLOW), 403);
    assertProblem(operator.delete(TEAM_A + "backup"), 403);
    assertProblem(operator.get("/api/v1/tokens"), 403);
    assertProblem(operator.get("/api/v1/audit"), 403);
    assertThat(admin.get(TEAM_A + "backup").statusCode()).isEqualTo(200);
  }

  @Test
  void a_scoped_token_sees_nothing_outside_its_namespaces_not_even_that_it_exists() {
    NightshiftNode teamA = admin.as(token("team-a-operator", "operator", "team-a"));
    NightshiftNode teamAdmin = admin.as(token("team-a-admin", "admin", "team-a"));
    HttpResponse<String> otherRun = admin.post(TEAM_B + "payroll/runs");
    assertThat(otherRun.statusCode()).isEqualTo(201);
    String otherRunId = Json.parse(otherRun.body()).get("id").asText();

    JsonNode listed = Json.parse(teamA.get("/api/v1/workflows").body());
    assertThat(listed.get("items").findValuesAsText("namespace")).containsOnly("team-a");
    assertThat(Json.parse(teamA.get("/api/v1/workflows?namespace=team-b").body()).get("items"))
        .isEmpty();
    assertThat(Json.parse(teamA.get("/api/v1/namespaces/team-b/workflows").body()).get("items"))
        .isEmpty();

    // What it may not see reads exactly like what does not exist.
    HttpResponse<String> hidden = teamA.get(TEAM_B + "payroll");
    HttpResponse<String> missing = teamA.get(TEAM_A + "never-defined");
    assertProblem(hidden, 404);
    assertThat(Json.parse(hidden.body()).get("type"))
        .isEqualTo(Json.parse(missing.body()).get("type"));
    assertThat(admin.get(TEAM_B + "no-such").body().replace("no-such", "payroll"))
        .isEqualTo(hidden.body());
    HttpResponse<String> hiddenRun = teamA.get("/api/v1/runs/" + otherRunId);
    assertProblem(hiddenRun, 404);
    assertThat(hiddenRun.body())
        .isEqualTo(admin.get("/api/v1/runs/no-such-run").body().replace("no-such-run", otherRunId));
    for (HttpResponse<String> response :
        List.of(
            teamA.post(TEAM_B + "payroll/runs"),
            teamA.post(TEAM_B + "payroll/suspend"),
            teamA.get(TEAM_B + "payroll/runs"),
            teamA.get(TEAM_B + "payroll/schedule"),
            teamA.post("/api/v1/runs/" + otherRunId + "/cancel"),
            teamA.get("/api/v1/runs/" + otherRunId + "/steps/only/logs"),
            teamAdmin.put(TEAM_B + "payroll", "application/yaml", WORKFLOW),
            teamAdmin.put(TEAM_B + "planted", "application/yaml", WORKFLOW),
            teamAdmin.delete(TEAM_B + "payroll"))) {
      assertProblem(response, 404);
    }
    assertThat(admin.get(TEAM_B + "planted").statusCode()).isEqualTo(404);
    assertThat(admin.get(TEAM_B + "payroll").statusCode()).isEqualTo(200);
    assertThat(Json.parse(admin.get(TEAM_B + "payroll").body()).at("/spec/suspend").asBoolean())
        .isFalse();

    // Inside its namespace it works as its role allows.
    assertThat(teamA.post(TEAM_A + "backup/runs").statusCode()).isEqualTo(201);
    assertThat(
            teamAdmin.put(TEAM_A + "scoped-admin-made", "application/yaml", WORKFLOW).statusCode())
        .isEqualTo(201);
    // A scoped admin cannot mint a token that reaches further than itself, nor read the audit.
    assertProblem(
        post(teamAdmin, "/api/v1/tokens", "{\"name\":\"escape\",\"role\":\"admin\"}"), 403);
    assertProblem(teamAdmin.get("/api/v1/audit"), 403);
  }

  @Test
  void tokens_are_shown_once_stored_only_as_hashes_and_revoked_at_once() throws Exception {
    String value = token("short-lived", "viewer");
    assertThat(value).startsWith("nsk_").hasSizeGreaterThan(40);
    NightshiftNode holder = admin.as(value);
    assertThat(holder.get("/api/v1/workflows").statusCode()).isEqualTo(200);

    HttpResponse<String> listed = admin.get("/api/v1/tokens");
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode entry = null;
    for (JsonNode token : Json.parse(listed.body()).get("items")) {
      if (token.get("name").asText().equals("short-lived")) {
        entry = token;
      }
    }
    assertThat(entry).isNotNull();
    assertThat(entry.get("role").asText()).isEqualTo("viewer");
    assertThat(entry.get("createdBy").asText()).isEqualTo("token:bootstrap-admin");
    assertThat(entry.has("token")).isFalse();
    assertThat(listed.body()).doesNotContain(value);
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM api_tokens")) {
      while (rows.next()) {
        for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
          assertThat(String.valueOf(rows.getObject(column)))
              .doesNotContain(value)
              .doesNotContain(NightshiftNode.ADMIN_TOKEN);
        }
      }
    }

    assertProblem(
        post(admin, "/api/v1/tokens", "{\"name\":\"short-lived\",\"role\":\"viewer\"}"), 409);
    HttpResponse<String> invalid =
        post(
            admin,
            "/api/v1/tokens",
            "{\"name\":\"Bad_Name\",\"role\":\"root\",\"namespaces\":[\"A\"]}");
    assertProblem(invalid, 400);
    assertThat(Json.parse(invalid.body()).get("violations").findValuesAsText("path"))
        .containsExactly("/name", "/role", "/namespaces/0");

    assertThat(admin.delete("/api/v1/tokens/short-lived").statusCode()).isEqualTo(204);
    assertProblem(holder.get("/api/v1/workflows"), 401);
    assertProblem(admin.delete("/api/v1/tokens/short-lived"), 404);
  }

  @Test
  void a_token_stops_working_when_it_expires_and_tells_when_it_was_last_used() {
    // A database of its own: moving this node's clock hours ahead must not move the lease of the
    // others.
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.on(
                PostgresFixture.newDatabase(),
                "nightshift.data-dir",
                dataDir.resolve("expiring").toString()))) {
      Instant now = node.clock().instant();
      Instant expiresAt = now.plus(Duration.ofHours(1));
      HttpResponse<String> created =
          post(
              node,
              "/api/v1/tokens",
              Definitions.json(
                  Map.of("name", "expiring", "role", "viewer", "expiresAt", expiresAt.toString())));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String value = Json.parse(created.body()).get("token").asText();
      secrets.add(value);
      assertThat(Json.parse(created.body()).get("expiresAt").asText())
          .isEqualTo(expiresAt.toString());

      assertThat(node.as(value).get("/api/v1/workflows").statusCode()).isEqualTo(200);
      JsonNode listed = Json.parse(node.get("/api/v1/tokens").body()).get("items");
      JsonNode expiring = null;
      for (JsonNode token : listed) {
        if (token.get("name").asText().equals("expiring")) {
          expiring = token;
        }
      }
      assertThat(expiring).isNotNull();
      assertThat(Instant.parse(expiring.get("lastUsedAt").asText())).isEqualTo(now);

      node.clock().tick(Duration.ofMinutes(59));
      assertThat(node.as(value).get("/api/v1/workflows").statusCode()).isEqualTo(200);
      node.clock().tick(Duration.ofMinutes(2));
      assertProblem(node.as(value).get("/api/v1/workflows"), 401);

      HttpResponse<String> past =
          post(
              node,
              "/api/v1/tokens",
              "{\"name\":\"stillborn\",\"role\":\"viewer\",\"expiresAt\":\"" + now + "\"}");
      assertProblem(past, 400);
      assertThat(Json.parse(past.body()).get("violations").findValuesAsText("path"))
          .containsExactly("/expiresAt");
    }
  }

  @Test
  void oidc_tokens_carry_role_and_namespaces_in_claims_and_are_checked_against_the_jwks()
      throws Exception {
    NightshiftNode oncall =
        admin.as(
            jwt(
                claims("alice")
                    .claim("roles", List.of("offline_access", "operator"))
                    .claim("namespaces", List.of("team-a")),
                signingKey));
    HttpResponse<String> run = oncall.post(TEAM_A + "backup/runs");
    assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
    assertProblem(oncall.get(TEAM_B + "payroll"), 404);
    assertProblem(oncall.put(TEAM_A + "backup", "application/yaml", WORKFLOW), 403);

    NightshiftNode platform =
        admin.as(
            jwt(
                claims("bob").claim("roles", "viewer admin").claim("namespaces", List.of("*")),
                signingKey));
    assertThat(platform.get(TEAM_B + "payroll").statusCode()).isEqualTo(200);
    assertThat(platform.get("/api/v1/audit").statusCode()).isEqualTo(200);

    NightshiftNode noRole =
        admin.as(jwt(claims("carol").claim("roles", List.of("guest")), signingKey));
    assertProblem(noRole.get("/api/v1/workflows"), 403);

    RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
    assertProblem(
        admin.as(jwt(claims("mallory").claim("roles", "admin"), stranger)).get("/api/v1/workflows"),
        401);
    assertProblem(
        admin
            .as(
                jwt(
                    claims("mallory").issuer("https://evil.example.test").claim("roles", "admin"),
                    signingKey))
            .get("/api/v1/workflows"),
        401);
    assertProblem(
        admin
            .as(jwt(claims("mallory").audience("other-app").claim("roles", "admin"), signingKey))
            .get("/api/v1/workflows"),
        401);
    assertProblem(
        admin
            .as(
                jwt(
                    claims("alice")
                        .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                        .claim("roles", "admin"),
                    signingKey))
            .get("/api/v1/workflows"),
        401);
  }

  @Test
  void an_oidc_token_without_a_namespaces_claim_or_with_null_or_empty_sees_nothing()
      throws Exception {
    List<String> tokens =
        List.of(
            jwt(claims("dave").claim("roles", "admin"), signingKey),
            jwt(claims("erin").claim("roles", "admin").claim("namespaces", null), signingKey),
            jwt(claims("frank").claim("roles", "admin").claim("namespaces", List.of()), signingKey),
            jwt(claims("grace").claim("roles", "admin").claim("namespaces", ""), signingKey));
    for (String token : tokens) {
      NightshiftNode unscoped = admin.as(token);
      HttpResponse<String> all = unscoped.get("/api/v1/workflows");
      assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
      assertThat(Json.parse(all.body()).get("items")).isEmpty();
      assertThat(
              Json.parse(unscoped.get("/api/v1/namespaces/team-a/workflows").body()).get("items"))
          .isEmpty();
      assertProblem(unscoped.get(TEAM_A + "backup"), 404);
      assertProblem(unscoped.get(TEAM_B + "payroll"), 404);
      assertProblem(unscoped.post(TEAM_A + "backup/runs"), 404);
      assertProblem(unscoped.put(TEAM_A + "backup", "application/yaml", WORKFLOW), 404);
      assertProblem(unscoped.get("/api/v1/audit"), 403);
      assertProblem(unscoped.get("/api/v1/tokens"), 403);
    }
    NightshiftNode everywhere =
        admin.as(
            jwt(
                claims("heidi").claim("roles", "viewer").claim("namespaces", List.of("*")),
                signingKey));
    JsonNode items = Json.parse(everywhere.get("/api/v1/workflows").body()).get("items");
    List<String> seen = new ArrayList<>();
    items.forEach(item -> seen.add(item.at("/metadata/namespace").asText()));
    assertThat(seen).contains("team-a", "team-b");
    assertThat(everywhere.get(TEAM_B + "payroll").statusCode()).isEqualTo(200);
  }

  @Test
  void without_an_audience_configured_the_audience_of_an_oidc_token_is_not_checked()
      throws Exception {
    try (NightshiftNode noAudience =
        NightshiftNode.start(
            NightshiftNode.on(
                database,
                "nightshift.data-dir",
                dataDir.resolve("no-audience").toString(),
                "nightshift.oidc.issuer",
                ISSUER,
                "nightshift.oidc.jwks-url",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs"))) {
      for (JWTClaimsSet.Builder claims :
          List.of(
              claims("ivan").audience("other-app"),
              claims("ivan").audience((String) null),
              claims("ivan"))) {
        String token = jwt(claims.claim("roles", "viewer").claim("namespaces", "*"), signingKey);
        HttpResponse<String> seen = noAudience.as(token).get(TEAM_B + "payroll");
        assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
      }
      String stranger =
          jwt(
              claims("mallory").claim("roles", "admin").claim("namespaces", "*"),
              new RSAKeyGenerator(2048).keyID("idp-key-1").generate());
      assertProblem(noAudience.as(stranger).get("/api/v1/workflows"), 401);
    }
  }

  @Test
  void without_oidc_configured_a_signed_jwt_is_just_an_unknown_token() throws Exception {
    try (NightshiftNode plain =
        NightshiftNode.start(
            NightshiftNode.on(
                database, "nightshift.data-dir", dataDir.resolve("plain").toString()))) {
      String token = jwt(claims("alice").claim("roles", "admin"), signingKey);
      int errors = errorLines();
      assertProblem(plain.as(token).get("/api/v1/workflows"), 401);
      assertThat(errorLines()).as("ERROR lines logged for it").isEqualTo(errors);
      assertThat(plain.get("/api/v1/workflows").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void every_change_is_audited_with_who_what_and_from_where() {
    NightshiftNode operator = admin.as(token("audited-operator", "operator"));
    assertThat(admin.put(TEAM_A + "audited", "application/yaml", WORKFLOW).statusCode())
        .isEqualTo(201);
    HttpResponse<String> run = operator.post(TEAM_A + "audited/runs");
    assertThat(run.statusCode()).isEqualTo(201);
    String location = run.headers().firstValue("Location").orElseThrow();
    assertProblem(operator.delete(TEAM_A + "audited"), 403);
    assertThat(admin.delete(TEAM_A + "audited").statusCode()).isEqualTo(204);

    HttpResponse<String> audit = admin.get("/api/v1/audit?limit=200");
    assertThat(audit.statusCode()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    Json.parse(audit.body()).get("items").forEach(events::add);
    List<JsonNode> mine =
        events.stream()
            .filter(event -> event.get("target").asText().startsWith(TEAM_A + "audited"))
            .toList();
    // Newest first; the refused delete changed nothing and is not there.
    assertThat(mine)
        .extracting(event -> event.get("actor").asText() + " " + event.get("action").asText())
        .containsExactly(
            "token:bootstrap-admin workflow.delete",
            "token:audited-operator run.create",
            "token:bootstrap-admin workflow.apply");
    assertThat(mine.get(1).get("detail").asText()).isEqualTo(location);
    assertThat(mine.get(1).get("status").asInt()).isEqualTo(201);
    for (JsonNode event : mine) {
      assertThat(event.get("address").asText()).isEqualTo("127.0.0.1");
      assertThat(Instant.parse(event.get("at").asText())).isBefore(Instant.now().plusSeconds(1));
    }
    assertThat(events)
        .anySatisfy(
            event -> {
              assertThat(event.get("action").asText()).isEqualTo("token.create");
              assertThat(event.get("target").asText()).isEqualTo("/api/v1/tokens");
              assertThat(event.get("detail").asText()).isEqualTo("/api/v1/tokens/audited-operator");
            });
    assertThat(audit.body()).doesNotContain(secrets.toArray(String[]::new));
  }

  @Test
  void the_audit_says_when_a_change_was_asked_for_not_when_it_was_answered() throws Exception {
    String slow =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - {name: only, image: busybox:1.36, command: [sleep, "2"]}
        """;
    assertThat(admin.put(TEAM_A + "slow-audit", "application/yaml", slow).statusCode())
        .isEqualTo(201);
    Instant asked = admin.clock().instant();
    CompletableFuture<HttpResponse<String>> run =
        CompletableFuture.supplyAsync(() -> admin.post(TEAM_A + "slow-audit/runs?wait=30s"));
    // Once the run exists, the request has long arrived: only then does the clock move.
    for (int i = 0;
        i < 200 && Json.parse(admin.get(TEAM_A + "slow-audit/runs").body()).get("items").isEmpty();
        i++) {
      Thread.sleep(50);
    }
    admin.clock().tick(Duration.ofMinutes(5));
    assertThat(run.get(40, TimeUnit.SECONDS).statusCode()).isEqualTo(201);

    JsonNode event = null;
    for (JsonNode item : Json.parse(admin.get("/api/v1/audit?limit=50").body()).get("items")) {
      if (event == null && item.get("target").asText().equals(TEAM_A + "slow-audit/runs")) {
        event = item;
      }
    }
    assertThat(event).isNotNull();
    assertThat(Instant.parse(event.get("at").asText()))
        .isBetween(asked, asked.plus(Duration.ofMinutes(1)));
  }

  @Test
  void a_literal_value_on_a_secret_looking_env_var_is_stored_but_flagged() {
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          parameters: {dbPassword: hunter2, region: eu}
          steps:
            - name: dump
              image: postgres:16
              env:
                - {name: PGPASSWORD, value: hunter2}
                - {name: PGHOST, value: db}
                - name: API_TOKEN
                  valueFrom: {secretKeyRef: {name: api, key: token}}
            - name: load
              jobTemplate:
                template:
                  spec:
                    restartPolicy: Never
                    containers:
                      - name: load
                        image: etl:1
                        env: [{name: S3_SECRET_ACCESS_KEY, value: abc123}]
        """;
    HttpResponse<String> applied = admin.put(TEAM_A + "leaky", "application/yaml", definition);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(201);
    assertThat(applied.headers().allValues("Warning"))
        .hasSize(3)
        .allSatisfy(warning -> assertThat(warning).startsWith("299 - \"").contains("secretKeyRef"))
        .anySatisfy(warning -> assertThat(warning).contains("/spec/steps/0/env/0", "PGPASSWORD"))
        .anySatisfy(warning -> assertThat(warning).contains("/spec/parameters/dbPassword"))
        .anySatisfy(
            warning ->
                assertThat(warning)
                    .contains(
                        "/spec/steps/1/jobTemplate/template/spec/containers/0/env/0",
                        "S3_SECRET_ACCESS_KEY"));
    assertThat(
            admin
                .put(TEAM_A + "clean", "application/yaml", WORKFLOW)
                .headers()
                .allValues("Warning"))
        .isEmpty();
  }

  @Test
  void each_refused_request_is_logged_once_and_without_its_token() {
    String path = TEAM_A + "refused-" + System.nanoTime();
    assertProblem(admin.put(path, "application/yaml", "spec: [unclosed"), 400);
    assertThat(logs.containing(path))
        .hasSize(1)
        .allSatisfy(line -> assertThat(line).contains("400"));

    String wrong = "nsk_wrong-but-maybe-a-typo-of-a-real-one";
    secrets.add(wrong);
    String other = TEAM_A + "unauthorized-" + System.nanoTime();
    assertProblem(admin.as(wrong).get(other), 401);
    assertThat(logs.containing(other))
        .hasSize(1)
        .allSatisfy(line -> assertThat(line).contains("401"));
  }

  @Test
  void no_secret_reaches_the_metrics() {
    token("metrics-probe", "viewer");
    String metrics = admin.as(token("metrics-scraper", "metrics")).get("/prometheus").body();
    assertThat(metrics).isNotEmpty().doesNotContain(secrets.toArray(String[]::new));
  }

  @Test
  void the_embedded_default_writes_a_generated_admin_token_readable_by_its_user_only(
      @TempDir Path embeddedDir) throws Exception {
    Map<String, Object> embedded =
        Map.of(
            "nightshift.datasource.url",
            "",
            "nightshift.data-dir",
            embeddedDir.toString(),
            "nightshift.admin-token",
            "");
    Path file = embeddedDir.resolve("admin-token");
    String generated;
    try (NightshiftNode node = NightshiftNode.start(embedded)) {
      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      generated = Files.readString(file).strip();
      secrets.add(generated);
      assertThat(generated).startsWith("nsk_");
      assertThat(logs.containing(file.toAbsolutePath().toString())).hasSize(1);
      assertProblem(node.get("/api/v1/workflows"), 401);
      assertThat(node.as(generated).get("/api/v1/workflows").statusCode()).isEqualTo(200);
    }
    try (NightshiftNode again = NightshiftNode.start(embedded)) {
      assertThat(Files.readString(file).strip()).isEqualTo(generated);
      assertThat(again.as(generated).get("/api/v1/workflows").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_configured_admin_token_too_short_to_be_secret_stops_the_node() {
    assertThat(startFailure("letmein")).contains("NIGHTSHIFT_ADMIN_TOKEN", "32");
  }

  @Test
  void a_configured_admin_token_of_one_character_or_a_repeated_word_stops_the_node() {
    assertThat(startFailure("a".repeat(48)))
        .contains("NIGHTSHIFT_ADMIN_TOKEN", "single character", "openssl rand -hex 32");
    assertThat(startFailure("password1234".repeat(4)))
        .contains("NIGHTSHIFT_ADMIN_TOKEN", "128", "openssl rand -hex 32");
  }

  /** The message a node configured with {@code token} fails to start with; it never holds it. */
  private static String startFailure(String token) {
    Throwable failure = null;
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.on(PostgresFixture.newDatabase(), "nightshift.admin-token", token))) {
      node.get("/health");
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).as("a start with a weak admin token").isNotNull();
    Throwable cause = failure;
    while (cause.getCause() != null && !cause.getMessage().contains("NIGHTSHIFT_ADMIN_TOKEN")) {
      cause = cause.getCause();
    }
    assertThat(cause.getMessage()).doesNotContain(token);
    return cause.getMessage();
  }
}

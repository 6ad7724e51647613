package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} answers whatever its checks run into: a check that throws, hangs or finds its
 * dependency gone is {@code DOWN} with a reason, the answer is 503 and never 500, and only a caller
 * with a token sees the details.
 */
class HealthIT {

  /** A Java class named in a body, as {@code com.google.gson.JsonSyntaxException}. */
  private static final Pattern JAVA_CLASS =
      Pattern.compile("\\b(java|javax|com|org|io)\\.[a-z0-9_]+(\\.[A-Za-z0-9_$]+)+");

  @TempDir Path work;

  private static NightshiftNode nodeOn(FakeKubernetes kube) {
    return NightshiftNode.start(
        NightshiftNode.on(
            PostgresFixture.newDatabase(),
            "nightshift.health.timeout",
            "5s",
            "nightshift.kubernetes.api-url",
            kube.url(),
            "nightshift.kubernetes.namespaces",
            "data"));
  }

  /** The readiness answer to a caller with the admin token, checked to be a 503. */
  private static JsonNode downWithDetails(NightshiftNode node) {
    HttpResponse<String> readiness = node.get("/health/readiness");
    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
    assertThat(readiness.body()).doesNotContainPattern(JAVA_CLASS);
    JsonNode body = Json.parse(readiness.body());
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    return body.get("details");
  }

  private static void assertStatusOnly(HttpResponse<String> answer, int status, String health) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    JsonNode body = Json.parse(answer.body());
    assertThat(body.get("status").asText()).isEqualTo(health);
    assertThat(body.path("details").isMissingNode() || body.get("details").isNull())
        .as("an anonymous caller gets the status alone: " + body)
        .isTrue();
    assertThat(answer.body()).doesNotContain("jdbc", "kubernetes", "diskSpace", "PostgreSQL");
  }

  @Test
  void an_api_server_answering_garbage_is_kubernetes_down_and_readiness_answers_503() {
    try (FakeKubernetes kube = FakeKubernetes.start();
        NightshiftNode node = nodeOn(kube)) {
      kube.garble("GET", "/version/?", "<html>this is not a VersionInfo</html>", 1000);

      JsonNode kubernetes = downWithDetails(node).get("kubernetes");

      assertThat(kubernetes.get("status").asText()).isEqualTo("DOWN");
      assertThat(kubernetes.at("/details/apiServer").asText())
          .isEqualTo("its /version answer could not be read");
      assertStatusOnly(node.as(null).get("/health/readiness"), 503, "DOWN");
    }
  }

  @Test
  void an_api_server_that_never_answers_is_kubernetes_down_within_the_health_timeout() {
    try (FakeKubernetes kube = FakeKubernetes.start();
        NightshiftNode node = nodeOn(kube)) {
      kube.delay("GET", "/version/?", Duration.ofMinutes(2), 1000);

      JsonNode kubernetes = downWithDetails(node).get("kubernetes");

      assertThat(kubernetes.at("/details/reason").asText()).isEqualTo("no answer within 5000 ms");
      assertStatusOnly(node.as(null).get("/health/readiness"), 503, "DOWN");
    }
  }

  @Test
  void a_database_that_is_down_is_jdbc_down_and_readiness_answers_503() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(work).start();
    PostgresFixture.Database database =
        new PostgresFixture.Database(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.on(
                database,
                "nightshift.data-dir",
                work.resolve("node").toString(),
                "nightshift.executor",
                "local",
                "nightshift.datasource.connection-timeout",
                "2s"))) {
      assertStatusOnly(node.as(null).get("/health/readiness"), 200, "UP");

      postgres.close();

      assertStatusOnly(node.as(null).get("/health/readiness"), 503, "DOWN");
      assertStatusOnly(node.as(null).get("/health/liveness"), 200, "UP");
      // A token cannot be checked without the database: the answer says so, as a 503.
      HttpResponse<String> withToken = node.get("/health/readiness");
      assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(503);
      assertThat(withToken.headers().firstValue("Retry-After")).isPresent();
      assertThat(withToken.body()).doesNotContainPattern(JAVA_CLASS);
      HttpResponse<String> api = node.get("/api/v1/workflows");
      assertThat(api.statusCode()).as(api.body()).isEqualTo(503);
      assertThat(api.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
    } finally {
      postgres.close();
    }
  }

  @Test
  void details_are_shown_to_a_caller_with_a_token_and_never_to_an_anonymous_one() {
    try (FakeKubernetes kube = FakeKubernetes.start();
        NightshiftNode node = nodeOn(kube)) {
      assertStatusOnly(node.as(null).get("/health"), 200, "UP");
      assertStatusOnly(node.as(null).get("/health/readiness"), 200, "UP");
      assertStatusOnly(
          node.as("nsk_not-a-token-anyone-was-given-000000000000").get("/health/readiness"),
          200,
          "UP");

      HttpResponse<String> withToken = node.get("/health/readiness");
      assertThat(withToken.statusCode()).isEqualTo(200);
      JsonNode details = Json.parse(withToken.body()).get("details");
      assertThat(details.at("/jdbc/status").asText()).isEqualTo("UP");
      assertThat(details.at("/kubernetes/status").asText()).isEqualTo("UP");
    }
  }
}

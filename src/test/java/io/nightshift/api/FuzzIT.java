package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of 10,000 definitions and requests, mutated from valid ones (definitions, run
 * requests, query parameters, tokens to create, Authorization headers): none may get a 5xx, every
 * refusal is problem+json naming no Java class, no refused request changes what is stored, and no
 * mangled token gets in. The corpus is seeded, so a failure names the input that caused it and can
 * be replayed.
 */
class FuzzIT {

  private static final int CORPUS = 10_000;
  private static final long SEED = 20261123L;
  private static final String PATH = "/api/v1/namespaces/fuzz/workflows/stored";
  private static final String TOKENS = "/api/v1/tokens";

  private static final String VALID =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        schedule: "0 2 * * *"
        timeZone: Europe/Paris
        concurrencyPolicy: Forbid
        parameters: {retentionDays: "30"}
        steps:
          - name: backup
            image: postgres:17
            command: [sh, -c, 'pg_dump | gzip > /backups/db.gz']
            env:
              - {name: PGHOST, value: db}
            resources: {requests: {cpu: 100m, memory: 128Mi}}
          - name: cleanup
            dependsOn: [backup]
            image: busybox:1.36
            command: [sh, -c, 'find /backups -mtime +$RETENTION_DAYS -delete']
      """;

  /** Fragments a mutation puts where a value was: wrong types, extremes, traps. */
  private static final List<String> VALUES =
      List.of(
          "1e309",
          "-1",
          "99999999999999999999999999",
          "0x7fffffff",
          ".nan",
          "~",
          "null",
          "[]",
          "{}",
          "[[[[[[[[]]]]]]]]",
          "\"\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "'\u202e evil'",
          "!!python/object:os.system ls",
          "!!binary aGVsbG8=",
          "&a [1, *a]",
          "*nowhere",
          "\"" + "x".repeat(5000) + "\"",
          "true",
          "2026-13-45T99:99:99Z",
          "+999999999-01-01T00:00:00Z",
          "\"* * * * * *\"",
          "\"@every 1s\"",
          "\"../../etc/passwd\"",
          "{name: x, valueFrom: {secretKeyRef: {}}}",
          "[{name: \"\"}]",
          "\"Nope/Zone\"");

  private static final List<String> CONTENT_TYPES =
      List.of(
          "application/yaml",
          "application/json",
          "text/yaml",
          "application/x-yaml",
          "text/plain",
          "application/yaml; charset=latin1",
          "",
          "multipart/form-data; boundary=x");

  @Test
  void ten_thousand_generated_inputs_get_no_5xx_and_change_nothing_they_were_refused() {
    Random random = new Random(SEED);
    try (NightshiftNode node = NightshiftNode.start(PostgresFixture.newDatabase())) {
      assertThat(node.put(PATH, "application/yaml", VALID).statusCode()).isEqualTo(201);
      String stored = node.get(PATH).body();
      List<String> failures = new ArrayList<>();
      int refused = 0;
      String storedTokens = node.get(TOKENS).body();
      for (int i = 0; i < CORPUS && failures.size() < 10; i++) {
        Input input = request(node, random, i);
        HttpResponse<String> response = input.send().get();
        int status = response.statusCode();
        if (status >= 500) {
          failures.add("#" + i + " answered " + status + ": " + response.body());
          continue;
        }
        if (input.mustBeRefused() && status < 400) {
          failures.add("#" + i + " was let in with a mangled Authorization header: " + status);
        }
        if (status >= 400) {
          refused++;
          if (!response
              .headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("application/problem+json")) {
            failures.add("#" + i + " refused without problem+json: " + response.headers().map());
          }
          if (ApiHardeningIT.JAVA_NAME.matcher(response.body()).find()) {
            failures.add("#" + i + " names a Java class or exception: " + response.body());
          }
          String now = node.get(input.reference()).body();
          String before = input.reference().equals(TOKENS) ? storedTokens : stored;
          if (!now.equals(before)) {
            failures.add("#" + i + " was refused (" + status + ") but changed what is stored");
          }
        }
        // accepted, or wrongly changed: what is stored now is the reference
        if (input.reference().equals(TOKENS)) {
          storedTokens = node.get(TOKENS).body();
        } else if (status < 400) {
          stored = node.get(PATH).body();
        }
      }
      assertThat(failures).isEmpty();
      assertThat(refused).as("the corpus is mostly bad input").isGreaterThan(CORPUS / 2);
    }
  }

  /** One input: how to send it, and the resource a refusal of it must leave as it was. */
  record Input(Supplier<HttpResponse<String>> send, String reference, boolean mustBeRefused) {
    Input(Supplier<HttpResponse<String>> send, String reference) {
      this(send, reference, false);
    }
  }

  /**
   * Input number {@code i}: a mutated definition, a request with mutated parameters, a mutated
   * token to create, or a request with a mangled Authorization header.
   */
  private static Input request(NightshiftNode node, Random random, int i) {
    int kind = random.nextInt(12);
    if (kind < 6) {
      byte[] body = mutate(VALID, random);
      String type = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
      return new Input(() -> node.put(PATH, type.isEmpty() ? null : type, body), PATH);
    }
    if (kind == 10) {
      String json = tokenBody(random);
      return new Input(
          () ->
              node.send(
                  node.request(TOKENS)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(json))),
          TOKENS);
    }
    if (kind == 11) {
      String authorization = AUTHORIZATIONS.get(random.nextInt(AUTHORIZATIONS.size()));
      String junk = VALUES.get(random.nextInt(VALUES.size())).replaceAll("[^ -~]", "?");
      return new Input(
          () ->
              node.as(null)
                  .send(
                      node.as(null)
                          .request(PATH)
                          .header("Authorization", authorization.replace("$", junk))
                          .PUT(HttpRequest.BodyPublishers.ofString(VALID))),
          PATH,
          true);
    }
    if (kind < 8) {
      String json = jsonBody(random);
      String query = QUERIES.get(random.nextInt(QUERIES.size()));
      Supplier<HttpResponse<String>> send =
          () ->
              node.send(
                  node.request(PATH + "/runs" + query)
                      .header("Content-Type", "application/json")
                      .header(
                          "Idempotency-Key",
                          random.nextBoolean() ? "k" + i : "x".repeat(random.nextInt(400)))
                      .POST(HttpRequest.BodyPublishers.ofString(json)));
      return new Input(send, PATH);
    }
    String path =
        List.of(
                PATH + "/schedule?count=" + VALUES.get(random.nextInt(VALUES.size())),
                PATH + "/schedule?from=" + VALUES.get(random.nextInt(VALUES.size())),
                "/api/v1/workflows?limit=" + VALUES.get(random.nextInt(VALUES.size())),
                "/api/v1/workflows?cursor=" + VALUES.get(random.nextInt(VALUES.size())),
                "/api/v1/namespaces/fuzz/workflows/stored/runs?status=" + random.nextInt(),
                "/api/v1/runs/" + VALUES.get(random.nextInt(VALUES.size())) + "?wait=1ms",
                "/api/v1/namespaces/" + "A".repeat(random.nextInt(300)) + "/workflows/x")
            .get(random.nextInt(7));
    String encoded = encode(path);
    return new Input(() -> node.get(encoded), PATH);
  }

  /** Bearer tokens that are not tokens: {@code $} is replaced by a fragment of {@link #VALUES}. */
  private static final List<String> AUTHORIZATIONS =
      List.of(
          "Bearer $",
          "Bearer nsk_$",
          "Bearer $.$.$",
          "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZXMiOiJhZG1pbiJ9.",
          "Basic $",
          "$",
          "Bearer",
          "Bearer " + "A".repeat(4000),
          "bearer " + NightshiftNode.ADMIN_TOKEN + "$");

  /** A request to create a token, with one field replaced by a trap. */
  private static String tokenBody(Random random) {
    List<String> fields =
        new ArrayList<>(
            List.of(
                "\"name\": \"fuzz-token\"",
                "\"role\": \"viewer\"",
                "\"namespaces\": [\"fuzz\"]",
                "\"expiresAt\": \"2027-01-01T00:00:00Z\""));
    int at = random.nextInt(fields.size());
    String field = fields.get(at);
    fields.set(
        at, field.substring(0, field.indexOf(':') + 2) + VALUES.get(random.nextInt(VALUES.size())));
    if (random.nextInt(4) == 0) {
      fields.remove(random.nextInt(fields.size()));
    }
    return "{" + String.join(", ", fields) + "}";
  }

  private static final List<String> QUERIES =
      List.of("", "?wait=", "?wait=abc", "?wait=11m", "?wait=-1s", "?wait=1ms", "?x=1");

  private static String jsonBody(Random random) {
    return switch (random.nextInt(6)) {
      case 0 ->
          "{\"parameters\": {\"retentionDays\": "
              + VALUES.get(random.nextInt(VALUES.size()))
              + "}}";
      case 1 -> "{\"parameters\": {\"unknown\": \"1\"}}";
      case 2 -> "{\"parameters\": []}";
      case 3 -> "[1, 2";
      case 4 -> "{\"parameters\": {\"retentionDays\": \"7\"}, \"extra\": true}";
      default -> "\u0000\u0001";
    };
  }

  /** One to three mutations of the text: replace a value, cut, duplicate, indent or corrupt. */
  private static byte[] mutate(String text, Random random) {
    String mutated = text;
    int count = 1 + random.nextInt(3);
    for (int m = 0; m < count; m++) {
      List<String> lines = new ArrayList<>(List.of(mutated.split("\n", -1)));
      int at = random.nextInt(lines.size());
      String line = lines.get(at);
      switch (random.nextInt(8)) {
        case 0 -> {
          int colon = line.indexOf(": ");
          if (colon > 0) {
            lines.set(at, line.substring(0, colon + 2) + VALUES.get(random.nextInt(VALUES.size())));
          }
        }
        case 1 -> lines.remove(at);
        case 2 -> lines.add(at, line);
        case 3 -> lines.set(at, "  ".repeat(random.nextInt(4)) + line.strip());
        case 4 -> lines.set(at, line.substring(0, random.nextInt(line.length() + 1)));
        case 5 -> lines.add(at, "  unknownField" + random.nextInt(3) + ": 1");
        case 6 -> lines.set(at, line + " " + (char) (random.nextInt(0x2FF) + 1));
        default -> {
          // nesting far beyond the limit, or a flood of steps
          if (random.nextBoolean()) {
            lines.add(at, "x: " + "[".repeat(200) + "]".repeat(200));
          } else {
            StringBuilder steps = new StringBuilder();
            for (int s = 0; s < 300; s++) {
              steps.append("  - {name: s").append(s).append(", image: a}\n");
            }
            lines.add(lines.size() - 1, steps.toString());
          }
        }
      }
      mutated = String.join("\n", lines);
    }
    byte[] bytes = mutated.getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(10) == 0) {
      // not UTF-8: a lone continuation byte, an overlong encoding
      bytes[random.nextInt(bytes.length)] = (byte) (random.nextBoolean() ? 0x80 : 0xC0);
    }
    return bytes;
  }

  private static String encode(String path) {
    StringBuilder encoded = new StringBuilder();
    for (char c : path.toCharArray()) {
      if (c <= ' ' || c > '~' || "\"<>\\^`{|}#%[]".indexOf(c) >= 0) {
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          encoded.append('%').append(String.format("%02X", b & 0xff));
        }
      } else {
        encoded.append(c);
      }
    }
    return encoded.toString();
  }
}

package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.LogCapture;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that abuse the HTTP framing and headers, written byte by byte on a socket because a
 * well-behaved client refuses to send them. Each gets a 4xx, never a 5xx or a dropped connection,
 * and changes nothing.
 */
class HeaderAbuseIT {

  private static final String PATH = "/api/v1/namespaces/abuse/workflows/target";
  private static final String AUTH = "Authorization: Bearer " + NightshiftNode.ADMIN_TOKEN;
  private static final String WORKFLOW =
      "apiVersion: nightshift.io/v1\n"
          + "kind: Workflow\n"
          + "spec:\n"
          + "  steps:\n"
          + "    - {name: only, image: busybox:1.36, command: [\"true\"]}\n";

  private static NightshiftNode node;
  private static LogCapture logs;
  private static String stored;

  @BeforeAll
  static void start() {
    logs = new LogCapture();
    node = NightshiftNode.start(PostgresFixture.newDatabase());
    assertThat(node.put(PATH, "application/yaml", WORKFLOW).statusCode()).isEqualTo(201);
    stored = node.get(PATH).body();
  }

  @AfterAll
  static void stop() {
    try {
      assertThat(node.get(PATH).body()).as("the stored workflow").isEqualTo(stored);
      assertThat(logs.containing(NightshiftNode.ADMIN_TOKEN)).isEmpty();
    } finally {
      node.close();
      logs.close();
    }
  }

  record Abuse(String name, String request) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Abuse> abuses() {
    String put = "PUT " + PATH + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n";
    String body = WORKFLOW.replace("true", "false");
    String headers = "Content-Type: application/yaml\r\nContent-Length: " + body.length() + "\r\n";
    return List.of(
        new Abuse(
            "an Authorization header of 64 KiB",
            "GET "
                + PATH
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + "A".repeat(64 * 1024)
                + "\r\n\r\n"),
        new Abuse(
            "2,000 headers",
            "GET "
                + PATH
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\n"
                + "X-Filler: 1234567890\r\n".repeat(2000)
                + "\r\n"),
        new Abuse(
            "a request line of 64 KiB",
            "GET "
                + PATH
                + "?q="
                + "x".repeat(64 * 1024)
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\n\r\n"),
        new Abuse(
            "a header line without a colon",
            put + "Broken header line\r\n" + headers + "\r\n" + body),
        new Abuse(
            "a Content-Length that is not a number",
            put + "Content-Type: application/yaml\r\nContent-Length: lots\r\n\r\n" + body),
        new Abuse(
            "two different Content-Lengths", put + headers + "Content-Length: 3\r\n\r\n" + body),
        new Abuse(
            "a chunk size that is not hex",
            put
                + "Content-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                + body
                + "\r\n0\r\n\r\n"),
        new Abuse(
            "a NUL byte in the Idempotency-Key",
            "POST "
                + PATH
                + "/runs HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\nIdempotency-Key: a\u0000b\r\nContent-Length: 0\r\n\r\n"),
        new Abuse(
            "an Idempotency-Key of 4 KiB",
            "POST "
                + PATH
                + "/runs HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\nIdempotency-Key: "
                + "k".repeat(4096)
                + "\r\nContent-Length: 0\r\n\r\n"),
        new Abuse(
            "a Content-Type that does not parse",
            put + "Content-Type: ;;;/==\r\nContent-Length: " + body.length() + "\r\n\r\n" + body),
        new Abuse(
            "an Authorization scheme other than Bearer",
            "GET "
                + PATH
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n"),
        new Abuse(
            "two Authorization headers, the first one bad",
            "GET "
                + PATH
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nsk_bad\r\n"
                + AUTH
                + "\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("abuses")
  void is_refused_with_a_4xx(Abuse abuse) throws IOException {
    int before = logs.containing("Refused").size();
    int status = send(abuse.request());
    assertThat(status).as(abuse.name()).isBetween(400, 499);
    assertThat(logs.containing("Refused").size() - before)
        .as("log lines for " + abuse.name())
        .isEqualTo(1);
  }

  @Test
  void a_request_cannot_forge_log_lines() throws IOException {
    String marker = "forged-" + System.nanoTime();
    int status =
        send(
            "GET /api/v1/namespaces/abuse/workflows/x%0d%0a"
                + marker
                + "%20INFO%20all%20is%20well HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\n\r\n");
    assertThat(status).isBetween(400, 499);
    assertThat(logs.containing(marker))
        .hasSize(1)
        .allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
  }

  /** Writes the bytes as they are and returns the status of the answer. */
  private static int send(String request) throws IOException {
    URI uri = URI.create(node.context().getBean(EmbeddedServer.class).getURL().toString());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        // The server may answer and close before it has read everything: read what it said.
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.write(b);
      }
      String statusLine = line.toString(StandardCharsets.ISO_8859_1).strip();
      assertThat(statusLine).as("the answer's status line").matches("HTTP/1\\.[01] [0-9]{3}.*");
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }
}

package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step logs of any size and content are served without reading them whole: tails come from the end
 * of the file, an answer holds at most nightshift.logs.max-bytes, and bytes that are not UTF-8 are
 * replaced rather than failing the read.
 */
class LocalLogsIT {

  private static final int MAX_BYTES = 1024 * 1024;
  private static final String WORD = "x".repeat(39);

  @TempDir static Path dataDir;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(
            NightshiftNode.quickOnLocal(
                PostgresFixture.newDatabase(),
                dataDir,
                "nightshift.logs.max-bytes",
                Integer.toString(MAX_BYTES)));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String logsOf(String workflow, String script) {
    String path = "/api/v1/namespaces/logs/workflows/" + workflow;
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - name: only
              image: busybox:1.36
              command: [sh, -c, '%s']
        """
            .formatted(script);
    assertThat(node.put(path, "application/yaml", definition).statusCode()).isEqualTo(201);
    HttpResponse<String> created = node.post(path + "/runs");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.parse(created.body()).get("id").asText();
    JsonNode run =
        node.awaitRun(id, r -> r.get("finishedAt") != null && !r.get("finishedAt").isNull());
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Succeeded");
    return "/api/v1/runs/" + id + "/steps/only/logs";
  }

  @Test
  void a_100_mb_log_is_served_from_its_end_capped_at_max_bytes_and_marked_truncated()
      throws Exception {
    String logs = logsOf("huge", "yes " + WORD + " | head -c 100000000; echo; echo the-last-line");
    Path file =
        Files.list(dataDir.resolve("steps/logs"))
            .filter(p -> p.toString().endsWith(".log"))
            .findFirst()
            .orElseThrow();
    long size = Files.size(file);
    assertThat(size).isEqualTo(100_000_000L + 1 + "the-last-line\n".length());

    HttpResponse<String> tail = node.get(logs + "?tailLines=1");
    assertThat(tail.statusCode()).isEqualTo(200);
    assertThat(tail.body()).isEqualTo("the-last-line\n");
    assertThat(tail.headers().firstValue("Nightshift-Log-Truncated")).isEmpty();

    HttpResponse<String> three = node.get(logs + "?tailLines=3");
    assertThat(three.body())
        .isEqualTo(WORD + "\n" + "x".repeat(100_000_000 % 40) + "\nthe-last-line\n");

    for (String query : new String[] {"", "?tailLines=1000000"}) {
      HttpResponse<String> whole = node.get(logs + query);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
      byte[] body = whole.body().getBytes(StandardCharsets.UTF_8);
      assertThat(body.length).isLessThanOrEqualTo(MAX_BYTES).isGreaterThan(MAX_BYTES - 41);
      assertThat(whole.body()).startsWith(WORD + "\n").endsWith("the-last-line\n");
      assertThat(whole.headers().firstValue("Nightshift-Log-Truncated")).hasValue("true");
      assertThat(whole.headers().firstValue("Nightshift-Log-Bytes-Omitted"))
          .hasValue(Long.toString(size - body.length));
    }
  }

  @Test
  void a_log_with_bytes_that_are_not_utf_8_reads_back_with_replacement_characters() {
    String logs = logsOf("binary", "printf \"before \\377\\376 after\\n\"; echo ünïcode");

    HttpResponse<String> log = node.get(logs);

    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    assertThat(log.body()).isEqualTo("before \uFFFD\uFFFD after\nünïcode\n");
    assertThat(node.get(logs + "?tailLines=2").body())
        .isEqualTo("before \uFFFD\uFFFD after\nünïcode\n");
  }
}

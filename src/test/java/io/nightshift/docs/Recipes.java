package io.nightshift.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PackagedJar;
import io.nightshift.testsupport.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recipes of {@code docs/integrations.md}, read as a reader copies them: each fenced block
 * after a {@code <!-- recipe: NAME -->} line, by name. And the way an agent runs them: a shell with
 * {@code bin/nightshift} on its PATH and the connection in its environment.
 */
final class Recipes {

  static final Path PAGE = Path.of("docs/integrations.md");
  static final String NAMESPACE = "data";
  static final String WORKFLOW = "nightly-etl";

  private static final Pattern RECIPE =
      Pattern.compile("<!-- recipe: ([a-z0-9-]+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

  private Recipes() {}

  /** Every recipe of the page, by name, in page order. */
  static Map<String, String> all() {
    try {
      String page = Files.readString(PAGE);
      Map<String, String> recipes = new LinkedHashMap<>();
      Matcher matcher = RECIPE.matcher(page);
      while (matcher.find()) {
        assertThat(recipes.put(matcher.group(1), matcher.group(2)))
            .as("recipe %s appears once", matcher.group(1))
            .isNull();
      }
      return recipes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String recipe(String name) {
    String text = all().get(name);
    assertThat(text).as("recipe %s in %s", name, PAGE).isNotNull();
    return text;
  }

  /** A node on the local executor, its data in {@code dataDir}: where the recipes run. */
  static NightshiftNode localNode(Path dataDir) {
    return NightshiftNode.start(
        NightshiftNode.quickOnLocal(PostgresFixture.newDatabase(), dataDir));
  }

  /**
   * Defines {@code data/nightly-etl} on {@code node} as a two-step chain whose last step runs
   * {@code script}: an extract step that prints two lines, then the given load step.
   */
  static void define(NightshiftNode node, String script) {
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          schedule: "0 2 * * *"
          concurrencyPolicy: Forbid
          steps:
            - name: extract
              image: busybox:1.36
              command: [sh, -c, 'echo extracted 1; echo extracted 2']
            - name: load
              dependsOn: [extract]
              image: busybox:1.36
              command: [sh, -c, '%s']
        """
            .formatted(script);
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/" + NAMESPACE + "/workflows/" + WORKFLOW,
            "application/yaml",
            definition);
    assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
  }

  /** The run {@code id} as the API returns it. */
  static JsonNode run(NightshiftNode node, String id) {
    return Json.parse(node.get("/api/v1/runs/" + id).body());
  }

  /** What a finished command left: its exit code and its output. */
  record Outcome(int exitCode, String stdout, String stderr) {

    /** The last line of stdout, which the CLI makes its result line. */
    String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }

    /** The value of {@code key=} in the result line. */
    String result(String key) {
      Matcher matcher = Pattern.compile("\\b" + key + "=(\\S*)").matcher(lastLine());
      assertThat(matcher.find()).as("%s in %s", key, lastLine()).isTrue();
      return matcher.group(1);
    }
  }

  /** A shell command as the agent of a scheduler runs it, against {@code node}. */
  static final class Agent {
    private final NightshiftNode node;
    private final Path directory;
    private final Path work;
    private final Map<String, String> env = new LinkedHashMap<>();

    /** An agent whose commands run in {@code work}, which also keeps their output. */
    Agent(NightshiftNode node, Path work) {
      this(node, work, work);
    }

    /** An agent whose commands run in {@code directory}; {@code work} keeps their output. */
    Agent(NightshiftNode node, Path directory, Path work) {
      this.node = node;
      this.directory = directory;
      this.work = work;
    }

    Agent env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Starts {@code sh -c command}; the caller waits for it or signals it. */
    Process start(String command) {
      ProcessBuilder builder =
          new ProcessBuilder("sh", "-c", command).directory(directory.toFile());
      Map<String, String> environment = builder.environment();
      environment.keySet().removeIf(name -> name.startsWith("NIGHTSHIFT_"));
      environment.put(
          "PATH", Path.of("bin").toAbsolutePath() + ":" + System.getenv().getOrDefault("PATH", ""));
      environment.put("NIGHTSHIFT_JAR", PackagedJar.path().toString());
      environment.put(
          "NIGHTSHIFT_URL", node.context().getBean(EmbeddedServer.class).getURL().toString());
      environment.put("NIGHTSHIFT_TOKEN", NightshiftNode.ADMIN_TOKEN);
      environment.put("HOME", work.toString());
      environment.put("XDG_CACHE_HOME", work.resolve("cache").toString());
      environment.putAll(env);
      builder.redirectOutput(work.resolve("stdout").toFile());
      builder.redirectError(work.resolve("stderr").toFile());
      try {
        return builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Runs {@code command} to its end (at most two minutes) and returns what it left. */
    Outcome run(String command) {
      return await(start(command), Duration.ofMinutes(2));
    }

    Outcome await(Process process, Duration limit) {
      try {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("still running after " + limit + ": " + output("stderr"));
        }
        return new Outcome(process.exitValue(), output("stdout"), output("stderr"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private String output(String file) {
      try {
        return Files.readString(work.resolve(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The integers of an AutoSys code list such as {@code 1-4,10-255}. */
  static List<Integer> codes(String list) {
    List<Integer> codes = new ArrayList<>();
    for (String part : list.split(",")) {
      String[] range = part.strip().split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
      for (int code = from; code <= to; code++) {
        codes.add(code);
      }
    }
    return codes;
  }
}

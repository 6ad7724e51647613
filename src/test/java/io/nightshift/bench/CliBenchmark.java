package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PackagedJar;
import io.nightshift.testsupport.PostgresFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How long the {@code nightshift} command takes to start and answer, as an agent of another
 * scheduler runs it: {@code bin/nightshift} (with its class-data sharing archive once it exists)
 * over the packaged jar. Prints the median of 10 runs of {@code nightshift version --client} and of
 * {@code nightshift get run ID} against a local node, beside two peers measured in the same run:
 * the JVM alone ({@code java -version} with the same flags) and {@code curl} for the same GET.
 * Writes them to {@code benchmark.output} ({@code target/benchmark/cli.json}).
 *
 * <p>{@code ./mvnw -B -Pbenchmark-cli -DskipTests verify}
 */
public final class CliBenchmark {

  private static final int RUNS = 10;

  private CliBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path output = Path.of(System.getProperty("benchmark.output", "target/benchmark/cli.json"));
    Path work = Files.createTempDirectory("nightshift-cli-bench");
    ObjectNode results = JsonNodeFactory.instance.objectNode();
    results.put("machine_cores", Runtime.getRuntime().availableProcessors());
    results.put("runs", RUNS);
    try (NightshiftNode node =
        NightshiftNode.startOnSystemClock(
            NightshiftNode.on(
                PostgresFixture.newDatabase(),
                "nightshift.executor",
                "local",
                "nightshift.data-dir",
                work.resolve("data").toString()))) {
      String url = node.context().getBean(EmbeddedServer.class).getURL().toString();
      node.put(
          "/api/v1/namespaces/default/workflows/hello",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            steps:
              - name: hello
                image: busybox:1.36
                command: [echo, hello]
          """);
      String id = node.runNow("default", "hello");
      Map<String, String> env =
          Map.of(
              "NIGHTSHIFT_URL", url,
              "NIGHTSHIFT_TOKEN", NightshiftNode.ADMIN_TOKEN,
              "NIGHTSHIFT_JAR", PackagedJar.path().toString(),
              "XDG_CACHE_HOME", work.resolve("cache").toString(),
              "HOME", work.toString());
      String cli = Path.of("bin/nightshift").toAbsolutePath().toString();
      // The first run starts writing the class-data sharing archive in the background; the runs
      // measured are those of a user's every day, which map it.
      double[] first = time(env, List.of(cli, "version", "--client"), 1);
      System.out.printf(
          "%-40s %.3f s (starts writing the class-data archive)%n",
          "first run on a machine", first[0]);
      results.put("first_run_seconds", first[0]);
      results.put("class_data_archive", awaitArchive(work.resolve("cache/nightshift")));

      ObjectNode figures = results.putObject("medians_seconds");
      report(
          figures,
          "nightshift version --client",
          time(env, List.of(cli, "version", "--client"), RUNS),
          0.5);
      report(
          figures, "nightshift get run ID", time(env, List.of(cli, "get", "run", id), RUNS), 0.8);
      report(
          figures,
          "peer: java -version (same JVM flags)",
          time(
              env,
              List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-version"),
              RUNS),
          Double.NaN);
      report(
          figures,
          "peer: curl GET /api/v1/runs/ID",
          time(
              env,
              List.of(
                  "curl",
                  "-sS",
                  "-o",
                  "/dev/null",
                  "-H",
                  "Authorization: Bearer " + NightshiftNode.ADMIN_TOKEN,
                  url + "/api/v1/runs/" + id),
              RUNS),
          Double.NaN);
    }
    Files.createDirectories(output.toAbsolutePath().getParent());
    Results.write(results, output);
    System.out.println("Written to " + output.toAbsolutePath());
  }

  private static void report(ObjectNode figures, String what, double[] seconds, double target) {
    double median = median(seconds);
    ObjectNode figure = figures.putObject(what);
    Results.number(figure, "median", median);
    ArrayNode all = figure.putArray("all");
    Arrays.stream(seconds).forEach(all::add);
    String verdict =
        Double.isNaN(target)
            ? ""
            : median <= target
                ? "  (target " + target + " s: met)"
                : "  (target " + target + " s: MISSED)";
    System.out.printf(
        "%-40s median %.3f s over %d runs%s%n", what, median, seconds.length, verdict);
  }

  /** The wall time of each of {@code count} runs of {@code command}, which must exit 0. */
  private static double[] time(Map<String, String> env, List<String> command, int count)
      throws IOException, InterruptedException {
    double[] seconds = new double[count];
    for (int i = 0; i < count; i++) {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      long start = System.nanoTime();
      int code = builder.start().waitFor();
      seconds[i] = (System.nanoTime() - start) / 1e9;
      if (code != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + code);
      }
    }
    return seconds;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** Whether the launcher's archive appeared in {@code dir} within a minute. */
  private static boolean awaitArchive(Path dir) throws IOException, InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          if (files.anyMatch(p -> p.getFileName().toString().matches("cli-.*\\.jsa"))) {
            return true;
          }
        }
      }
      Thread.sleep(100);
    }
    System.out.println("no class-data archive after a minute: the runs below start without it");
    return false;
  }
}

package io.nightshift.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at N = 200, peers included, so that it never rots: it must complete and write its
 * JSON with every key a reader looks for. Its figures are not judged here (this machine is shared);
 * {@code ./mvnw -B -Pbenchmark -DskipTests verify} is how they are taken.
 */
class BenchmarkSmokeIT {

  @Test
  void the_benchmark_at_two_hundred_writes_every_figure() throws Exception {
    Path output = Path.of("target/benchmark/smoke-results.json");
    Files.deleteIfExists(output);
    BenchmarkOptions options =
        new BenchmarkOptions(
            List.of(200),
            output,
            Duration.ofMinutes(2),
            200,
            Duration.ofMillis(10),
            true,
            true,
            200,
            2_000,
            Duration.ofSeconds(2),
            true,
            200,
            true);

    ScheduleBenchmark.run(options);

    JsonNode results = Results.MAPPER.readTree(output.toFile());
    assertThat(fields(results.get("machine"))).contains("cores", "os", "java", "date", "database");
    JsonNode round = results.get("sizes").get(0);
    assertThat(round.get("n").asInt()).isEqualTo(200);
    JsonNode nightshift = round.get("nightshift");
    assertThat(fields(nightshift))
        .contains(
            "scheduled_to_admitted",
            "scheduled_to_first_step",
            "runs_created_per_second",
            "runs_admitted_per_second",
            "steps_launched_per_second",
            "misfires",
            "engine_pass");
    for (String lags : List.of("scheduled_to_admitted", "scheduled_to_first_step")) {
      assertThat(fields(nightshift.get(lags)))
          .as(lags)
          .contains("p50_seconds", "p99_seconds", "max_seconds");
      // Not a timing judgement: a negative lag means the nodes ran on another clock than the
      // database's and the system's, and every figure would be wrong.
      assertThat(nightshift.get(lags).get("p50_seconds").asDouble()).as(lags).isNotNegative();
    }
    assertThat(fields(nightshift.get("misfires")))
        .contains("missed_runs", "scheduled_times_without_run", "total");
    for (String peer :
        List.of("quartz", "db_scheduler", "sql_insert", "process_launch", "kubernetes_jobs")) {
      assertThat(fields(round.get("peers").get(peer)))
          .as(peer)
          .contains("per_second", "unit", "nightshift_ratio");
    }
    assertThat(fields(round.get("nightshift_kubernetes")))
        .contains("steps_launched_per_second", "jobs_created_per_second", "jobs_created_on_fake");
    assertThat(fields(results.get("extras").get("heap")))
        .contains("heap_before_mib", "heap_with_history_mib");
    assertThat(fields(results.get("extras").get("definition_writes"))).contains("per_second");
  }

  private static List<String> fields(JsonNode json) {
    assertThat(json != null && json.isObject()).as("an object: " + json).isTrue();
    List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

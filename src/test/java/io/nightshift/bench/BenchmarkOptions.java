package io.nightshift.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does, read from system properties ({@code -Dbenchmark.sizes=200}).
 *
 * @param sizes how many workflows are due at once, one round per size ({@code benchmark.sizes},
 *     default {@code 1000,10000}; {@code 100000} is the large size of the {@code benchmark-large}
 *     profile)
 * @param output where the JSON goes ({@code benchmark.output})
 * @param roundTimeout how long a round may take after its due instant before it is reported as it
 *     stands ({@code benchmark.round-timeout}, ISO-8601 or seconds)
 * @param launches at most how many processes the bare launch loop starts, and how many Jobs the
 *     Kubernetes comparison creates, per size: their rates do not depend on N ({@code
 *     benchmark.launches}, default 1000)
 * @param kubeLatency what the fake Kubernetes API server adds to every request ({@code
 *     benchmark.kube.latency-ms}, default 10)
 * @param kubeNightshift whether Nightshift itself also creates Jobs on the fake API server, with
 *     the Kubernetes executor ({@code benchmark.kube.nightshift}, default true)
 * @param heap whether to measure the heap with many workflows and a long history ({@code
 *     benchmark.heap}, default false: it takes minutes)
 * @param heapWorkflows workflows defined for the heap figure ({@code benchmark.heap.workflows})
 * @param heapRuns runs of history inserted for it ({@code benchmark.heap.runs})
 * @param heapSettle how long the leader runs its passes over that history before the heap is read
 *     ({@code benchmark.heap.settle}, default 30 s)
 * @param writes whether to measure definition writes per second ({@code benchmark.writes}, default
 *     false)
 * @param writeCount how many PUTs that measure makes ({@code benchmark.writes.count})
 * @param slowPeers whether bare Quartz and db-scheduler run beside Nightshift ({@code
 *     benchmark.slow-peers}, default true); at N = 100,000 bare Quartz alone takes over ten
 *     minutes, so a rerun of Nightshift's own figures can leave them out
 */
record BenchmarkOptions(
    List<Integer> sizes,
    Path output,
    Duration roundTimeout,
    int launches,
    Duration kubeLatency,
    boolean kubeNightshift,
    boolean heap,
    int heapWorkflows,
    int heapRuns,
    Duration heapSettle,
    boolean writes,
    int writeCount,
    boolean slowPeers) {

  static BenchmarkOptions fromSystemProperties() {
    return new BenchmarkOptions(
        Arrays.stream(System.getProperty("benchmark.sizes", "1000,10000").split(","))
            .map(String::trim)
            .filter(size -> !size.isEmpty())
            .map(size -> Integer.parseInt(size.replace("_", "")))
            .toList(),
        Path.of(System.getProperty("benchmark.output", "target/benchmark/results.json")),
        duration(System.getProperty("benchmark.round-timeout", "PT15M")),
        Integer.getInteger("benchmark.launches", 1000),
        Duration.ofMillis(Integer.getInteger("benchmark.kube.latency-ms", 10)),
        Boolean.parseBoolean(System.getProperty("benchmark.kube.nightshift", "true")),
        Boolean.getBoolean("benchmark.heap"),
        Integer.getInteger("benchmark.heap.workflows", 10_000),
        Integer.getInteger("benchmark.heap.runs", 1_000_000),
        duration(System.getProperty("benchmark.heap.settle", "PT30S")),
        Boolean.getBoolean("benchmark.writes"),
        Integer.getInteger("benchmark.writes.count", 10_000),
        Boolean.parseBoolean(System.getProperty("benchmark.slow-peers", "true")));
  }

  private static Duration duration(String text) {
    return text.startsWith("P") ? Duration.parse(text) : Duration.ofSeconds(Long.parseLong(text));
  }
}

package io.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.nightshift.testsupport.NightshiftNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The time of one engine pass as the nodes measure it ({@code nightshift_engine_pass_seconds}),
 * summed over the nodes (only the leader makes passes). Absent until Nightshift has that meter:
 * then every figure is "n/a".
 */
record EnginePass(double count, double sum, double max, Map<Double, Double> buckets) {

  static final String METER = "nightshift_engine_pass_seconds";

  /**
   * The meter summed over {@code nodes}, or empty when no node has it. Read from each node's own
   * registry, not from {@code /prometheus}: with 100,000 workflows that answer would exceed what
   * one HTTP answer can hold.
   */
  static Optional<EnginePass> scrape(List<NightshiftNode> nodes) {
    double count = 0;
    double sum = 0;
    double max = 0;
    Map<Double, Double> buckets = new TreeMap<>();
    boolean found = false;
    for (NightshiftNode node : nodes) {
      Timer timer = node.context().getBean(MeterRegistry.class).find(METER).timer();
      if (timer == null) {
        continue;
      }
      found = true;
      HistogramSnapshot snapshot = timer.takeSnapshot();
      count += snapshot.count();
      sum += snapshot.total(TimeUnit.SECONDS);
      max = Math.max(max, snapshot.max(TimeUnit.SECONDS));
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        buckets.merge(bucket.bucket(TimeUnit.SECONDS), bucket.count(), Double::sum);
      }
    }
    return found ? Optional.of(new EnginePass(count, sum, max, buckets)) : Optional.empty();
  }

  /**
   * The passes between {@code before} and {@code after}: how many, their mean, the p99 when the
   * meter has buckets (the upper bound of the bucket it falls in), and the meter's own max (a
   * decaying window, so it covers the last minutes, not exactly this round); "n/a" when absent.
   */
  static JsonNode between(Optional<EnginePass> before, Optional<EnginePass> after) {
    if (after.isEmpty()) {
      return JsonNodeFactory.instance.textNode(Results.NOT_AVAILABLE);
    }
    EnginePass end = after.get();
    EnginePass start = before.orElse(new EnginePass(0, 0, 0, Map.of()));
    double passes = end.count - start.count;
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("passes", (long) passes);
    Results.number(json, "mean_seconds", passes > 0 ? (end.sum - start.sum) / passes : Double.NaN);
    Results.number(json, "p99_seconds", p99(start, end, passes));
    Results.number(json, "max_seconds", end.max);
    return json;
  }

  private static double p99(EnginePass start, EnginePass end, double passes) {
    if (end.buckets.isEmpty() || passes <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> bucket : end.buckets.entrySet()) {
      double below = bucket.getValue() - start.buckets.getOrDefault(bucket.getKey(), 0.0);
      if (below >= 0.99 * passes) {
        return bucket.getKey();
      }
    }
    return Double.NaN;
  }
}

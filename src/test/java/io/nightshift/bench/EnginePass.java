package io.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.NightshiftNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time of one engine pass as the nodes publish it at {@code /prometheus} ({@code
 * nightshift_engine_pass_seconds}), summed over the nodes (only the leader makes passes). Absent
 * until Nightshift has that meter: then every figure is "n/a".
 */
record EnginePass(double count, double sum, double max, Map<Double, Double> buckets) {

  static final String METER = "nightshift_engine_pass_seconds";

  private static final Pattern SAMPLE =
      Pattern.compile("^" + METER + "_(count|sum|max|bucket)(\\{[^}]*})?\\s+(\\S+).*$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** The meter summed over {@code nodes}, or empty when no node publishes it. */
  static Optional<EnginePass> scrape(List<NightshiftNode> nodes) {
    double count = 0;
    double sum = 0;
    double max = 0;
    Map<Double, Double> buckets = new TreeMap<>();
    boolean found = false;
    for (NightshiftNode node : nodes) {
      HttpResponse<String> scrape = node.get("/prometheus");
      if (scrape.statusCode() != 200) {
        // Else "n/a" would stand for a scrape refused, not for a meter that does not exist.
        throw new IllegalStateException("/prometheus answered " + scrape.statusCode());
      }
      for (String line : scrape.body().split("\n")) {
        Matcher sample = SAMPLE.matcher(line.trim());
        if (!sample.matches()) {
          continue;
        }
        found = true;
        double value = Double.parseDouble(sample.group(3));
        switch (sample.group(1)) {
          case "count" -> count += value;
          case "sum" -> sum += value;
          case "max" -> max = Math.max(max, value);
          default -> {
            Matcher le = LE.matcher(sample.group(2) == null ? "" : sample.group(2));
            if (le.find()) {
              double bound =
                  le.group(1).equals("+Inf")
                      ? Double.POSITIVE_INFINITY
                      : Double.parseDouble(le.group(1));
              buckets.merge(bound, value, Double::sum);
            }
          }
        }
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

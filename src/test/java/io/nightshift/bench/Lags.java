package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How late a set of events came after the instant they were due, in seconds: p50, p99 and max
 * (nearest rank), and how many there were.
 */
record Lags(double p50, double p99, double max, int count) {

  static Lags ofMillis(List<Long> millis) {
    if (millis.isEmpty()) {
      return new Lags(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    List<Long> sorted = new ArrayList<>(millis);
    sorted.sort(Long::compare);
    return new Lags(
        rank(sorted, 50) / 1000.0,
        rank(sorted, 99) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0,
        sorted.size());
  }

  private static long rank(List<Long> sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    Results.number(json, "p50_seconds", p50);
    Results.number(json, "p99_seconds", p99);
    Results.number(json, "max_seconds", max);
    json.put("count", count);
    return json;
  }

  @Override
  public String toString() {
    return count == 0
        ? "none"
        : String.format(Locale.ROOT, "p50 %.2f s, p99 %.2f s, max %.2f s", p50, p99, max);
  }
}

package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of {@code /prometheus}, read as samples: {@code name{a="x",b="y"}} (labels sorted) to
 * value, so tests assert values, not just names.
 */
public final class Scrape {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Map<String, Double> samples = new LinkedHashMap<>();
  private final String text;

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!sample.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.put(key(sample.group(1), labels), Double.parseDouble(sample.group(3)));
    }
  }

  public static Scrape of(NightshiftNode node) {
    return new Scrape(node.get("/prometheus").body());
  }

  /**
   * Scrapes {@code node} until the sample with exactly these labels is {@code expected}, for up to
   * 10 s: for what another thread records after the event a test saw (a creator thread reading the
   * API server's answer). Fails with {@code what} and the last value.
   */
  public static void awaitValue(
      NightshiftNode node, String what, double expected, String name, String... labelsAndValues) {
    await(what)
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(of(node).value(name, labelsAndValues)).isEqualTo(expected));
  }

  /** The value of the sample with exactly these labels, or null when there is none. */
  public Double value(String name, String... labelsAndValues) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      labels.put(labelsAndValues[i], labelsAndValues[i + 1]);
    }
    return samples.get(key(name, labels));
  }

  /** Every sample, for a message when an assertion fails. */
  public String text() {
    return text;
  }

  private static String key(String name, Map<String, String> labels) {
    StringBuilder key = new StringBuilder(name).append('{');
    labels.forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
    return key.append('}').toString();
  }
}

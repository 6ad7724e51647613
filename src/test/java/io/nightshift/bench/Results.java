package io.nightshift.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The benchmark's JSON: figures rounded for reading, "n/a" where a figure could not be had. */
final class Results {

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What stands in for a figure Nightshift does not expose (yet). */
  static final String NOT_AVAILABLE = "n/a";

  private Results() {}

  /** Puts {@code value} rounded to 3 decimals, or "n/a" when it is not a finite number. */
  static void number(ObjectNode json, String key, double value) {
    if (Double.isFinite(value)) {
      json.put(key, Math.round(value * 1000) / 1000.0);
    } else {
      json.put(key, NOT_AVAILABLE);
    }
  }

  /** {@code a / b}, or NaN when either is missing or b is 0. */
  static double ratio(double a, double b) {
    return Double.isFinite(a) && Double.isFinite(b) && b != 0 ? a / b : Double.NaN;
  }

  static String rate(double perSecond) {
    return Double.isFinite(perSecond) ? String.format(Locale.ROOT, "%.0f", perSecond) : "n/a";
  }

  static String fixed2(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "n/a";
  }

  static void write(ObjectNode results, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    MAPPER.writeValue(file.toFile(), results);
  }
}

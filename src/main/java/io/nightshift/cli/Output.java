package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** {@code -o}: a table (kubectl's look), a wider table, or the API's JSON or YAML as it is. */
final class Output {

  /** The formats of {@code -o}. */
  enum Format {
    table,
    wide,
    json,
    yaml
  }

  private Output() {}

  /** Prints {@code node} as JSON or YAML; false for the table formats, which the caller draws. */
  static boolean raw(Format format, JsonNode node, PrintStream out) {
    switch (format) {
      case json -> out.print(Json.pretty(node));
      case yaml -> out.print(Json.yaml(node));
      default -> {
        return false;
      }
    }
    out.flush();
    return true;
  }
}

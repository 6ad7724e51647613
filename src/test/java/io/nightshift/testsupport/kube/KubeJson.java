package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The fake's JSON handling: objects as trees, never as typed models of either client. */
final class KubeJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private KubeJson() {}

  /** The body as a JSON object, or empty if it is not one. */
  static Optional<ObjectNode> object(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }

  static ObjectNode object(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object: " + json, e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code metadata.name}, or empty if absent. */
  static Optional<String> name(JsonNode object) {
    return text(object.path("metadata").path("name"));
  }

  /** {@code metadata.namespace}, or empty if absent (a cluster-scoped object). */
  static Optional<String> namespace(JsonNode object) {
    return text(object.path("metadata").path("namespace"));
  }

  /** {@code metadata.resourceVersion} as the number the fabric8 mock makes of it. */
  static long resourceVersion(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asLong(0);
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty()
        ? Optional.of(node.asText())
        : Optional.empty();
  }
}

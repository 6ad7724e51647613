package io.nightshift.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenAPI document as it is served. micronaut-openapi writes it from the controllers at build
 * time ({@value #GENERATED}); it puts each operation's {@code @Secured} roles where OpenAPI 3.0
 * keeps OAuth scopes, which a bearer scheme may not carry. So, once per server, each role moves to
 * the operation's {@value #ROLE} extension and a sentence of its description, the bearer
 * requirement keeps an empty list, and the operations open to all get {@code security: []}. And
 * every operation gets a {@code default} response, the problem+json that any error the controllers
 * do not name is answered with (405, 406, 500, …: {@link ProblemErrorResponseProcessor}). Last, a
 * reference to a schema that may be null ({@code @Nullable} on a record component whose type is a
 * record or an enum) is written {@code nullable: true} beside {@code allOf: [$ref]}, which OpenAPI
 * 3.0.3 and validators read as not nullable, since {@code allOf} still applies to null: it becomes
 * {@code anyOf: [$ref, {type: object, nullable: true, enum: [null]}]}. Nothing else is changed:
 * every path, parameter and body is the generator's.
 */
@Singleton
public class OpenApiDocument {

  /** Where micronaut-openapi writes the document (openapi.properties names it). */
  static final String GENERATED = "META-INF/swagger/openapi.yml";

  /** The vendor extension naming the role an operation needs. */
  public static final String ROLE = "x-nightshift-role";

  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String PROBLEM = "Problem";

  private volatile String served;

  /** The document as served at {@code /api/v1/openapi.yaml}. */
  String yaml() {
    String yaml = served;
    if (yaml == null) {
      yaml = served(read(GENERATED));
      served = yaml;
    }
    return yaml;
  }

  /** The generated document {@code generated} with the roles moved out of the scopes. */
  static String served(String generated) {
    try {
      ObjectNode document = (ObjectNode) YAML.readTree(generated);
      JsonNode paths = document.path("paths");
      if (!document.at("/components/schemas").has(PROBLEM)) {
        throw new IllegalStateException("the generated OpenAPI document has no Problem schema");
      }
      paths
          .fields()
          .forEachRemaining(
              path ->
                  operations(path.getValue())
                      .forEach(
                          operation -> {
                            roles(operation);
                            otherErrors(operation);
                          }));
      nullableReferences(document);
      ((ObjectNode) document.path("info")).put("version", BuildVersion.get());
      return YAML.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the generated OpenAPI document is not YAML", e);
    }
  }

  private static List<ObjectNode> operations(JsonNode pathItem) {
    return METHODS.stream()
        .map(pathItem::get)
        .filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast)
        .toList();
  }

  /** Every {@code nullable: true} with {@code allOf: [$ref]} below {@code node}, made nullable. */
  private static void nullableReferences(JsonNode node) {
    if (node instanceof ObjectNode object
        && object.path("nullable").asBoolean(false)
        && object.path("allOf").size() == 1
        && object.path("allOf").get(0).has("$ref")
        && object.path("allOf").get(0).size() == 1) {
      ArrayNode anyOf = JsonNodeFactory.instance.arrayNode();
      anyOf.add(object.path("allOf").get(0));
      // Null alone, as OpenAPI 3.0.3 writes it: nullable widens the type to null, enum narrows it.
      ObjectNode onlyNull = anyOf.addObject();
      onlyNull.put("type", "object");
      onlyNull.put("nullable", true);
      onlyNull.putArray("enum").addNull();
      object.remove("allOf");
      object.set("anyOf", anyOf);
    }
    node.forEach(OpenApiDocument::nullableReferences);
  }

  private static void otherErrors(ObjectNode operation) {
    ObjectNode responses = operation.with("responses");
    if (responses.has("default")) {
      return;
    }
    ObjectNode other = responses.putObject("default");
    other.put(
        "description",
        "any other refusal or error (method-not-allowed, not-acceptable, internal-error, …), as"
            + " problem+json");
    other
        .putObject("content")
        .putObject(Problem.MEDIA_TYPE)
        .putObject("schema")
        .put("$ref", "#/components/schemas/" + PROBLEM);
  }

  private static void roles(ObjectNode operation) {
    Set<String> roles = new LinkedHashSet<>();
    ArrayNode security = JsonNodeFactory.instance.arrayNode();
    for (JsonNode requirement : operation.path("security")) {
      ObjectNode emptied = JsonNodeFactory.instance.objectNode();
      requirement
          .fields()
          .forEachRemaining(
              scheme -> {
                scheme.getValue().forEach(role -> roles.add(role.asText()));
                emptied.putArray(scheme.getKey());
              });
      security.add(emptied);
    }
    operation.set("security", security);
    String description = operation.path("description").asText("");
    String sentence;
    if (security.isEmpty()) {
      sentence = "Open: no token needed.";
    } else if (roles.isEmpty()) {
      sentence = "Needs a valid token.";
    } else {
      String role = String.join(", ", roles);
      operation.put(ROLE, role);
      sentence =
          "Role: `" + role + "` (viewer < operator < admin: a role includes the ones before it).";
    }
    operation.put(
        "description", description.isEmpty() ? sentence : description + "\n\n" + sentence);
  }

  /** A resource of the jar as text; it must be there. */
  static String read(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is missing from the classpath: the build puts it there");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the generated document becomes the served one: roles out of the bearer scopes. */
class OpenApiDocumentTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  private static final String GENERATED =
      """
      openapi: 3.0.1
      info: {title: t, version: v1}
      paths:
        /api/v1/things/{id}:
          get:
            description: One thing.
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            responses: {"200": {description: ok}}
            security:
            - bearer:
              - viewer
          delete:
            responses: {"204": {description: deleted}}
            security:
            - bearer:
              - admin
        /api/v1/open.yaml:
          get:
            description: Open.
            responses: {"200": {description: ok}}
      components:
        schemas:
          Problem: {type: object, properties: {type: {type: string}}}
          Link: {type: object, properties: {href: {type: string}}}
          Thing:
            type: object
            properties:
              link:
                nullable: true
                description: where it is
                allOf:
                - $ref: "#/components/schemas/Link"
              name: {type: string, nullable: true}
        securitySchemes:
          bearer: {type: http, scheme: bearer}
      """;

  private static JsonNode served() throws Exception {
    return YAML.readTree(OpenApiDocument.served(GENERATED));
  }

  @Test
  void the_served_info_version_is_the_servers_build_version_not_the_generated_one()
      throws Exception {
    String version = served().at("/info/version").asText();

    assertThat(version).isNotEqualTo("v1").matches("[0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?");
  }

  @Test
  void the_role_moves_from_the_bearer_scopes_to_the_extension_and_the_description()
      throws Exception {
    JsonNode get = served().at("/paths/~1api~1v1~1things~1{id}/get");

    assertThat(get.get(OpenApiDocument.ROLE).asText()).isEqualTo("viewer");
    assertThat(get.at("/security/0/bearer").isArray()).isTrue();
    assertThat(get.at("/security/0/bearer")).isEmpty();
    assertThat(get.get("description").asText()).startsWith("One thing.\n\nRole: `viewer`");
  }

  @Test
  void an_operation_without_a_description_gets_the_role_as_its_description() throws Exception {
    JsonNode delete = served().at("/paths/~1api~1v1~1things~1{id}/delete");

    assertThat(delete.get(OpenApiDocument.ROLE).asText()).isEqualTo("admin");
    assertThat(delete.get("description").asText()).startsWith("Role: `admin`");
  }

  @Test
  void an_operation_open_to_all_says_so_with_an_empty_security_list() throws Exception {
    JsonNode open = served().at("/paths/~1api~1v1~1open.yaml/get");

    assertThat(open.has(OpenApiDocument.ROLE)).isFalse();
    assertThat(open.get("security").isArray()).isTrue();
    assertThat(open.get("security")).isEmpty();
    assertThat(open.get("description").asText()).isEqualTo("Open.\n\nOpen: no token needed.");
  }

  @Test
  void every_operation_answers_any_other_error_as_problem_json() throws Exception {
    JsonNode responses = served().at("/paths/~1api~1v1~1things~1{id}/delete/responses");

    assertThat(responses.get("204")).isNotNull();
    assertThat(responses.at("/default/content/application~1problem+json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Problem");
  }

  @Test
  void the_container_image_is_built_with_the_files_the_descriptions_come_from() throws Exception {
    // Without openapi.properties the generator writes another file name and no Swagger UI; without
    // schemas/ the jar has no workflow schema. The image is built from what .dockerignore lets in.
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    List<String> ignore = Files.readAllLines(Path.of(".dockerignore"));

    assertThat(dockerfile).contains("COPY openapi.properties ./", "COPY schemas schemas");
    assertThat(ignore).contains("!openapi.properties", "!schemas/");
  }

  @Test
  void a_nullable_reference_becomes_any_of_the_schema_or_null() throws Exception {
    JsonNode link = served().at("/components/schemas/Thing/properties/link");

    assertThat(link.has("allOf")).isFalse();
    assertThat(link.at("/anyOf/0/$ref").asText()).isEqualTo("#/components/schemas/Link");
    assertThat(link.at("/anyOf/1/enum/0").isNull()).isTrue();
    assertThat(link.at("/anyOf/1/nullable").asBoolean()).isTrue();
    assertThat(link.get("description").asText()).isEqualTo("where it is");
    assertThat(served().at("/components/schemas/Thing/properties/name"))
        .isEqualTo(YAML.readTree(GENERATED).at("/components/schemas/Thing/properties/name"));
  }

  @Test
  void everything_else_is_left_as_generated() throws Exception {
    JsonNode served = served();
    JsonNode generated = YAML.readTree(GENERATED);

    assertThat(served.at("/components/securitySchemes"))
        .isEqualTo(generated.at("/components/securitySchemes"));
    assertThat(served.at("/components/schemas/Link"))
        .isEqualTo(generated.at("/components/schemas/Link"));
    assertThat(served.at("/paths/~1api~1v1~1things~1{id}/get/parameters"))
        .isEqualTo(generated.at("/paths/~1api~1v1~1things~1{id}/get/parameters"));
  }
}

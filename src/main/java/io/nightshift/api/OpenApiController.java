package io.nightshift.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.nio.charset.StandardCharsets;

/**
 * The API's descriptions, open without a token: the OpenAPI document that micronaut-openapi
 * generates from the controllers at build time, and the JSON Schema of a workflow definition.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Nightshift",
            version = "the server's build version, filled in when served",
            description =
                "A central scheduler for Kubernetes batch work. Every call but the two documents"
                    + " needs `Authorization: Bearer <token>` with the role its description names"
                    + " (also in `x-nightshift-role`); errors are `application/problem+json`."))
@SecurityScheme(
    name = OpenApiController.BEARER,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description =
        "An API token (POST /api/v1/tokens) or a JWT of the configured OIDC provider. Its role,"
            + " viewer < operator < admin, must include the one the operation names.")
@Controller("/api/v1")
@Secured(SecurityRule.IS_ANONYMOUS)
public class OpenApiController {

  static final String BEARER = "bearer";

  static final String YAML = "application/yaml";

  static final String SCHEMA_JSON = "application/schema+json";

  /** The workflow schema in the jar: Maven copies schemas/ of the repository there. */
  static final String WORKFLOW_SCHEMA = "schemas/workflow.json";

  private final OpenApiDocument document;
  private final byte[] workflowSchema;

  public OpenApiController(OpenApiDocument document) {
    this.document = document;
    this.workflowSchema = OpenApiDocument.read(WORKFLOW_SCHEMA).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * This document: the whole HTTP API as OpenAPI 3, generated from the controllers. The same page
   * with Swagger UI: /api/docs.
   */
  @Get(uri = "/openapi.yaml", produces = YAML)
  @ApiResponse(
      responseCode = "200",
      description = "the OpenAPI 3 document",
      content = @Content(mediaType = YAML, schema = @Schema(type = "string")))
  public HttpResponse<String> openApi() {
    return HttpResponse.ok(document.yaml()).contentType(YAML);
  }

  /**
   * The JSON Schema (draft-07) of a workflow definition, for editors. A YAML file whose first line
   * is {@code # yaml-language-server: $schema=http://HOST:8080/api/v1/schemas/workflow.json} is
   * checked and completed as it is typed by an editor with the YAML language server.
   */
  @Get(uri = "/schemas/workflow.json", produces = SCHEMA_JSON)
  @ApiResponse(
      responseCode = "200",
      description = "the JSON Schema of a workflow definition",
      content = @Content(mediaType = SCHEMA_JSON, schema = @Schema(type = "object")))
  public HttpResponse<byte[]> workflowSchema() {
    return HttpResponse.ok(workflowSchema).contentType(SCHEMA_JSON);
  }
}

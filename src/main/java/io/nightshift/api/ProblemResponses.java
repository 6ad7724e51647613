package io.nightshift.api;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem+json answers of the API, as annotations for the OpenAPI document that
 * micronaut-openapi generates: one line on a controller or an operation says which refusals it may
 * answer with, each with the {@link Problem} body. They describe what {@link ExceptionHandlers},
 * {@link AuthorizationProblems} and {@link ProblemErrorResponseProcessor} write; they change no
 * behaviour.
 */
final class ProblemResponses {

  private ProblemResponses() {}

  /** Answers of every operation that needs a token: 401, 403 and 503. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @ApiResponse(
      responseCode = "401",
      description =
          "unauthorized: no bearer token, or one that is unknown, revoked, expired or not signed by"
              + " the configured OIDC provider",
      headers =
          @Header(
              name = "WWW-Authenticate",
              description = "Bearer realm=\"nightshift\"",
              schema = @Schema(type = "string")),
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @ApiResponse(
      responseCode = "403",
      description =
          "forbidden: the token's role does not include the one this operation needs, or the"
              + " operation spans every namespace and the token is confined to some",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @ApiResponse(
      responseCode = "503",
      description =
          "service-unavailable: the database does not answer; nothing was read or changed",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds",
              schema = @Schema(type = "integer")),
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface TokenNeeded {}

  /** 400 bad-request: a query parameter, header or body field the operation cannot use. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "400",
      description =
          "bad-request: each unusable query parameter (`?name`), header or body field (a JSON"
              + " pointer) in `violations`",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface BadRequest {}

  /** 400 malformed-body: the body is not YAML or JSON; or bad-request, a query parameter. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "400",
      description =
          "malformed-body: the body is not YAML or JSON (with `line` and `column`), or has"
              + " duplicate keys, several documents, aliases or nesting deeper than 64; or"
              + " bad-request: a query parameter it cannot use, in `violations`",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface Malformed {}

  /** 404 not-found. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "404",
      description =
          "not-found: no such workflow, run, step log or token, or one in a namespace the token may"
              + " not see",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface NotFound {}

  /** 409 conflict. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "409",
      description = "conflict: the request does not fit the current state; `detail` says how",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface Conflict {}

  /** 413 body-too-large and 415 unsupported-media-type: a body the server does not read. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "413",
      description = "body-too-large: the body is over 1 MiB",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @ApiResponse(
      responseCode = "415",
      description = "unsupported-media-type: a Content-Type the operation does not read",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface UnreadableBody {}

  /** 422 invalid-definition: every violation of the definition's rules at once. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "422",
      description =
          "invalid-definition: every broken rule in `violations`, each with a JSON pointer;"
              + " nothing was stored or started",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface Invalid {}

  /** 429 too-many-waits: past the caps on {@code ?wait}; nothing was created. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ApiResponse(
      responseCode = "429",
      description =
          "too-many-waits: too many requests wait for runs already; nothing was created, send it"
              + " again later (with the same Idempotency-Key)",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds",
              schema = @Schema(type = "integer")),
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @interface TooManyWaits {}
}

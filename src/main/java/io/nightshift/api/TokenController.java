package io.nightshift.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.nightshift.security.Caller;
import io.nightshift.security.Role;
import io.nightshift.security.StoredToken;
import io.nightshift.security.TokenStore;
import io.nightshift.security.Tokens;
import io.nightshift.workflow.ConflictException;
import io.nightshift.workflow.Names;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.WorkflowValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * API tokens: {@code /api/v1/tokens}. Only an admin that sees every namespace manages them, since a
 * token is a way into any namespace it names. A token's value is answered once, at creation. A
 * token with the role {@code metrics} scrapes {@code /prometheus}, which spans every namespace, so
 * it may not name namespaces.
 */
@Controller("/api/v1/tokens")
@Secured(Role.ADMIN_NAME)
@ProblemResponses.TokenNeeded
public class TokenController {

  static final int MAX_SCOPES = 100;

  private final TokenStore tokens;
  private final Clock clock;

  public TokenController(TokenStore tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /**
   * What to create: a name, a role, the namespaces it is confined to (none: all), and when it stops
   * working (RFC 3339; none: never).
   */
  public record TokenRequest(
      @Nullable String name,
      @Nullable String role,
      @Nullable List<String> namespaces,
      @Nullable String expiresAt) {}

  /** A token as the API shows it; {@code token}, the value, only in the answer to its creation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TokenBody(
      String name,
      String role,
      List<String> namespaces,
      Instant createdAt,
      String createdBy,
      @Nullable Instant expiresAt,
      @Nullable Instant lastUsedAt,
      @Nullable String token) {}

  /**
   * Creates a token; only an admin that sees every namespace may. Its value is in this answer and
   * never again.
   */
  @Post
  @Audited("token.create")
  @ApiResponse(
      responseCode = "201",
      description = "the token, with its value in `token`",
      useReturnTypeSchema = true,
      headers =
          @Header(
              name = "Location",
              description = "/api/v1/tokens/{name}",
              schema = @Schema(type = "string")))
  @ProblemResponses.BadRequest
  @ProblemResponses.Conflict
  public HttpResponse<TokenBody> create(
      Authentication authentication, @Nullable @Body TokenRequest request) {
    Caller caller = Visibility.unscoped(authentication);
    List<Violation> violations = new ArrayList<>();
    TokenRequest body = request == null ? new TokenRequest(null, null, null, null) : request;
    if (body.name() == null) {
      violations.add(new Violation("/name", "required"));
    } else {
      Names.checkDns1123Label(body.name(), WorkflowValidator.MAX_DNS_LABEL_LENGTH)
          .ifPresent(problem -> violations.add(new Violation("/name", problem)));
    }
    if (body.role() == null || Role.parse(body.role()).isEmpty()) {
      violations.add(new Violation("/role", "must be one of " + String.join(", ", Role.ids())));
    }
    List<String> namespaces = body.namespaces() == null ? List.of() : body.namespaces();
    if (namespaces.size() > MAX_SCOPES) {
      violations.add(new Violation("/namespaces", "at most " + MAX_SCOPES + " namespaces"));
    } else {
      for (int i = 0; i < namespaces.size(); i++) {
        String path = "/namespaces/" + i;
        String namespace = namespaces.get(i);
        if (namespace == null) {
          violations.add(new Violation(path, "must be a namespace name"));
        } else {
          Names.checkDns1123Label(namespace, WorkflowValidator.MAX_DNS_LABEL_LENGTH)
              .ifPresent(problem -> violations.add(new Violation(path, problem)));
        }
      }
    }
    if (Role.METRICS_NAME.equals(body.role()) && !namespaces.isEmpty()) {
      violations.add(
          new Violation(
              "/namespaces",
              "a metrics token reads the metrics of every namespace: leave namespaces out"));
    }
    Instant now = clock.instant();
    Instant expiresAt = Instants.parse("/expiresAt", body.expiresAt(), false, violations);
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      violations.add(new Violation("/expiresAt", "must be in the future, after " + now));
    }
    if (!violations.isEmpty()) {
      throw new BadRequestException(violations);
    }
    String value = Tokens.generate();
    StoredToken token =
        new StoredToken(
            body.name(),
            body.role(),
            List.copyOf(new LinkedHashSet<>(namespaces)),
            now,
            caller.name(),
            expiresAt,
            null);
    if (!tokens.create(token, Tokens.hash(value))) {
      throw new ConflictException(
          "a token named \"" + body.name() + "\" exists; revoke it first to replace it");
    }
    return HttpResponse.<TokenBody>status(HttpStatus.CREATED)
        .header("Location", "/api/v1/tokens/" + token.name())
        .body(body(token, value));
  }

  /** Every token, without its value; only an admin that sees every namespace may list them. */
  @Get
  @Operation(operationId = "listTokens")
  public ItemList<TokenBody> list(Authentication authentication) {
    Visibility.unscoped(authentication);
    return new ItemList<>(tokens.list().stream().map(token -> body(token, null)).toList(), null);
  }

  /** Revokes the token: from the next request on, it is refused with 401. */
  @Delete("/{name}")
  @Audited("token.revoke")
  @ApiResponse(responseCode = "204", description = "revoked")
  @ProblemResponses.NotFound
  public HttpResponse<Void> revoke(Authentication authentication, String name) {
    Visibility.unscoped(authentication);
    if (!tokens.delete(name)) {
      throw new NotFoundException("there is no token named \"" + name + "\"");
    }
    return HttpResponse.noContent();
  }

  private static TokenBody body(StoredToken token, String value) {
    return new TokenBody(
        token.name(),
        token.role(),
        token.namespaces(),
        token.createdAt(),
        token.createdBy(),
        token.expiresAt(),
        token.lastUsedAt(),
        value);
  }
}

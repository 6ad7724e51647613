package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.nightshift.security.AuditEvent;
import io.nightshift.security.AuditLog;
import io.nightshift.security.Role;
import io.swagger.v3.oas.annotations.Operation;

/** {@code GET /api/v1/audit}: the changes made through the API, newest first, for admins. */
@Controller("/api/v1/audit")
@Secured(Role.ADMIN_NAME)
@ProblemResponses.TokenNeeded
public class AuditController {

  private final AuditLog audit;

  public AuditController(AuditLog audit) {
    this.audit = audit;
  }

  /**
   * The changes made through the API, newest first; only an admin that sees every namespace may
   * read them.
   *
   * @param limit how many, 1 to 1000 (default 100)
   * @param cursor the {@code nextCursor} of the previous page
   */
  @Get
  @ProblemResponses.BadRequest
  @Operation(operationId = "listAudit")
  public ItemList<AuditEvent> list(
      Authentication authentication,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    Visibility.unscoped(authentication);
    QueryParameters.NumericPage page = QueryParameters.numericPage(limit, cursor);
    return ItemList.firstOf(
        audit.page(page.before(), page.size() + 1),
        page.size(),
        event -> event,
        event -> Long.toString(event.id()));
  }
}

package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.nightshift.security.Role;
import io.nightshift.store.AuditRepository;
import io.nightshift.store.AuditRepository.AuditEvent;
import io.nightshift.workflow.Violation;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /api/v1/audit}: the changes made through the API, newest first, for admins. */
@Controller("/api/v1/audit")
@Secured(Role.ADMIN_NAME)
public class AuditController {

  private final AuditRepository audit;

  public AuditController(AuditRepository audit) {
    this.audit = audit;
  }

  @Get
  public ItemList<AuditEvent> list(
      Authentication authentication,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    Visibility.unscoped(authentication);
    List<Violation> violations = new ArrayList<>();
    int pageSize =
        QueryParameters.intInRange(
            "limit", limit, ApiLimits.DEFAULT_PAGE_SIZE, 1, ApiLimits.MAX_PAGE_SIZE, violations);
    Long before = QueryParameters.numericCursor(cursor, violations);
    QueryParameters.check(violations);
    List<AuditEvent> events = audit.page(before, pageSize + 1);
    List<AuditEvent> items = events.stream().limit(pageSize).toList();
    String next = events.size() > pageSize ? Long.toString(items.get(pageSize - 1).id()) : null;
    return new ItemList<>(items, next);
  }
}

package io.nightshift.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.web.router.RouteAttributes;
import io.nightshift.security.AuditEvent;
import io.nightshift.security.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each successful call of an {@link Audited} endpoint to the audit trail: who (the caller),
 * what (the action), on what (the path), when, from which address, and what it created (the {@code
 * Location} it answered with). Refused calls and dry runs change nothing and are not audited;
 * refusals are logged by {@link RefusalLog}.
 */
@ServerFilter("/api/v1/**")
public class AuditFilter {

  private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
  private static final String ARRIVED = "nightshift.audit.arrived";

  /**
   * A request attribute a controller sets on a successful call that changed nothing by design (a
   * dry run), which is then not audited.
   */
  static final String NOTHING_CHANGED = "nightshift.audit.nothing-changed";

  private final AuditLog audit;
  private final HttpClientAddressResolver addresses;
  private final Clock clock;

  public AuditFilter(AuditLog audit, HttpClientAddressResolver addresses, Clock clock) {
    this.audit = audit;
    this.addresses = addresses;
    this.clock = clock;
  }

  /** When the change was asked for: a run started with {@code ?wait} answers minutes later. */
  @RequestFilter
  public void arrived(HttpRequest<?> request) {
    request.setAttribute(ARRIVED, clock.instant());
  }

  @ResponseFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  public void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
    int status = response.code();
    if (status < 200 || status >= 300 || request.getAttribute(NOTHING_CHANGED).isPresent()) {
      return;
    }
    Optional<String> action =
        RouteAttributes.getRouteMatch(request)
            .flatMap(route -> route.getAnnotationMetadata().stringValue(Audited.class));
    if (action.isEmpty()) {
      return;
    }
    String actor =
        request.getUserPrincipal(Authentication.class).map(Authentication::getName).orElse("-");
    AuditEvent event =
        new AuditEvent(
            0,
            request.getAttribute(ARRIVED, Instant.class).orElseGet(clock::instant),
            actor,
            action.get(),
            request.getPath(),
            status,
            Optional.ofNullable(addresses.resolve(request)).orElse("-"),
            response.getHeaders().get(HttpHeaders.LOCATION));
    try {
      audit.insert(event);
    } catch (RuntimeException e) {
      // The change is made: answering 500 would tell the client it was not. Say what is missing.
      LOG.error("The audit lost this change, which was made: {}", event, e);
    }
  }
}

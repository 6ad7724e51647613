package io.nightshift.security;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;

/**
 * One change made through the API, as the audit keeps it.
 *
 * @param id assigned by the database; 0 before the event is stored
 * @param actor who: {@code token:<name>} or {@code oidc:<subject>}
 * @param action what, e.g. {@code workflow.apply}
 * @param target on what: the request's path
 * @param status the HTTP status it was answered with
 * @param address the client's address
 * @param detail what else is worth knowing, e.g. the run it created; may be null
 */
public record AuditEvent(
    long id,
    Instant at,
    String actor,
    String action,
    String target,
    int status,
    String address,
    @Nullable String detail) {}

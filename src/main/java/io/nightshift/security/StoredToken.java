package io.nightshift.security;

import java.time.Instant;
import java.util.List;

/**
 * A token as stored, without its hash.
 *
 * @param namespaces the only namespaces it sees; empty for all
 * @param expiresAt when it stops working; null for never
 * @param lastUsedAt when it was last used, to the minute; null if never
 */
public record StoredToken(
    String name,
    String role,
    List<String> namespaces,
    Instant createdAt,
    String createdBy,
    Instant expiresAt,
    Instant lastUsedAt) {}

package io.nightshift.security;

import java.util.List;

/** The audit trail, one event per change made through the API; the store implements it. */
public interface AuditLog {

  void insert(AuditEvent event);

  /** Up to {@code limit} events, newest first, older than event {@code beforeId} when given. */
  List<AuditEvent> page(Long beforeId, int limit);
}

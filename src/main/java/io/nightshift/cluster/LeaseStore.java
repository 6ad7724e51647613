package io.nightshift.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the leader lease and the nodes' check-ins are kept; the store implements it. */
public interface LeaseStore {

  /**
   * Takes the lease for {@code node} when it is free, expired or already {@code node}'s, and
   * extends it to {@code expiresAt}. Returns the lease when {@code node} holds it now; empty when
   * another node holds it unexpired.
   */
  Optional<Lease> acquireOrRenew(String node, Instant now, Instant expiresAt);

  /** Gives the lease up, if {@code node} holds it, so that another takes over at once. */
  void release(String node, Instant now);

  /** The lease as stored, held or not. */
  Lease current();

  /** Notes that {@code node}, started at {@code startedAt}, is alive {@code now}. */
  void heartbeat(String node, Instant startedAt, Instant now);

  /** Nodes seen at or after {@code since}, by id. */
  List<Node> nodesSeenSince(Instant since);
}

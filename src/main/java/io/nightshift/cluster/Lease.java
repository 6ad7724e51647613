package io.nightshift.cluster;

import java.time.Instant;

/** The leader lease as stored: who holds it since when, until when, under which fencing token. */
public record Lease(String holder, Instant acquiredAt, Instant expiresAt, long fencingToken) {

  public boolean heldBy(String node, Instant now) {
    return node.equals(holder) && expiresAt.isAfter(now);
  }
}

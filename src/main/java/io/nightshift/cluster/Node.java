package io.nightshift.cluster;

import java.time.Instant;

/** A node and when it last checked in. */
public record Node(String id, Instant startedAt, Instant lastSeen) {}

package io.nightshift.run;

/**
 * The lease a write is made under: it is applied only while {@code node} still holds the leader
 * lease under {@code token} (docs/architecture.md, "Leadership and failover").
 */
public record Fence(String node, long token) {}

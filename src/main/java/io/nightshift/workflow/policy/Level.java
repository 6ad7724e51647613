package io.nightshift.workflow.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The levels of the Kubernetes Pod Security Standards, from the most open to the most closed: each
 * forbids what the one before it forbids, and more.
 */
public enum Level {
  /** No checks: pods may own the node. */
  PRIVILEGED,
  /** Prevents the known privilege escalations: no host namespaces, privileged containers, … */
  BASELINE,
  /** Baseline plus the hardening best practices: non-root, no escalation, capabilities dropped. */
  RESTRICTED;

  /** The level as the standard and the configuration write it: {@code baseline}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a pod at this level must keep to what {@code other} forbids. */
  boolean enforces(Level other) {
    return compareTo(other) >= 0;
  }

  /** The level below this one: the highest that allows what this one forbids. */
  Level below() {
    return values()[Math.max(0, ordinal() - 1)];
  }

  /** The level written as in the configuration, {@code privileged}, {@code baseline} or … */
  public static Optional<Level> parse(String text) {
    return Arrays.stream(values())
        .filter(level -> level.label().equals(text == null ? "" : text.trim()))
        .findFirst();
  }

  @Override
  public String toString() {
    return label();
  }
}

package io.nightshift.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. Each of {@code viewer}, {@code operator} and {@code admin} includes the
 * ones before it: an operator may read, an admin may run and cancel. {@code metrics} stands apart:
 * it may scrape {@code /prometheus} and nothing else, and no other role includes it.
 */
public enum Role {
  /** Reads workflows, runs, logs and the cluster. */
  VIEWER,
  /** Also runs, cancels, retries, backfills, suspends and resumes. */
  OPERATOR,
  /** Also defines and deletes workflows, manages API tokens and reads the audit. */
  ADMIN,
  /**
   * Scrapes {@code /prometheus}, whose labels name every namespace's workflows and steps; nothing
   * under {@code /api/v1}. Not part of the chain above: an admin does not hold it (an admin that
   * sees every namespace may scrape anyway), and it holds none of them.
   */
  METRICS;

  /** The role names of {@code @Secured}, as the API and the tokens spell them. */
  public static final String VIEWER_NAME = "viewer";

  public static final String OPERATOR_NAME = "operator";
  public static final String ADMIN_NAME = "admin";
  public static final String METRICS_NAME = "metrics";

  /** The name of this role: {@code viewer}, {@code operator}, {@code admin} or {@code metrics}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** This role and every role it includes, by name: what {@code @Secured} checks. */
  public List<String> grants() {
    if (!api()) {
      return List.of(id());
    }
    return Arrays.stream(values())
        .filter(role -> role.api() && role.ordinal() <= ordinal())
        .map(Role::id)
        .toList();
  }

  /**
   * Whether this role is one of the chain {@code viewer < operator < admin} that grants calls under
   * {@code /api/v1}; {@code metrics} is not.
   */
  public boolean api() {
    return this != METRICS;
  }

  public static Optional<Role> parse(String name) {
    return Arrays.stream(values()).filter(role -> role.id().equals(name)).findFirst();
  }

  /** The names a definition or a request may use, for error messages. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Role::id).toList();
  }
}

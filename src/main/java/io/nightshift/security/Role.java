package io.nightshift.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. Each role includes the ones before it: an operator may read, an admin may
 * run and cancel.
 */
public enum Role {
  /** Reads workflows, runs, logs and the cluster. */
  VIEWER,
  /** Also runs, cancels, retries, backfills, suspends and resumes. */
  OPERATOR,
  /** Also defines and deletes workflows, manages API tokens and reads the audit. */
  ADMIN;

  /** The role names of {@code @Secured}, as the API and the tokens spell them. */
  public static final String VIEWER_NAME = "viewer";

  public static final String OPERATOR_NAME = "operator";
  public static final String ADMIN_NAME = "admin";

  /** The name of this role: {@code viewer}, {@code operator} or {@code admin}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** This role and every role it includes, by name: what {@code @Secured} checks. */
  public List<String> grants() {
    return Arrays.stream(values())
        .filter(role -> role.ordinal() <= ordinal())
        .map(Role::id)
        .toList();
  }

  public static Optional<Role> parse(String name) {
    return Arrays.stream(values()).filter(role -> role.id().equals(name)).findFirst();
  }

  /** The names a definition or a request may use, for error messages. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Role::id).toList();
  }
}

package io.nightshift.security;

import io.micronaut.security.authentication.Authentication;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, as far as the API's rules go: a name for the audit, a role, and the namespaces
 * the caller may see (all when unscoped).
 *
 * @param name {@code token:<name>} or {@code oidc:<subject>}
 * @param role empty when an OIDC token carries no role Nightshift knows
 * @param namespaces the only namespaces the caller sees; empty when it sees them all
 */
public record Caller(String name, Optional<Role> role, Optional<Set<String>> namespaces) {

  private static final String ROLE = "nightshift.role";
  private static final String NAMESPACES = "nightshift.namespaces";

  public Caller {
    namespaces = namespaces.map(Set::copyOf);
  }

  /** The caller a request was authenticated as. */
  public static Caller of(Authentication authentication) {
    Map<String, Object> attributes = authentication.getAttributes();
    Optional<Role> role =
        Optional.ofNullable(attributes.get(ROLE)).map(String::valueOf).flatMap(Role::parse);
    Optional<Set<String>> namespaces =
        Optional.ofNullable(attributes.get(NAMESPACES))
            .map(
                value ->
                    Set.copyOf(((Collection<?>) value).stream().map(String::valueOf).toList()));
    return new Caller(authentication.getName(), role, namespaces);
  }

  /** The Micronaut authentication of this caller: its name, the roles it holds, and its scope. */
  public Authentication authentication() {
    Map<String, Object> attributes = new HashMap<>();
    role.ifPresent(r -> attributes.put(ROLE, r.id()));
    namespaces.ifPresent(n -> attributes.put(NAMESPACES, List.copyOf(n)));
    return Authentication.build(name, role.map(Role::grants).orElse(List.of()), attributes);
  }

  /** Whether the caller may see, and so touch, anything in {@code namespace}. */
  public boolean sees(String namespace) {
    return namespaces.map(scope -> scope.contains(namespace)).orElse(true);
  }

  /**
   * Whether the caller may read {@code /prometheus}, whose labels name the workflows and steps of
   * every namespace: a {@code metrics} token, or an admin, that sees every namespace.
   */
  public boolean mayScrape() {
    return !scoped() && role.filter(r -> r == Role.METRICS || r == Role.ADMIN).isPresent();
  }

  /** Whether the caller is confined to some namespaces. */
  public boolean scoped() {
    return namespaces.isPresent();
  }
}

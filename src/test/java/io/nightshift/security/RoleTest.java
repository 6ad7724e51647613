package io.nightshift.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The role chain and the metrics role beside it, as {@code @Secured} and the scrape rule see them.
 */
class RoleTest {

  @Test
  void each_api_role_includes_the_ones_below_it_and_none_includes_metrics() {
    assertThat(Role.VIEWER.grants()).containsExactly("viewer");
    assertThat(Role.OPERATOR.grants()).containsExactly("viewer", "operator");
    assertThat(Role.ADMIN.grants()).containsExactly("viewer", "operator", "admin");
  }

  @Test
  void the_metrics_role_grants_only_itself() {
    assertThat(Role.METRICS.grants()).containsExactly("metrics");
    assertThat(Role.parse("metrics")).contains(Role.METRICS);
    assertThat(Role.ids()).contains("metrics");
  }

  @Test
  void only_a_metrics_token_or_an_admin_that_sees_every_namespace_may_scrape() {
    assertThat(caller(Role.METRICS, null).mayScrape()).isTrue();
    assertThat(caller(Role.ADMIN, null).mayScrape()).isTrue();
    assertThat(caller(Role.ADMIN, Set.of("team-a")).mayScrape()).isFalse();
    assertThat(caller(Role.METRICS, Set.of("team-a")).mayScrape()).isFalse();
    assertThat(caller(Role.VIEWER, null).mayScrape()).isFalse();
    assertThat(caller(Role.OPERATOR, null).mayScrape()).isFalse();
    assertThat(new Caller("oidc:nobody", Optional.empty(), Optional.empty()).mayScrape()).isFalse();
  }

  @Test
  void a_caller_keeps_its_metrics_role_through_the_micronaut_authentication() {
    Caller metrics = caller(Role.METRICS, null);
    assertThat(Caller.of(metrics.authentication())).isEqualTo(metrics);
    assertThat(metrics.authentication().getRoles()).containsExactly("metrics");
  }

  private static Caller caller(Role role, Set<String> namespaces) {
    return new Caller("token:t", Optional.of(role), Optional.ofNullable(namespaces));
  }
}

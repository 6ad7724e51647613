package io.nightshift.workflow.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.type.Argument;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The policy's settings as the chart passes them: one environment variable per setting, whatever
 * the namespaces are called (a hyphen in a namespace cannot be spelled in a variable's name, so the
 * namespaces are in the values).
 */
class PolicyConfigTest {

  private static <T> T property(Environment environment, String name, Argument<T> type) {
    return environment.getProperty(name, type).orElse(null);
  }

  @Test
  void environment_variables_set_the_levels_service_accounts_and_release_namespace() {
    try (ApplicationContext context =
        ApplicationContext.builder()
            .propertySources(
                PropertySource.of(
                    "env",
                    Map.of(
                        "NIGHTSHIFT_POLICY_DEFAULT_LEVEL", "restricted",
                        "NIGHTSHIFT_POLICY_NAMESPACE_LEVELS", "team-a=privileged,data=baseline",
                        "NIGHTSHIFT_POLICY_SERVICE_ACCOUNTS", "data/etl,team-a/node-debugger",
                        "NIGHTSHIFT_POLICY_ALLOW_RELEASE_NAMESPACE", "true",
                        "NIGHTSHIFT_KUBERNETES_RELEASE_NAMESPACE", "nightshift-system"),
                    PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
            .build()) {
      Environment environment = context.getEnvironment().start();
      Argument<List<String>> strings = Argument.listOf(String.class);
      PolicyConfig config =
          new PolicyConfig(
              property(environment, "nightshift.policy.default-level", Argument.STRING),
              property(environment, "nightshift.policy.namespace-levels", strings),
              property(environment, "nightshift.policy.service-accounts", strings),
              property(environment, "nightshift.policy.allow-release-namespace", Argument.BOOLEAN));
      Optional<String> release =
          environment.getProperty("nightshift.kubernetes.release-namespace", String.class);

      JobPolicy policy = JobPolicy.of(config, release);

      assertThat(config.namespaceLevels()).containsExactly("team-a=privileged", "data=baseline");
      assertThat(config.serviceAccounts()).containsExactly("data/etl", "team-a/node-debugger");
      assertThat(config.allowReleaseNamespace()).isTrue();
      assertThat(policy.level("team-a")).isEqualTo(Level.PRIVILEGED);
      assertThat(policy.level("data")).isEqualTo(Level.BASELINE);
      assertThat(policy.level("other")).isEqualTo(Level.RESTRICTED);
      assertThat(policy.releaseNamespace()).hasValue("nightshift-system");
    }
  }
}

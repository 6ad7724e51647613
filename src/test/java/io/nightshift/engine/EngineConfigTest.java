package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  @Test
  void
      namespace_quotas_are_read_from_comma_separated_entries_as_an_environment_variable_gives_them() {
    EngineConfig config =
        new EngineConfig(
            Duration.ofMillis(250), 500, List.of("team-a=3", " team-b = 10 "), true, FIVE_MINUTES);

    assertThat(config.quotas()).isEqualTo(Map.of("team-a", 3, "team-b", 10));
    assertThat(config.limits())
        .isEqualTo(new Capacity.Limits(500, Map.of("team-a", 3, "team-b", 10)));
  }

  @Test
  void without_quotas_every_namespace_is_bounded_by_the_cap_only() {
    EngineConfig config = new EngineConfig(Duration.ofMillis(250), 500, null, true, FIVE_MINUTES);

    assertThat(config.quotas()).isEmpty();
  }

  @Test
  void a_bad_cap_or_quota_is_refused_naming_every_bad_entry() {
    assertThatThrownBy(
            () ->
                new EngineConfig(
                    Duration.ofMillis(250),
                    0,
                    List.of("a=0", "Team_B=2", "c", "d=many", "e=1", "e=2"),
                    true,
                    Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nightshift.engine.max-running-steps must be at least 1, was 0")
        .hasMessageContaining("nightshift.engine.resync must be at least 1s, was PT0.01S")
        .hasMessageContaining("\"a=0\": the quota must be at least 1")
        .hasMessageContaining("\"Team_B=2\": the namespace \"Team_B\" is not a DNS-1123 label")
        .hasMessageContaining("\"c\" must be namespace=N")
        .hasMessageContaining("\"d=many\": the quota must be a whole number")
        .hasMessageContaining("\"e=2\": namespace e has a quota already");
  }
}

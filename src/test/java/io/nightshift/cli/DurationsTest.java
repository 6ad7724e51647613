package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parses_what_a_user_writes() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void refuses_what_is_not_a_duration_saying_what_is() {
    for (String bad : new String[] {"", "ten minutes", "10x", "m10", "1h 30m", "-5s", "PT-1H"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("e.g. 90s, 10m, 1h30m");
    }
  }

  @Test
  void ages_read_as_kubectl_prints_them() {
    assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.human(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Durations.human(Duration.ofSeconds(5 * 60 + 30))).isEqualTo("5m30s");
    assertThat(Durations.human(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.human(Duration.ofMinutes(150))).isEqualTo("150m");
    assertThat(Durations.human(Duration.ofMinutes(3 * 60 + 20))).isEqualTo("3h20m");
    assertThat(Durations.human(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Durations.human(Duration.ofHours(2 * 24 + 3))).isEqualTo("2d3h");
    assertThat(Durations.human(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(Durations.human(Duration.ofDays(400))).isEqualTo("400d");
    assertThat(Durations.human(Duration.ofDays(3 * 365 + 10))).isEqualTo("3y10d");
    assertThat(Durations.human(Duration.ofDays(9 * 365))).isEqualTo("9y");
    assertThat(Durations.human(Duration.ofMillis(-500))).isEqualTo("0s");
    assertThat(Durations.human(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
  }

  @Test
  void seconds_have_one_decimal() {
    assertThat(Durations.seconds(Duration.ofMillis(12_340))).isEqualTo("12.3");
    assertThat(Durations.seconds(Duration.ofMillis(12_360))).isEqualTo("12.4");
    assertThat(Durations.seconds(Duration.ZERO)).isEqualTo("0.0");
  }

  @Test
  void server_waits_stay_within_the_servers_syntax_and_cap() {
    assertThat(Durations.serverWait(Duration.ofSeconds(60))).isEqualTo("60s");
    assertThat(Durations.serverWait(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.serverWait(Duration.ofHours(1))).isEqualTo("600s");
    assertThat(Durations.serverWait(Duration.ZERO)).isEqualTo("1ms");
  }
}

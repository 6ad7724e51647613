package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelsTest {

  @ParameterizedTest(name = "{0} ms reads {1}")
  @CsvSource({
    "0, 0s",
    "-5000, 0s",
    "850, 850ms",
    "1000, 1s",
    "2500, 2.5s",
    "9999, 9.9s",
    "10400, 10s",
    "45000, 45s",
    "60000, 1m",
    "83000, 1m 23s",
    "3600000, 1h",
    "7500000, 2h 5m",
    "86400000, 1d",
    "273600000, 3d 4h",
  })
  void durations_read_in_their_two_largest_units(long millis, String words) {
    assertThat(Labels.duration(Duration.ofMillis(millis))).isEqualTo(words);
  }

  @Test
  void text_that_fits_is_left_whole() {
    assertThat(Labels.cut("load", 4)).isEqualTo("load");
  }

  @Test
  void longer_text_is_cut_to_the_limit_with_an_ellipsis() {
    assertThat(Labels.cut("load-orders", 5)).isEqualTo("load…");
  }

  @Test
  void cutting_never_splits_a_character_outside_the_basic_plane() {
    assertThat(Labels.cut("🚀🚀🚀🚀", 3)).isEqualTo("🚀🚀…");
  }
}

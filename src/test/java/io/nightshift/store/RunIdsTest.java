package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  @Test
  void ids_are_26_crockford_characters_and_sort_by_time() {
    String earlier = RunIds.next(Instant.parse("2026-11-23T02:00:00Z"));
    String later = RunIds.next(Instant.parse("2026-11-23T02:00:00.001Z"));

    assertThat(earlier).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(earlier).isLessThan(later);
  }

  @Test
  void ids_at_the_same_millisecond_differ() {
    Instant now = Instant.parse("2026-11-23T02:00:00Z");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(RunIds.next(now));
    }
    assertThat(ids).hasSize(10_000);
  }
}

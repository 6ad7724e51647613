package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

  @Test
  void unreserved_characters_stay_as_they_are() {
    assertThat(PathSegments.encode("01JD7Q-backup_2.x~")).isEqualTo("01JD7Q-backup_2.x~");
  }

  @Test
  void a_slash_a_brace_a_space_and_non_ascii_are_percent_encoded_as_utf_8() {
    assertThat(PathSegments.encode("a/b {step} é")).isEqualTo("a%2Fb%20%7Bstep%7D%20%C3%A9");
  }
}

package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void looks_like_kubectl_upper_case_headers_three_spaces_apart_none_for_empty_cells() {
    String table =
        new Table("name", "schedule", "age")
            .row("nightly-maintenance", "0 2 * * *", "5m")
            .row("adhoc", null, "2d3h")
            .render();

    assertThat(table)
        .isEqualTo(
            """
            NAME                  SCHEDULE    AGE
            nightly-maintenance   0 2 * * *   5m
            adhoc                 <none>      2d3h
            """);
  }

  @Test
  void has_no_trailing_spaces_when_the_last_column_is_short() {
    String table = new Table("a", "b").row("long value", "").row("x", "y").render();

    assertThat(table.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
  }
}

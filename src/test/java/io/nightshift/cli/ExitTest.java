package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitTest {

  @Test
  void a_run_that_ended_gives_its_code_and_one_that_goes_on_none() {
    assertThat(Exit.ofRun("Succeeded")).hasValue(0);
    assertThat(Exit.ofRun("Failed")).hasValue(1);
    assertThat(Exit.ofRun("Cancelled")).hasValue(3);
    assertThat(Exit.ofRun("Skipped")).hasValue(5);
    assertThat(Exit.ofRun("Missed")).hasValue(5);
    assertThat(Exit.ofRun("Running")).isEmpty();
    assertThat(Exit.ofRun("Pending")).isEmpty();
  }

  @Test
  void refused_tokens_server_errors_and_vanished_runs_are_infrastructure_the_rest_of_4xx_usage() {
    assertThat(Exit.ofHttp(401, false)).isEqualTo(10);
    assertThat(Exit.ofHttp(403, false)).isEqualTo(10);
    assertThat(Exit.ofHttp(500, false)).isEqualTo(10);
    assertThat(Exit.ofHttp(503, true)).isEqualTo(10);
    assertThat(Exit.ofHttp(404, true)).as("a run that is gone").isEqualTo(10);
    assertThat(Exit.ofHttp(404, false)).as("no such workflow").isEqualTo(2);
    assertThat(Exit.ofHttp(400, false)).isEqualTo(2);
    assertThat(Exit.ofHttp(409, true)).as("cancel of an ended run").isEqualTo(2);
    assertThat(Exit.ofHttp(422, false)).isEqualTo(2);
    assertThat(Exit.ofHttp(429, false)).as("still too busy after the retries").isEqualTo(10);
  }

  @Test
  void a_signal_exits_with_128_plus_its_number() {
    assertThat(Exit.ofSignal(15)).isEqualTo(143);
    assertThat(Exit.ofSignal(2)).isEqualTo(130);
  }
}

package io.nightshift.executor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorChoiceIT {

  private static Map<String, Object> with(String executor) {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    return NightshiftNode.on(database, "nightshift.executor", executor);
  }

  @Test
  void an_unknown_executor_stops_the_start_with_the_accepted_values() {
    assertThatThrownBy(() -> NightshiftNode.start(with("docker")).close())
        .hasStackTraceContaining("nightshift.executor must be auto, local or kubernetes");
  }

  @Test
  void kubernetes_is_refused_until_that_executor_exists() {
    assertThatThrownBy(() -> NightshiftNode.start(with("kubernetes")).close())
        .hasStackTraceContaining("not in this version yet");
  }
}

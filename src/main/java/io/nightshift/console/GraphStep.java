package io.nightshift.console;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A step of a run as the dependency graph draws it.
 *
 * @param name the step's name, as the user wrote it
 * @param dependsOn names of the steps it waits for; names of no step in the graph are ignored
 * @param status API spelling of its status ({@code Succeeded}, …), see {@link Status}
 * @param attempt which attempt the status belongs to, from 1
 * @param duration how long the attempt ran or has been running, null when not started
 */
public record GraphStep(
    String name, List<String> dependsOn, String status, int attempt, Duration duration) {

  public GraphStep {
    Objects.requireNonNull(name, "name");
    dependsOn =
        dependsOn == null ? List.of() : dependsOn.stream().filter(Objects::nonNull).toList();
  }
}

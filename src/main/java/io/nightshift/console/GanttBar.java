package io.nightshift.console;

import java.time.Instant;
import java.util.Objects;

/**
 * A step of a run as the timeline draws it.
 *
 * @param name the step's name, as the user wrote it
 * @param status API spelling of its status ({@code Succeeded}, …), see {@link Status}
 * @param start when it started, null when it has not
 * @param end when it ended, null while it is still running
 */
public record GanttBar(String name, String status, Instant start, Instant end) {

  public GanttBar {
    Objects.requireNonNull(name, "name");
  }
}

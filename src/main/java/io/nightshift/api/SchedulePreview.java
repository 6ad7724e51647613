package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * The next fire times of a workflow after {@code from}, as RFC 3339 instants in UTC. Empty when the
 * workflow has no schedule. A suspended workflow lists the times it would fire at once resumed.
 */
public record SchedulePreview(
    @Nullable String schedule,
    String timeZone,
    boolean suspended,
    Instant from,
    List<Instant> items) {}

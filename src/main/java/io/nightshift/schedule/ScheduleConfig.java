package io.nightshift.schedule;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The clustered Quartz scheduler of a node.
 *
 * @param threads fires handled at once on this node
 * @param batchSize how many due triggers the node acquires under one lock; more fire faster when
 *     many are due at once, at the cost of a less even spread across nodes (at most {@code threads}
 *     are used)
 * @param clusterCheckinInterval how often the node checks in with the Quartz cluster; a node is
 *     taken for dead about this plus 7.5 s after its last check-in, and its fires are recovered
 * @param misfireThreshold how late a fire may be before it counts as missed
 * @param idleWait how long the scheduler sleeps when it knows of no trigger due sooner
 */
@ConfigurationProperties("nightshift.schedule")
public record ScheduleConfig(
    @Bindable(defaultValue = "8") int threads,
    @Bindable(defaultValue = "8") int batchSize,
    @Bindable(defaultValue = "5s") Duration clusterCheckinInterval,
    @Bindable(defaultValue = "60s") Duration misfireThreshold,
    @Bindable(defaultValue = "5s") Duration idleWait) {}

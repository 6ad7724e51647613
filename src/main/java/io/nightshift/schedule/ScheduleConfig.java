package io.nightshift.schedule;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The clustered Quartz scheduler of a node. It fires one job, {@link ScheduleTick}, once a minute
 * on one node of the cluster; how many schedules are due does not change its work.
 *
 * @param threads Quartz worker threads on this node (the tick needs one; a second lets a recovered
 *     tick run beside a fresh one)
 * @param batchSize how many due Quartz triggers the node acquires under one lock (there is one)
 * @param clusterCheckinInterval how often the node checks in with the Quartz cluster; a node is
 *     taken for dead about this plus 7.5 s after its last check-in, and a tick it was running is
 *     recovered
 * @param misfireThreshold how late the tick may be before Quartz counts it as missed and fires it
 *     once, now (scheduled times themselves are never missed by a late tick: the due scan catches
 *     up from each schedule's stored next fire time)
 * @param idleWait how long the scheduler sleeps when it knows of no trigger due sooner
 */
@ConfigurationProperties("nightshift.schedule")
public record ScheduleConfig(
    @Bindable(defaultValue = "2") int threads,
    @Bindable(defaultValue = "1") int batchSize,
    @Bindable(defaultValue = "5s") Duration clusterCheckinInterval,
    @Bindable(defaultValue = "60s") Duration misfireThreshold,
    @Bindable(defaultValue = "5s") Duration idleWait) {}

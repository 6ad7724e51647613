package io.nightshift.schedule;

import io.micronaut.context.annotation.Context;
import io.nightshift.store.Jdbc;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.store.ScheduleRepository.ScheduleRow;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowChangeListener;
import io.nightshift.workflow.WorkflowMetadata;
import io.nightshift.workflow.WorkflowSpec;
import io.nightshift.workflow.cron.CronSchedule;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each workflow's schedules row in step with its definition, inside the transaction that
 * stores the definition, and stores the definition's generation for its runs to name. The next fire
 * time is kept while the cron, zone and suspension stay the same, so any other change neither skips
 * nor repeats a time; otherwise it is the cron's first time after now (none without a schedule or
 * while suspended, so times while suspended are neither run nor recorded). A deleted workflow's
 * rows go with it (foreign keys, ON DELETE CASCADE).
 */
@Context
public class ScheduleSync implements WorkflowChangeListener {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleSync.class);

  private final ScheduleRepository schedules;
  private final DefinitionCodec codec;
  private final Firing firing;
  private final Clock clock;

  @Inject
  public ScheduleSync(ScheduleRepository schedules, DefinitionCodec codec, Firing firing) {
    this(schedules, codec, firing, Clock.systemUTC());
  }

  ScheduleSync(ScheduleRepository schedules, DefinitionCodec codec, Firing firing, Clock clock) {
    this.schedules = schedules;
    this.codec = codec;
    this.firing = firing;
    this.clock = clock;
  }

  /**
   * Gives a next fire time to scheduled workflows that have none: those migrated without a Quartz
   * trigger to take it from.
   */
  @PostConstruct
  void fillMissingNextFireTimes() {
    Instant now = clock.instant();
    for (ScheduleRow row : schedules.withoutNextFireTime()) {
      try {
        Optional<Instant> next =
            CronSchedule.parse(row.cron()).nextAfter(now, ZoneId.of(row.timeZone()));
        if (next.isPresent() && schedules.setMissingNextFireTime(row, next.get())) {
          LOG.info("{}/{} fires next at {}", row.namespace(), row.name(), next.get());
        }
      } catch (RuntimeException e) {
        LOG.warn("{}/{}: cannot read schedule {}: {}", row.namespace(), row.name(), row.cron(), e);
      }
    }
  }

  @Override
  public void applied(Workflow workflow) {
    WorkflowSpec spec = workflow.spec();
    Optional<ScheduleRow> current = schedules.findForUpdate(workflow.namespace(), workflow.name());
    Instant next =
        nextFireTime(
            current,
            spec.schedule(),
            spec.timeZone(),
            spec.suspend(),
            clock.instant(),
            workflow.metadata().lastScheduleTime().orElse(null));
    schedules.store(
        new ScheduleRow(
            workflow.namespace(),
            workflow.name(),
            UUID.fromString(workflow.metadata().uid()),
            workflow.metadata().generation(),
            spec.schedule(),
            spec.timeZone(),
            spec.suspend(),
            spec.startingDeadlineSeconds(),
            next,
            spec.successfulRunsHistoryLimit(),
            spec.failedRunsHistoryLimit(),
            codec.writeJson(spec.parameters())),
        codec.writeJson(workflow));
    if (next != null) {
      Jdbc.afterCommit(() -> firing.consider(next));
    }
  }

  /**
   * The stored next fire time when cron, zone and suspension did not change, else the cron's next
   * after {@code now}; null when there is no schedule, it is suspended, or it never fires again.
   * Either way never {@code lastRun} or earlier: a time the workflow's source already ran (its
   * {@value WorkflowMetadata#LAST_SCHEDULE_TIME} annotation) is not run again, even by a clock
   * behind the source's.
   *
   * @param lastRun the last time the source ran; null when there is none
   */
  static Instant nextFireTime(
      Optional<ScheduleRow> current,
      String cron,
      String zone,
      boolean suspended,
      Instant now,
      Instant lastRun) {
    if (cron == null || suspended) {
      return null;
    }
    if (current.isPresent()
        && current.get().nextFireTime() != null
        && !current.get().suspended()
        && Objects.equals(current.get().cron(), cron)
        && Objects.equals(current.get().timeZone(), zone)
        && (lastRun == null || current.get().nextFireTime().isAfter(lastRun))) {
      return current.get().nextFireTime();
    }
    Instant after = lastRun != null && lastRun.isAfter(now) ? lastRun : now;
    return CronSchedule.parse(cron).nextAfter(after, ZoneId.of(zone)).orElse(null);
  }

  @Override
  public void deleted(String namespace, String name) {
    // The schedules row and the stored generations go with the workflows row, by foreign key.
  }
}

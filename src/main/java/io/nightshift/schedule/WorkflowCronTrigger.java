package io.nightshift.schedule;

import io.nightshift.workflow.cron.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import org.quartz.Calendar;
import org.quartz.ScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.impl.triggers.AbstractTrigger;

/**
 * A Quartz trigger that fires on Nightshift's own cron ({@link CronSchedule}), so that what the
 * schedule preview shows is exactly when the trigger fires: Kubernetes' day-of-month/day-of-week
 * rule and our daylight-saving rules, which Quartz's CronTrigger does not share. It is stored by
 * {@link WorkflowCronTriggerPersistenceDelegate} in Quartz's simple-properties table.
 *
 * <p>A misfire (the cluster was down at a fire time) fires once, now: the fire only wakes the
 * engine, which decides from the run history which missed times to run or record as Missed.
 *
 * <p>Quartz keeps time on the system clock (it calls {@code new Date()} throughout), so this
 * adapter does too; Nightshift's own decisions take the injected Clock.
 */
public class WorkflowCronTrigger extends AbstractTrigger<WorkflowCronTrigger> {

  private static final long serialVersionUID = 1L;

  private String cronExpression;
  private String timeZone;
  private Date startTime = new Date();
  private Date endTime;
  private Date nextFireTime;
  private Date previousFireTime;
  private transient CronSchedule schedule;

  public String getCronExpression() {
    return cronExpression;
  }

  public void setCronExpression(String cronExpression) {
    this.cronExpression = cronExpression;
    this.schedule = null;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  private CronSchedule schedule() {
    if (schedule == null) {
      schedule = CronSchedule.parse(cronExpression);
    }
    return schedule;
  }

  @Override
  public Date getStartTime() {
    return startTime;
  }

  @Override
  public void setStartTime(Date startTime) {
    this.startTime = startTime;
  }

  @Override
  public Date getEndTime() {
    return endTime;
  }

  @Override
  public void setEndTime(Date endTime) {
    this.endTime = endTime;
  }

  @Override
  public Date getNextFireTime() {
    return nextFireTime;
  }

  @Override
  public void setNextFireTime(Date nextFireTime) {
    this.nextFireTime = nextFireTime;
  }

  @Override
  public Date getPreviousFireTime() {
    return previousFireTime;
  }

  @Override
  public void setPreviousFireTime(Date previousFireTime) {
    this.previousFireTime = previousFireTime;
  }

  @Override
  public Date getFireTimeAfter(Date after) {
    Instant from = after == null ? Instant.now() : after.toInstant();
    if (startTime != null && from.isBefore(startTime.toInstant())) {
      from = startTime.toInstant().minusMillis(1);
    }
    Date next = schedule().nextAfter(from, ZoneId.of(timeZone)).map(Date::from).orElse(null);
    return next == null || (endTime != null && next.after(endTime)) ? null : next;
  }

  @Override
  public Date getFinalFireTime() {
    return null;
  }

  @Override
  public boolean mayFireAgain() {
    return nextFireTime != null;
  }

  @Override
  public Date computeFirstFireTime(Calendar calendar) {
    nextFireTime = includedFireTimeAfter(new Date(startTime.getTime() - 1), calendar);
    return nextFireTime;
  }

  @Override
  public void triggered(Calendar calendar) {
    previousFireTime = nextFireTime;
    nextFireTime = includedFireTimeAfter(nextFireTime, calendar);
  }

  @Override
  public void updateAfterMisfire(Calendar calendar) {
    if (getMisfireInstruction() == MISFIRE_INSTRUCTION_IGNORE_MISFIRE_POLICY
        || nextFireTime == null) {
      return;
    }
    // Fire once, now; the engine works out which of the missed times, if any, to run.
    nextFireTime = new Date();
  }

  @Override
  public void updateWithNewCalendar(Calendar calendar, long misfireThreshold) {
    nextFireTime = includedFireTimeAfter(previousFireTime, calendar);
  }

  private Date includedFireTimeAfter(Date after, Calendar calendar) {
    Date next = getFireTimeAfter(after);
    while (next != null && calendar != null && !calendar.isTimeIncluded(next.getTime())) {
      next = getFireTimeAfter(next);
    }
    return next;
  }

  @Override
  protected boolean validateMisfireInstruction(int instruction) {
    return instruction == MISFIRE_INSTRUCTION_SMART_POLICY
        || instruction == MISFIRE_INSTRUCTION_IGNORE_MISFIRE_POLICY;
  }

  @Override
  public ScheduleBuilder<WorkflowCronTrigger> getScheduleBuilder() {
    return new Builder(cronExpression, timeZone);
  }

  /** Builds this trigger from a cron and a time zone, for Quartz's {@code TriggerBuilder}. */
  public static final class Builder extends ScheduleBuilder<WorkflowCronTrigger> {
    private final String cronExpression;
    private final String timeZone;

    public Builder(String cronExpression, String timeZone) {
      CronSchedule.parse(cronExpression);
      ZoneId.of(timeZone);
      this.cronExpression = cronExpression;
      this.timeZone = timeZone;
    }

    @Override
    protected WorkflowCronTrigger build() {
      WorkflowCronTrigger trigger = new WorkflowCronTrigger();
      trigger.setCronExpression(cronExpression);
      trigger.setTimeZone(timeZone);
      trigger.setMisfireInstruction(Trigger.MISFIRE_INSTRUCTION_SMART_POLICY);
      return trigger;
    }
  }
}

package io.nightshift.schedule;

import io.nightshift.cluster.LeaderElector;
import io.nightshift.cluster.Lease;
import io.nightshift.cluster.LeaseStore;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one clustered Quartz job: at second 0 of every minute it fires on one node of the cluster.
 * Every cron time is on a minute, so this tick is all the clock firing needs. On the leader it
 * wakes {@link Firing}. On another node it scans only while no node holds a valid lease, recording
 * due runs as Pending for the next leader, so that no scheduled time is lost while leadership
 * changes hands; while a leader holds the lease, its own timer fires.
 *
 * <p>The Quartz store holds this job and its trigger only, however many workflows there are.
 */
@Singleton
@DisallowConcurrentExecution
public class ScheduleTick implements Job {

  /** Outside any namespace: a namespace is a DNS label, with no dot. */
  static final String GROUP = "nightshift.io";

  static final JobKey JOB = JobKey.jobKey("schedule-tick", GROUP);
  static final TriggerKey TRIGGER = TriggerKey.triggerKey("schedule-tick", GROUP);

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleTick.class);

  private final LeaderElector elector;
  private final LeaseStore leases;
  private final Firing firing;
  private final DueScan scan;

  public ScheduleTick(LeaderElector elector, LeaseStore leases, Firing firing, DueScan scan) {
    this.elector = elector;
    this.leases = leases;
    this.firing = firing;
    this.scan = scan;
  }

  /**
   * Adds the tick's job and trigger to the clustered store unless a node already did. A misfire
   * (the whole cluster was down at a minute) fires once, now.
   */
  static void install(Scheduler scheduler) throws SchedulerException {
    if (scheduler.checkExists(TRIGGER)) {
      return;
    }
    try {
      scheduler.scheduleJob(
          JobBuilder.newJob(ScheduleTick.class)
              .withIdentity(JOB)
              .storeDurably()
              .requestRecovery()
              .build(),
          TriggerBuilder.newTrigger()
              .withIdentity(TRIGGER)
              .forJob(JOB)
              .withSchedule(
                  CronScheduleBuilder.cronSchedule("0 * * * * ?")
                      .inTimeZone(TimeZone.getTimeZone("UTC"))
                      .withMisfireHandlingInstructionFireAndProceed())
              .build());
    } catch (ObjectAlreadyExistsException installedByAnotherNode) {
      // another node starting at the same moment
    }
  }

  @Override
  public void execute(JobExecutionContext context) {
    if (elector.isLeader()) {
      firing.wake();
      return;
    }
    // Quartz keeps time on the system clock; so do schedules.
    Instant now = Instant.now();
    Lease lease = leases.current();
    if (lease.holder() != null && lease.expiresAt().isAfter(now)) {
      return;
    }
    LOG.info("No leader at {}: node {} records the due runs", now, elector.nodeId());
    scan.unfenced(now);
  }
}

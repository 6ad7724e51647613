package io.nightshift.schedule;

import io.nightshift.store.RunRepository;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowNotFoundException;
import io.nightshift.workflow.WorkflowService;
import io.nightshift.workflow.cron.CronSchedule;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Optional;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on whichever node Quartz fires a workflow's trigger: records the run for the scheduled time,
 * once. Quartz may fire a trigger twice across a node failure (its recovery is at-least-once); the
 * run key makes the second fire a no-op.
 */
@Singleton
public class FireJob implements Job {

  static final String NAMESPACE = "namespace";
  static final String WORKFLOW = "workflow";

  private static final Logger LOG = LoggerFactory.getLogger(FireJob.class);

  private final WorkflowService workflows;
  private final RunRepository runs;
  private final DefinitionCodec codec;

  public FireJob(WorkflowService workflows, RunRepository runs, DefinitionCodec codec) {
    this.workflows = workflows;
    this.runs = runs;
    this.codec = codec;
  }

  @Override
  public void execute(JobExecutionContext context) {
    JobDataMap data = context.getMergedJobDataMap();
    String namespace = data.getString(NAMESPACE);
    String name = data.getString(WORKFLOW);
    Workflow workflow;
    try {
      workflow = workflows.get(namespace, name);
    } catch (WorkflowNotFoundException e) {
      return; // deleted since the fire was acquired
    }
    Date previous = context.getPreviousFireTime();
    // Times after the previous fire (it had its run), or from the trigger's start on.
    Instant after =
        previous != null
            ? previous.toInstant()
            : context.getTrigger().getStartTime().toInstant().minusMillis(1);
    Long deadline = workflow.spec().startingDeadlineSeconds();
    Optional<FireDecision> decision =
        FireDecision.decide(
            CronSchedule.parse(workflow.spec().schedule()),
            ZoneId.of(workflow.spec().timeZone()),
            after,
            context.getScheduledFireTime().toInstant(),
            deadline == null ? null : Duration.ofSeconds(deadline));
    if (decision.isEmpty()) {
      return;
    }
    for (Instant missed : decision.get().missed()) {
      runs.insertOnce(
          namespace,
          name,
          "schedule",
          missed,
          "Missed",
          codec.writeJson(workflow.spec().parameters()),
          codec.writeJson(workflow),
          workflows.now());
    }
    Instant scheduled = decision.get().scheduledTime();
    String status = decision.get().tooLate() ? "Missed" : "Pending";
    Optional<RunRepository.NewRun> run =
        runs.insertOnce(
            namespace,
            name,
            "schedule",
            scheduled,
            status,
            codec.writeJson(workflow.spec().parameters()),
            codec.writeJson(workflow),
            workflows.now());
    run.ifPresent(
        created ->
            LOG.info(
                "{}/{} fired for {}: run {} #{} {}",
                namespace,
                name,
                scheduled,
                created.id(),
                created.seq(),
                status));
  }
}

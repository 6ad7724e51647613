package io.nightshift.schedule;

import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowChangeListener;
import jakarta.inject.Singleton;
import java.util.Date;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * Keeps each workflow's Quartz trigger in step with its definition, inside the transaction that
 * stores the definition: a workflow with a schedule and not suspended has one trigger, any other
 * has none.
 */
@Singleton
public class TriggerSync implements WorkflowChangeListener {

  private final QuartzScheduler quartz;

  public TriggerSync(QuartzScheduler quartz) {
    this.quartz = quartz;
  }

  static JobKey jobKey(String namespace, String name) {
    return JobKey.jobKey(name, namespace);
  }

  @Override
  public void applied(Workflow workflow) {
    JobKey key = jobKey(workflow.namespace(), workflow.name());
    try {
      if (workflow.spec().schedule() == null || workflow.spec().suspend()) {
        quartz.scheduler().deleteJob(key);
        return;
      }
      JobDetail job =
          JobBuilder.newJob(FireJob.class)
              .withIdentity(key)
              .usingJobData(FireJob.NAMESPACE, workflow.namespace())
              .usingJobData(FireJob.WORKFLOW, workflow.name())
              .build();
      Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity(key.getName(), key.getGroup())
              .forJob(key)
              // Quartz keeps time on the system clock; the trigger starts on Quartz's now.
              .startAt(new Date())
              .withSchedule(
                  new WorkflowCronTrigger.Builder(
                      workflow.spec().schedule(), workflow.spec().timeZone()))
              .build();
      quartz.scheduler().scheduleJob(job, Set.of(trigger), true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot update the trigger of " + key, e);
    }
  }

  @Override
  public void deleted(String namespace, String name) {
    try {
      quartz.scheduler().deleteJob(jobKey(namespace, name));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot delete the trigger of " + namespace + "/" + name, e);
    }
  }
}

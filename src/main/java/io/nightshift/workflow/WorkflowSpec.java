package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/**
 * What a workflow runs and when. Absent fields take the defaults set below: CronJob's, except that
 * the time zone is UTC.
 *
 * @param schedule 5-field cron or a macro (@hourly, @daily, …); none: started through the API only
 * @param timeZone the IANA time zone the schedule is read in (default UTC)
 * @param concurrencyPolicy what a new run does while another runs (default Allow)
 * @param startingDeadlineSeconds a fire later than this is Missed, never run (0 to 2592000)
 * @param suspend true: the schedule fires no runs (default false)
 * @param successfulRunsHistoryLimit Succeeded runs kept (0 to 1000, default 3)
 * @param failedRunsHistoryLimit other ended runs kept (0 to 1000, default 1)
 * @param activeDeadlineSeconds a run still active after this fails (1 to 2592000)
 * @param parameters defaults a manual run may override, injected as upper-snake env variables
 * @param steps 1 to 100 steps, run along their dependsOn
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowSpec(
    @Nullable String schedule,
    @Nullable String timeZone,
    @Nullable ConcurrencyPolicy concurrencyPolicy,
    @Nullable Long startingDeadlineSeconds,
    @Nullable Boolean suspend,
    @Nullable Integer successfulRunsHistoryLimit,
    @Nullable Integer failedRunsHistoryLimit,
    @Nullable Long activeDeadlineSeconds,
    @Nullable Map<String, String> parameters,
    List<Step> steps) {

  public static final String DEFAULT_TIME_ZONE = "UTC";
  public static final int DEFAULT_SUCCESSFUL_RUNS_HISTORY_LIMIT = 3;
  public static final int DEFAULT_FAILED_RUNS_HISTORY_LIMIT = 1;

  public WorkflowSpec {
    timeZone = timeZone == null ? DEFAULT_TIME_ZONE : timeZone;
    concurrencyPolicy = concurrencyPolicy == null ? ConcurrencyPolicy.ALLOW : concurrencyPolicy;
    suspend = suspend != null && suspend;
    successfulRunsHistoryLimit =
        successfulRunsHistoryLimit == null
            ? DEFAULT_SUCCESSFUL_RUNS_HISTORY_LIMIT
            : successfulRunsHistoryLimit;
    failedRunsHistoryLimit =
        failedRunsHistoryLimit == null ? DEFAULT_FAILED_RUNS_HISTORY_LIMIT : failedRunsHistoryLimit;
    parameters = parameters == null ? Map.of() : Immutable.map(parameters);
    steps = Immutable.list(steps);
  }

  public WorkflowSpec withSuspend(boolean suspend) {
    return new WorkflowSpec(
        schedule,
        timeZone,
        concurrencyPolicy,
        startingDeadlineSeconds,
        suspend,
        successfulRunsHistoryLimit,
        failedRunsHistoryLimit,
        activeDeadlineSeconds,
        parameters,
        steps);
  }
}

package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a workflow runs and when. Absent fields take the defaults set below: CronJob's, except that
 * the time zone is UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowSpec(
    String schedule,
    String timeZone,
    ConcurrencyPolicy concurrencyPolicy,
    Long startingDeadlineSeconds,
    Boolean suspend,
    Integer successfulRunsHistoryLimit,
    Integer failedRunsHistoryLimit,
    Long activeDeadlineSeconds,
    Map<String, String> parameters,
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

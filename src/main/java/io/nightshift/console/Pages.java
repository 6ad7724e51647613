package io.nightshift.console;

import java.util.List;
import java.util.Map;

/** What each page of the console shows: plain values, which the templates only lay out. */
public final class Pages {

  private Pages() {}

  /**
   * What every page has around its content.
   *
   * @param section which item of the navigation is current
   * @param user who is signed in; empty on the sign-in page
   * @param operates whether the caller may run, cancel, retry, suspend and resume
   * @param admin whether the caller may read the audit trail
   * @param csrf the session's CSRF token, for every form and htmx request
   * @param notice a message about the last action, e.g. "2 workflows suspended"; may be empty
   */
  public record Chrome(
      String title,
      String section,
      String user,
      String role,
      boolean operates,
      boolean admin,
      String csrf,
      String notice) {}

  /** One dot of a workflow's strip of recent runs. */
  public record RunDot(String id, String status, String label) {}

  public record WorkflowRow(
      String namespace,
      String name,
      String schedule,
      String nextRun,
      String lastStatus,
      List<RunDot> recent,
      boolean suspended,
      String labels) {

    public String key() {
      return namespace + "/" + name;
    }
  }

  public record Filters(String namespace, String label, String status, String search) {

    public boolean any() {
      return !namespace.isEmpty() || !label.isEmpty() || !status.isEmpty() || !search.isEmpty();
    }

    /** The filters as a query string, {@code ?q=…&…}; empty when there are none. */
    public String query() {
      if (!any()) {
        return "";
      }
      return "?q="
          + encode(search)
          + "&namespace="
          + encode(namespace)
          + "&label="
          + encode(label)
          + "&status="
          + encode(status);
    }

    private static String encode(String value) {
      return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public record WorkflowsPage(
      Chrome chrome, Filters filters, List<String> namespaces, List<WorkflowRow> rows, int total) {}

  /** A fire time in the workflow's zone and in UTC. */
  public record FireTime(String zoned, String utc) {}

  /** One column of the grid: a run, and each step's status in it (by step name). */
  public record GridRun(
      String id, long seq, String status, String label, Map<String, String> steps) {}

  public record Parameter(String name, String value) {}

  public record WorkflowPage(
      Chrome chrome,
      String namespace,
      String name,
      String schedule,
      boolean suspended,
      String yaml,
      List<FireTime> next,
      String zone,
      List<String> steps,
      List<GridRun> grid,
      List<Parameter> parameters,
      String backfillFrom,
      String backfillTo,
      List<FireTime> backfillPreview,
      String backfillError) {}

  public record StepLine(
      String name,
      String status,
      int attempt,
      String started,
      String duration,
      String reason,
      String message,
      String exitCode,
      boolean hasLog) {}

  public record RunPage(
      Chrome chrome,
      String id,
      String namespace,
      String workflow,
      long seq,
      String status,
      String trigger,
      String scheduled,
      String started,
      String duration,
      String reason,
      String message,
      boolean ended,
      boolean cancellable,
      boolean retryable,
      String graph,
      String gantt,
      List<StepLine> steps,
      String logStep,
      String log,
      boolean logLive,
      String logNote) {}

  public record NodeLine(String id, String started, String lastSeen, boolean leader) {}

  public record ClusterPage(
      Chrome chrome,
      String self,
      String leader,
      String since,
      String fencingToken,
      String expires,
      List<NodeLine> nodes) {}

  public record AuditLine(
      String time, String actor, String action, String target, int status, String detail) {}

  public record AuditPage(
      Chrome chrome, String actor, String action, List<AuditLine> events, boolean more) {}

  /**
   * @param provider the OIDC provider's name on its sign-in button; empty when none is configured
   */
  public record SignInPage(Chrome chrome, String next, String error, String provider) {}

  public record MessagePage(Chrome chrome, String heading, String text) {}
}

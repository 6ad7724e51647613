package io.nightshift.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.nightshift.engine.RunService;
import io.nightshift.engine.RunService.RunView;
import io.nightshift.executor.Executor;
import io.nightshift.executor.FollowedLog;
import io.nightshift.executor.StepLog;
import io.nightshift.run.RunRow;
import io.nightshift.run.StepRow;
import io.nightshift.security.Role;
import io.nightshift.workflow.Violation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs: start one now, read one, wait for one, list a workflow's history, read a step's log.
 * Viewers read; operators start, backfill, retry and cancel.
 */
@Controller("/api/v1")
@Secured(Role.VIEWER_NAME)
@ProblemResponses.TokenNeeded
public class RunController {

  private static final Pattern WAIT = Pattern.compile("([0-9]{1,6})(ms|s|m)?");
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);
  private static final int MAX_IDEMPOTENCY_KEY = 255;
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunService runs;
  private final Executor executor;
  private final LogsConfig logsConfig;
  private final WaitLimiter waits;

  public RunController(
      RunService runs, Executor executor, LogsConfig logsConfig, WaitLimiter waits) {
    this.runs = runs;
    this.executor = executor;
    this.logsConfig = logsConfig;
    this.waits = waits;
  }

  /** The body of a manual run. */
  public record RunRequest(@Nullable Map<String, String> parameters) {}

  /**
   * A step as the API shows it.
   *
   * @param exitCode the exit code of the current attempt's process, or on Kubernetes of its Job's
   *     failing container (0 when the Job completed); null while it runs or when unknown
   * @param links where its log is; null until the step has started
   */
  public record StepBody(
      String name,
      String status,
      int attempt,
      @Nullable String jobName,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable Integer exitCode,
      @Nullable String reason,
      @Nullable String message,
      @Nullable StepLinks links) {}

  /** Where a started step's log is read (add {@code ?follow=true} to stream it). */
  public record StepLinks(String logs) {}

  /**
   * A run as the API shows it.
   *
   * @param terminal whether the run can no longer change by itself: it ended (only a retry makes it
   *     run again). What a poller waits for.
   * @param links where the run is read, cancelled and retried, and its steps' logs: {@code logs} is
   *     a URI template (RFC 6570) with a {@code {step}} variable
   */
  public record RunBody(
      String id,
      String namespace,
      String workflow,
      long seq,
      String trigger,
      String status,
      boolean terminal,
      @Nullable String reason,
      @Nullable String message,
      Instant scheduledTime,
      Instant createdAt,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      Map<String, String> parameters,
      List<StepBody> steps,
      RunLinks links) {}

  /** The run's own URIs, relative to the server; {@code logs} is a template over {@code {step}}. */
  public record RunLinks(String self, String cancel, String retry, String logs) {

    static RunLinks of(String runId) {
      String self = RUNS + PathSegments.encode(runId);
      return new RunLinks(self, self + "/cancel", self + "/retry", self + "/steps/{step}/logs");
    }

    /** The log of one step of the run. */
    static String logs(String runId, String step) {
      return RUNS + PathSegments.encode(runId) + "/steps/" + PathSegments.encode(step) + "/logs";
    }
  }

  private static final String RUNS = "/api/v1/runs/";

  /**
   * Starts a run of the workflow now, under its concurrency policy, with the workflow's parameters
   * and the body's overrides (each must be declared by the workflow).
   *
   * @param wait block until the run ends or this long has passed: a number with ms, s (the default)
   *     or m, at most 10m
   * @param idempotencyKey 1 to 255 characters: the same key for the same workflow gives the same
   *     run
   */
  @Post(uri = "/namespaces/{namespace}/workflows/{name}/runs")
  @Secured(Role.OPERATOR_NAME)
  @Audited("run.create")
  @ApiResponse(
      responseCode = "201",
      description = "the run, as it is now or, with ?wait, once it ended or the wait ran out",
      useReturnTypeSchema = true,
      headers =
          @io.swagger.v3.oas.annotations.headers.Header(
              name = "Location",
              description = "/api/v1/runs/{id}",
              schema = @Schema(type = "string")))
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Invalid
  @ProblemResponses.TooManyWaits
  public HttpResponse<RunBody> runNow(
      Authentication authentication,
      String namespace,
      String name,
      @Nullable @Body RunRequest request,
      @Nullable @QueryValue String wait,
      @Nullable @Header("Idempotency-Key") String idempotencyKey)
      throws InterruptedException {
    Visibility.workflow(authentication, namespace, name);
    Optional<Duration> waitFor = parseWait(wait);
    if (idempotencyKey != null
        && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
      throw new BadRequestException(
          List.of(
              new Violation(
                  "Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters")));
    }
    Map<String, String> overrides =
        request == null || request.parameters() == null ? Map.of() : request.parameters();
    // Past the caps of waits the whole request is refused before the run is created, so that the
    // client can send it again, with the same Idempotency-Key, and get one run.
    RunView run;
    try (WaitLimiter.Permit permit = waitFor.isPresent() ? acquireWait(authentication) : null) {
      run = runs.runNow(namespace, name, overrides, Optional.ofNullable(idempotencyKey));
      if (waitFor.isPresent()) {
        run = runs.await(run.run().id(), waitFor.get());
      }
    }
    return HttpResponse.<RunBody>status(HttpStatus.CREATED)
        .header("Location", "/api/v1/runs/" + run.run().id())
        .body(body(run));
  }

  /** The body of a backfill: a closed range of scheduled times. */
  public record BackfillRequest(@Nullable String from, @Nullable String to) {}

  public record BackfillBody(List<RunBody> items, List<Instant> alreadyRun) {}

  /**
   * One run per scheduled time in the range (both ends included, at most 1,000), under the
   * workflow's concurrency policy; a time that already has a run gets none.
   */
  @Post(uri = "/namespaces/{namespace}/workflows/{name}/backfill")
  @Secured(Role.OPERATOR_NAME)
  @Audited("run.backfill")
  @ApiResponse(
      responseCode = "201",
      description = "the runs created, and the times that had a run already",
      useReturnTypeSchema = true)
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Invalid
  public HttpResponse<BackfillBody> backfill(
      Authentication authentication,
      String namespace,
      String name,
      @Nullable @Body BackfillRequest request) {
    Visibility.workflow(authentication, namespace, name);
    List<Violation> violations = new ArrayList<>();
    Instant from =
        Instants.parse("/from", request == null ? null : request.from(), true, violations);
    Instant to = Instants.parse("/to", request == null ? null : request.to(), true, violations);
    if (!violations.isEmpty()) {
      throw new BadRequestException(violations);
    }
    RunService.Backfill backfill = runs.backfill(namespace, name, from, to);
    return HttpResponse.<BackfillBody>status(HttpStatus.CREATED)
        .body(
            new BackfillBody(
                backfill.created().stream().map(RunController::body).toList(),
                backfill.alreadyRun()));
  }

  /** Runs the failed and skipped steps of a finished run again: 202 with the run, Pending. */
  @Post(uri = "/runs/{id}/retry")
  @Secured(Role.OPERATOR_NAME)
  @Audited("run.retry")
  @ApiResponse(responseCode = "202", description = "the run, Pending", useReturnTypeSchema = true)
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  public HttpResponse<RunBody> retry(Authentication authentication, String id) {
    visibleRun(authentication, id);
    return HttpResponse.<RunBody>status(HttpStatus.ACCEPTED).body(body(runs.retry(id)));
  }

  /** Asks the leader to cancel the run: 202 with the run as it is now. */
  @Post(uri = "/runs/{id}/cancel")
  @Secured(Role.OPERATOR_NAME)
  @Audited("run.cancel")
  @ApiResponse(
      responseCode = "202",
      description = "the run as it is now; the leader ends it Cancelled",
      useReturnTypeSchema = true)
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  public HttpResponse<RunBody> cancel(Authentication authentication, String id) {
    visibleRun(authentication, id);
    return HttpResponse.<RunBody>status(HttpStatus.ACCEPTED).body(body(runs.cancel(id)));
  }

  /**
   * One run with its steps.
   *
   * @param wait block until the run ends or this long has passed: a number with ms, s (the default)
   *     or m, at most 10m
   */
  @Get(uri = "/runs/{id}")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.TooManyWaits
  @Operation(operationId = "getRun")
  public RunBody get(Authentication authentication, String id, @Nullable @QueryValue String wait)
      throws InterruptedException {
    Optional<Duration> waitFor = parseWait(wait);
    RunView run = visibleRun(authentication, id);
    if (waitFor.isEmpty()) {
      return body(run);
    }
    try (WaitLimiter.Permit permit = acquireWait(authentication)) {
      return body(runs.await(id, waitFor.get()));
    }
  }

  /** A place for one more {@code ?wait} of this caller; 429 past the caps. */
  private WaitLimiter.Permit acquireWait(Authentication authentication) {
    return waits.acquire(authentication.getName());
  }

  /**
   * The workflow's runs, newest first, without their steps.
   *
   * @param status only runs in this status (Pending, Running, Succeeded, Failed, Cancelled,
   *     Skipped, Missed)
   * @param limit how many, 1 to 1000 (default 100)
   * @param cursor the {@code nextCursor} of the previous page
   */
  @Get(uri = "/namespaces/{namespace}/workflows/{name}/runs")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  public ItemList<RunBody> history(
      Authentication authentication,
      String namespace,
      String name,
      @Nullable @QueryValue String status,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    Visibility.workflow(authentication, namespace, name);
    QueryParameters.NumericPage page = QueryParameters.numericPage(limit, cursor);
    return ItemList.firstOf(
        runs.history(namespace, name, Optional.ofNullable(status), page.before(), page.size() + 1),
        page.size(),
        row -> body(new RunView(row, List.of())),
        row -> Long.toString(row.seq()));
  }

  /**
   * Set on a log answer the {@code nightshift.logs.max-bytes} cap cut: its beginning is left out.
   */
  static final String LOG_TRUNCATED = "Nightshift-Log-Truncated";

  /** How many bytes of the log come before the first byte of a cut answer. */
  static final String LOG_BYTES_OMITTED = "Nightshift-Log-Bytes-Omitted";

  private static final MediaType LOG_TYPE = MediaType.of("text/plain; charset=utf-8");

  /**
   * The step's log, streamed from the executor. At most {@code nightshift.logs.max-bytes} of its
   * end, in UTF-8 with invalid bytes replaced by U+FFFD. With {@code ?follow=true} on a step that
   * runs, the answer goes on as the step writes and ends once it has ended and everything it wrote
   * was sent; it holds its connection meanwhile, and counts against the caps of waits.
   *
   * @param tailLines only the last this many lines, 0 to 1000000
   * @param follow true: stream the log of a running step until it has ended
   */
  @Get(uri = "/runs/{id}/steps/{step}/logs")
  @Produces(MediaType.TEXT_PLAIN)
  @ApiResponse(
      responseCode = "200",
      description =
          "what the step printed; on Kubernetes each pod's log under a `==> pod <name> <==` line",
      useReturnTypeSchema = true,
      headers = {
        @io.swagger.v3.oas.annotations.headers.Header(
            name = LOG_TRUNCATED,
            description = "true when the answer is the end of a longer log",
            schema = @Schema(type = "string")),
        @io.swagger.v3.oas.annotations.headers.Header(
            name = LOG_BYTES_OMITTED,
            description = "how many bytes of the log come before the answer",
            schema = @Schema(type = "integer"))
      })
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.TooManyWaits
  public HttpResponse<StreamedFile> logs(
      Authentication authentication,
      String id,
      String step,
      @Nullable @QueryValue String tailLines,
      @Nullable @QueryValue String follow) {
    List<Violation> violations = new ArrayList<>();
    int tail = QueryParameters.intInRange("tailLines", tailLines, 0, 0, 1_000_000, violations);
    boolean following = QueryParameters.bool("follow", follow, violations);
    QueryParameters.check(violations);
    RunView run = visibleRun(authentication, id);
    StepRow row = startedStep(run, step);
    OptionalInt lines = tailLines == null ? OptionalInt.empty() : OptionalInt.of(tail);
    if (following && !row.status().ended()) {
      return followed(authentication, run.run(), row, lines);
    }
    StepLog log =
        executor
            .logs(run.run().namespace(), row.jobName(), lines, logsConfig.maxBytes())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "the log of step \""
                            + step
                            + "\" of run "
                            + id
                            + " is gone: its process or its Job's pods no longer exist"));
    return logAnswer(log.body(), log.omittedBytes());
  }

  private static StepRow startedStep(RunView run, String step) {
    return run.steps().stream()
        .filter(s -> s.name().equals(step) && s.jobName() != null)
        .findFirst()
        .orElseThrow(
            () ->
                new NotFoundException(
                    "run " + run.run().id() + " has no started step \"" + step + "\""));
  }

  /**
   * The log of a running step as it grows, until its attempt has ended. A place among the waits is
   * taken first (429 past the caps) and given back when the answer ends or the client leaves; the
   * stream reads the executor between polls and holds no database connection.
   */
  private HttpResponse<StreamedFile> followed(
      Authentication authentication, RunRow run, StepRow step, OptionalInt lines) {
    WaitLimiter.Permit permit = waits.acquireFollow(authentication.getName());
    FollowedLog log;
    try {
      log =
          FollowedLog.start(
              executor.follow(run.namespace(), step.jobName(), lines, logsConfig.maxBytes()),
              () -> attemptEnded(run.id(), step.name(), step.jobName()),
              logsConfig.followInterval(),
              logsConfig.followGrace(),
              permit::close);
    } catch (RuntimeException e) {
      permit.close();
      throw e;
    }
    return logAnswer(StepLog.replacingInvalidUtf8(log), log.omittedBytes());
  }

  /**
   * Whether the attempt {@code jobName} of the step can write no more: the step has ended, runs
   * another attempt, or is gone with its run.
   */
  private boolean attemptEnded(String runId, String step, String jobName) {
    try {
      return runs.get(runId).steps().stream()
          .filter(row -> row.name().equals(step))
          .findFirst()
          .map(row -> row.status().ended() || !jobName.equals(row.jobName()))
          .orElse(true);
    } catch (RunService.RunNotFoundException gone) {
      return true;
    }
  }

  private static MutableHttpResponse<StreamedFile> logAnswer(InputStream body, long omitted) {
    MutableHttpResponse<StreamedFile> response =
        HttpResponse.ok(new StreamedFile(body, LOG_TYPE)).contentType(LOG_TYPE);
    if (omitted > 0) {
      response.header(LOG_TRUNCATED, "true");
      response.header(LOG_BYTES_OMITTED, Long.toString(omitted));
    }
    return response;
  }

  /** The run, if the caller may see it; else the 404 of a run that does not exist. */
  private RunView visibleRun(Authentication authentication, String id) {
    return Visibility.run(authentication, runs.get(id));
  }

  private static Optional<Duration> parseWait(String wait) {
    if (wait == null || wait.isEmpty()) {
      return Optional.empty();
    }
    Matcher matcher = WAIT.matcher(wait);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "s" : matcher.group(2);
      Duration duration =
          switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
          };
      if (duration.compareTo(MAX_WAIT) <= 0) {
        return Optional.of(duration);
      }
    }
    throw new BadRequestException(
        List.of(
            new Violation(
                "?wait",
                "must be a duration of at most 10m, e.g. 60s or 5m, not \"" + wait + "\"")));
  }

  private static RunBody body(RunView view) {
    RunRow run = view.run();
    return new RunBody(
        run.id(),
        run.namespace(),
        run.workflow(),
        run.seq(),
        run.trigger().spelling(),
        run.status().spelling(),
        run.status().ended(),
        run.reason(),
        run.message(),
        run.scheduledTime(),
        run.createdAt(),
        run.startedAt(),
        run.finishedAt(),
        parameters(run.parameters()),
        view.steps().stream().map(step -> body(run.id(), step)).toList(),
        RunLinks.of(run.id()));
  }

  private static StepBody body(String runId, StepRow step) {
    return new StepBody(
        step.name(),
        step.status().spelling(),
        step.attempt(),
        step.jobName(),
        step.startedAt(),
        step.finishedAt(),
        step.exitCode(),
        step.reason(),
        step.message(),
        step.jobName() == null ? null : new StepLinks(RunLinks.logs(runId, step.name())));
  }

  private static Map<String, String> parameters(String json) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

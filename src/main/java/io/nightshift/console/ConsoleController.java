package io.nightshift.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.nightshift.cluster.ClusterConfig;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.cluster.Lease;
import io.nightshift.cluster.LeaseStore;
import io.nightshift.engine.RunService;
import io.nightshift.engine.RunService.RunView;
import io.nightshift.executor.Executor;
import io.nightshift.executor.StepLog;
import io.nightshift.run.RunRow;
import io.nightshift.run.StepRow;
import io.nightshift.security.AuditEvent;
import io.nightshift.security.AuditLog;
import io.nightshift.security.Caller;
import io.nightshift.security.Role;
import io.nightshift.workflow.ConflictException;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.InvalidDefinitionException;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowNotFoundException;
import io.nightshift.workflow.WorkflowService;
import io.nightshift.workflow.cron.CronSchedule;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The web console: pages rendered on the server, from the same services the API calls, under the
 * same roles and namespace scopes. A page without a session sends the browser to the sign-in page;
 * every form that changes something must carry the session's CSRF token and come from this origin.
 * Each page works without JavaScript (forms post, pages reload); htmx refreshes the parts that
 * change.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
public class ConsoleController {

  /** Runs in a workflow's strip on the list. */
  static final int STRIP = 10;

  /** Runs, as columns, in a workflow's grid. */
  static final int GRID = 25;

  /** Lines of a step's log shown on the run page: its end. */
  static final int LOG_LINES = 200;

  private static final long LOG_MAX_BYTES = 1024 * 1024;
  private static final int MAX_WORKFLOWS = 5000;
  private static final int AUDIT_PAGE = 200;
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final WorkflowService workflows;
  private final RunService runs;
  private final DefinitionCodec codec;
  private final Executor executor;
  private final LeaseStore leases;
  private final LeaderElector elector;
  private final ClusterConfig clusterConfig;
  private final AuditLog audit;
  private final HttpClientAddressResolver addresses;
  private final ConsoleOidc oidc;
  private final Clock clock;

  public ConsoleController(
      WorkflowService workflows,
      RunService runs,
      DefinitionCodec codec,
      Executor executor,
      LeaseStore leases,
      LeaderElector elector,
      ClusterConfig clusterConfig,
      AuditLog audit,
      HttpClientAddressResolver addresses,
      ConsoleOidc oidc,
      Clock clock) {
    this.workflows = workflows;
    this.runs = runs;
    this.codec = codec;
    this.executor = executor;
    this.leases = leases;
    this.elector = elector;
    this.clusterConfig = clusterConfig;
    this.audit = audit;
    this.addresses = addresses;
    this.oidc = oidc;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- signing in and out

  @Get("/sign-in")
  public HttpResponse<?> signInPage(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @Nullable @QueryValue String next,
      @Nullable @QueryValue String refused) {
    String target = safeNext(next);
    if (authentication != null) {
      return redirect(target);
    }
    String error =
        refused != null
            ? "That token was not accepted: it may be mistyped, revoked or expired."
            : "";
    MutableHttpResponse<?> page =
        HttpResponse.ok(
            new ModelAndView<>(
                "signin",
                Map.of(
                    "page",
                    new Pages.SignInPage(
                        chrome("Sign in", "", null, request, ""),
                        target,
                        error,
                        oidc.enabled() ? oidc.displayName() : ""))));
    if (refused != null) {
      page.cookie(ConsoleSession.signOut(request));
    }
    return page;
  }

  @Post("/sign-in")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> signIn(HttpRequest<?> request, @Nullable @Body Map<String, Object> form) {
    if (!sameOrigin(request)) {
      return forbidden(request, null, "This form must be sent from the console itself.");
    }
    String token = field(form, "token").strip();
    String next = safeNext(field(form, "next"));
    if (token.isEmpty()) {
      return redirect("/sign-in?refused=1&next=" + encode(next));
    }
    return redirect(next).cookie(ConsoleSession.signIn(token, request));
  }

  /** Leaves for the OIDC provider's sign-in page, the flow remembered in a cookie. */
  @Get("/sign-in/oidc")
  public HttpResponse<?> signInWithProvider(
      HttpRequest<?> request, @Nullable @QueryValue String next) {
    if (!oidc.enabled()) {
      return message(
          request, null, HttpStatus.NOT_FOUND, "Not found", "No OIDC provider is configured.");
    }
    Map.Entry<URI, io.micronaut.http.cookie.Cookie> start;
    try {
      start = oidc.start(request, safeNext(next));
    } catch (IllegalStateException e) {
      return message(
          request,
          null,
          HttpStatus.BAD_GATEWAY,
          "Sign-in unavailable",
          "The OIDC provider: " + e.getMessage());
    }
    return HttpResponse.status(HttpStatus.FOUND)
        .header("Location", start.getKey().toString())
        .cookie(start.getValue());
  }

  /** Where the OIDC provider sends the browser back: the ID token becomes the session. */
  @Get(ConsoleOidc.CALLBACK)
  public HttpResponse<?> signedInWithProvider(
      HttpRequest<?> request,
      @Nullable @QueryValue String code,
      @Nullable @QueryValue String state,
      @Nullable @QueryValue String error) {
    if (!oidc.enabled()) {
      return message(
          request, null, HttpStatus.NOT_FOUND, "Not found", "No OIDC provider is configured.");
    }
    ConsoleOidc.Outcome outcome;
    try {
      outcome = oidc.finish(request, code, state, error);
    } catch (IllegalStateException e) {
      outcome =
          new ConsoleOidc.Outcome(Optional.empty(), "/", "The OIDC provider: " + e.getMessage());
    }
    if (outcome.idToken().isEmpty()) {
      return ((MutableHttpResponse<?>)
              message(request, null, HttpStatus.BAD_REQUEST, "Not signed in", outcome.error()))
          .cookie(oidc.clear(request));
    }
    return redirect(outcome.next())
        .cookie(oidc.clear(request))
        .cookie(ConsoleSession.signIn(outcome.idToken().get(), request));
  }

  @Post("/sign-out")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> signOut(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @Nullable @Body Map<String, Object> form) {
    Optional<HttpResponse<?>> refused = refuseForgery(request, authentication, form);
    if (refused.isPresent()) {
      return refused.get();
    }
    return redirect("/sign-in").cookie(ConsoleSession.signOut(request));
  }

  // ---------------------------------------------------------------- workflows

  @Get("/")
  public HttpResponse<?> workflows(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @Nullable @QueryValue String namespace,
      @Nullable @QueryValue String label,
      @Nullable @QueryValue String status,
      @Nullable @QueryValue String q,
      @Nullable @QueryValue String notice) {
    if (authentication == null) {
      return toSignIn(request);
    }
    Caller caller = Caller.of(authentication);
    Pages.Filters filters =
        new Pages.Filters(orEmpty(namespace), orEmpty(label), orEmpty(status), orEmpty(q));
    List<Workflow> all = visibleWorkflows(caller);
    Map<String, List<RunRow>> recent = runs.recent(caller.namespaces(), STRIP);
    Instant now = clock.instant();
    Set<String> namespaces = new TreeSet<>();
    List<Pages.WorkflowRow> rows = new ArrayList<>();
    for (Workflow workflow : all) {
      namespaces.add(workflow.namespace());
      List<RunRow> last =
          recent.getOrDefault(workflow.namespace() + "/" + workflow.name(), List.of());
      String lastStatus = last.isEmpty() ? "" : last.get(0).status().spelling();
      if (!matches(workflow, lastStatus, filters)) {
        continue;
      }
      rows.add(
          new Pages.WorkflowRow(
              workflow.namespace(),
              workflow.name(),
              CronWords.describe(workflow.spec().schedule(), workflow.spec().timeZone()),
              nextRun(workflow, now),
              lastStatus,
              last.stream()
                  .map(run -> new Pages.RunDot(run.id(), run.status().spelling(), runLabel(run)))
                  .toList(),
              workflow.spec().suspend(),
              labels(workflow.metadata().labels())));
    }
    return page(
        "workflows",
        new Pages.WorkflowsPage(
            chrome("Workflows", "workflows", authentication, request, orEmpty(notice)),
            filters,
            List.copyOf(namespaces),
            rows,
            all.size()));
  }

  @Post("/workflows/bulk")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> bulk(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @Nullable @Body Map<String, Object> form) {
    Optional<HttpResponse<?>> refused = refuseOperator(request, authentication, form);
    if (refused.isPresent()) {
      return refused.get();
    }
    boolean suspend = "suspend".equals(field(form, "action"));
    int done = 0;
    for (String key : fields(form, "selected")) {
      String[] parts = key.split("/", 2);
      if (parts.length == 2 && Caller.of(authentication).sees(parts[0])) {
        try {
          workflows.setSuspended(parts[0], parts[1], suspend);
          audited(request, authentication, suspend ? "workflow.suspend" : "workflow.resume");
          done++;
        } catch (WorkflowNotFoundException gone) {
          // deleted meanwhile: nothing to suspend
        }
      }
    }
    return redirect(
        "/?notice="
            + encode(
                done
                    + (done == 1 ? " workflow " : " workflows ")
                    + (suspend ? "suspended" : "resumed")));
  }

  @Post("/workflows/{namespace}/{name}/{action:suspend|resume}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> suspendOrResume(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String namespace,
      String name,
      String action,
      @Nullable @Body Map<String, Object> form) {
    Optional<HttpResponse<?>> refused = refuseOperator(request, authentication, form);
    if (refused.isPresent()) {
      return refused.get();
    }
    if (!Caller.of(authentication).sees(namespace)) {
      return notFound(request, authentication, "No workflow " + namespace + "/" + name + ".");
    }
    boolean suspend = action.equals("suspend");
    try {
      workflows.setSuspended(namespace, name, suspend);
    } catch (WorkflowNotFoundException e) {
      return notFound(request, authentication, "No workflow " + namespace + "/" + name + ".");
    }
    audited(request, authentication, "workflow." + action);
    String back = safeNext(field(form, "next"));
    return redirect(
        back
            + (back.contains("?") ? "&" : "?")
            + "notice="
            + encode(namespace + "/" + name + (suspend ? " suspended" : " resumed")));
  }

  @Get("/workflows/{namespace}/{name}")
  public HttpResponse<?> workflow(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String namespace,
      String name,
      @Nullable @QueryValue String notice) {
    if (authentication == null) {
      return toSignIn(request);
    }
    Optional<Workflow> workflow = visibleWorkflow(authentication, namespace, name);
    if (workflow.isEmpty()) {
      return notFound(request, authentication, "No workflow " + namespace + "/" + name + ".");
    }
    return page(
        "workflow",
        workflowPage(
            request, authentication, workflow.get(), orEmpty(notice), "", "", List.of(), ""));
  }

  private Pages.WorkflowPage workflowPage(
      HttpRequest<?> request,
      Authentication authentication,
      Workflow workflow,
      String notice,
      String from,
      String to,
      List<Pages.FireTime> preview,
      String backfillError) {
    ZoneId zone = ZoneId.of(workflow.spec().timeZone());
    List<Pages.FireTime> next = new ArrayList<>();
    if (workflow.spec().schedule() != null) {
      for (Instant time :
          CronSchedule.parse(workflow.spec().schedule()).next(clock.instant(), zone, 10)) {
        next.add(fireTime(time, zone));
      }
    }
    List<String> steps = workflow.spec().steps().stream().map(step -> step.name()).toList();
    List<RunRow> history =
        runs.history(workflow.namespace(), workflow.name(), Optional.empty(), null, GRID);
    Map<String, List<StepRow>> stepsOf = runs.stepsOf(history.stream().map(RunRow::id).toList());
    List<Pages.GridRun> grid = new ArrayList<>();
    List<RunRow> oldestFirst = new ArrayList<>(history);
    java.util.Collections.reverse(oldestFirst);
    for (RunRow run : oldestFirst) {
      Map<String, String> cells = new LinkedHashMap<>();
      for (StepRow step : stepsOf.getOrDefault(run.id(), List.of())) {
        cells.put(step.name(), step.status().spelling());
      }
      grid.add(
          new Pages.GridRun(run.id(), run.seq(), run.status().spelling(), runLabel(run), cells));
    }
    List<Pages.Parameter> parameters =
        workflow.spec().parameters().entrySet().stream()
            .map(entry -> new Pages.Parameter(entry.getKey(), entry.getValue()))
            .toList();
    return new Pages.WorkflowPage(
        chrome(workflow.name(), "workflows", authentication, request, notice),
        workflow.namespace(),
        workflow.name(),
        CronWords.describe(workflow.spec().schedule(), workflow.spec().timeZone()),
        workflow.spec().suspend(),
        codec.writeYaml(workflow),
        next,
        workflow.spec().timeZone(),
        steps,
        grid,
        parameters,
        from,
        to,
        preview,
        backfillError);
  }

  @Post("/workflows/{namespace}/{name}/run")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> runNow(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String namespace,
      String name,
      @Nullable @Body Map<String, Object> form) {
    Operable target = operable(request, authentication, namespace, name, form);
    if (target.refusal() != null) {
      return target.refusal();
    }
    Workflow workflow = target.workflow();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String parameter : workflow.spec().parameters().keySet()) {
      String given = field(form, "param." + parameter);
      if (form != null
          && form.containsKey("param." + parameter)
          && !given.equals(workflow.spec().parameters().get(parameter))) {
        overrides.put(parameter, given);
      }
    }
    RunView run;
    try {
      run = runs.runNow(namespace, name, overrides, Optional.empty());
    } catch (InvalidDefinitionException e) {
      return message(
          request,
          authentication,
          HttpStatus.UNPROCESSABLE_ENTITY,
          "Not started",
          describe(e.violations()));
    }
    audited(request, authentication, "run.create");
    return redirect("/runs/" + encode(run.run().id()));
  }

  @Post("/workflows/{namespace}/{name}/backfill")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> backfill(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String namespace,
      String name,
      @Nullable @Body Map<String, Object> form) {
    Operable target = operable(request, authentication, namespace, name, form);
    if (target.refusal() != null) {
      return target.refusal();
    }
    Workflow workflow = target.workflow();
    String from = field(form, "from").strip();
    String to = field(form, "to").strip();
    ZoneId zone = ZoneId.of(workflow.spec().timeZone());
    Instant start;
    Instant end;
    try {
      start = localTime(from, zone);
      end = localTime(to, zone);
    } catch (DateTimeParseException e) {
      return page(
          "workflow",
          backfillPage(
              request,
              authentication,
              workflow,
              from,
              to,
              List.of(),
              "From and to are times in " + zone + ", e.g. 2026-11-30T02:00."));
    }
    if (workflow.spec().schedule() == null || end.isBefore(start)) {
      return page(
          "workflow",
          backfillPage(
              request,
              authentication,
              workflow,
              from,
              to,
              List.of(),
              workflow.spec().schedule() == null
                  ? "This workflow has no schedule to backfill."
                  : "The range ends before it starts."));
    }
    if (!"run".equals(field(form, "confirm"))) {
      List<Pages.FireTime> preview = new ArrayList<>();
      Instant cursor = start.minusNanos(1);
      CronSchedule cron = CronSchedule.parse(workflow.spec().schedule());
      while (preview.size() <= RunService.MAX_BACKFILL_RUNS) {
        Optional<Instant> time = cron.nextAfter(cursor, zone);
        if (time.isEmpty() || time.get().isAfter(end)) {
          break;
        }
        preview.add(fireTime(time.get(), zone));
        cursor = time.get();
      }
      return page(
          "workflow",
          backfillPage(
              request,
              authentication,
              workflow,
              from,
              to,
              preview,
              preview.isEmpty() ? "No scheduled time falls in that range." : ""));
    }
    RunService.Backfill backfill;
    try {
      backfill = runs.backfill(namespace, name, start, end);
    } catch (InvalidDefinitionException e) {
      return page(
          "workflow",
          workflowPage(
              request,
              authentication,
              workflow,
              "",
              from,
              to,
              List.of(),
              describe(e.violations())));
    }
    audited(request, authentication, "run.backfill");
    return redirect(
        "/workflows/"
            + encode(namespace)
            + "/"
            + encode(name)
            + "?notice="
            + encode(
                backfill.created().size()
                    + " runs backfilled"
                    + (backfill.alreadyRun().isEmpty()
                        ? ""
                        : "; " + backfill.alreadyRun().size() + " times had a run already")));
  }

  /** The workflow page again, with the backfill form as it was sent, and its preview or error. */
  private Pages.WorkflowPage backfillPage(
      HttpRequest<?> request,
      Authentication authentication,
      Workflow workflow,
      String from,
      String to,
      List<Pages.FireTime> preview,
      String error) {
    return workflowPage(request, authentication, workflow, "", from, to, preview, error);
  }

  /** The workflow an operator's form acts on, or the answer that refuses the form. */
  private record Operable(Workflow workflow, HttpResponse<?> refusal) {}

  private Operable operable(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String namespace,
      String name,
      @Nullable Map<String, Object> form) {
    Optional<HttpResponse<?>> refused = refuseOperator(request, authentication, form);
    if (refused.isPresent()) {
      return new Operable(null, refused.get());
    }
    Optional<Workflow> workflow = visibleWorkflow(authentication, namespace, name);
    return workflow
        .map(found -> new Operable(found, null))
        .orElseGet(
            () ->
                new Operable(
                    null,
                    notFound(
                        request, authentication, "No workflow " + namespace + "/" + name + ".")));
  }

  // ---------------------------------------------------------------- runs

  @Get("/runs/{id}")
  public HttpResponse<?> run(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String id,
      @Nullable @QueryValue String step,
      @Nullable @QueryValue String notice) {
    if (authentication == null) {
      return toSignIn(request);
    }
    Optional<RunView> found = visibleRun(authentication, id);
    if (found.isEmpty()) {
      return notFound(request, authentication, "No run " + id + ".");
    }
    RunView view = found.get();
    RunRow run = view.run();
    Instant now = clock.instant();
    Map<String, List<String>> parents = parentsOf(run);
    List<GraphStep> graph = new ArrayList<>();
    List<GanttBar> bars = new ArrayList<>();
    List<Pages.StepLine> lines = new ArrayList<>();
    for (StepRow row : view.steps()) {
      Duration duration =
          row.startedAt() == null
              ? null
              : Duration.between(
                  row.startedAt(), row.finishedAt() == null ? now : row.finishedAt());
      graph.add(
          new GraphStep(
              row.name(),
              parents.getOrDefault(row.name(), List.of()),
              row.status().spelling(),
              row.attempt(),
              duration));
      bars.add(
          new GanttBar(row.name(), row.status().spelling(), row.startedAt(), row.finishedAt()));
      lines.add(
          new Pages.StepLine(
              row.name(),
              row.status().spelling(),
              row.attempt(),
              time(row.startedAt()),
              duration == null ? "" : Labels.duration(duration),
              orEmpty(row.reason()),
              orEmpty(row.message()),
              row.exitCode() == null || row.exitCode() == 0 ? "" : row.exitCode().toString(),
              row.jobName() != null));
    }
    String logStep = "";
    String log = "";
    String logNote = "";
    boolean logLive = false;
    Optional<StepRow> shown =
        view.steps().stream()
            .filter(row -> row.jobName() != null)
            .filter(row -> step == null || row.name().equals(step))
            .reduce((first, second) -> step == null ? second : first);
    if (shown.isPresent()) {
      logStep = shown.get().name();
      logLive = !shown.get().status().ended();
      Optional<String> text = tail(run.namespace(), shown.get().jobName(), LOG_LINES);
      log = text.orElse("");
      logNote =
          text.isEmpty()
              ? "The log is gone: its process or its Job's pods no longer exist."
              : "The last " + LOG_LINES + " lines.";
    }
    boolean operates = operates(authentication);
    String duration =
        run.startedAt() == null
            ? ""
            : Labels.duration(
                Duration.between(
                    run.startedAt(), run.finishedAt() == null ? now : run.finishedAt()));
    return page(
        "run",
        new Pages.RunPage(
            chrome(
                run.workflow() + " #" + run.seq(),
                "workflows",
                authentication,
                request,
                orEmpty(notice)),
            run.id(),
            run.namespace(),
            run.workflow(),
            run.seq(),
            run.status().spelling(),
            run.trigger().spelling(),
            time(run.scheduledTime()),
            time(run.startedAt()),
            duration,
            orEmpty(run.reason()),
            orEmpty(run.message()),
            view.ended(),
            operates && !view.ended(),
            operates && view.ended() && !run.status().spelling().equals("Succeeded"),
            RunGraph.svg(graph),
            Gantt.svg(bars, now),
            lines,
            logStep,
            log,
            logLive,
            logNote));
  }

  @Get(value = "/runs/{id}/steps/{step}/log.txt", produces = MediaType.TEXT_PLAIN)
  public HttpResponse<?> download(
      HttpRequest<?> request, @Nullable Authentication authentication, String id, String step) {
    if (authentication == null) {
      return toSignIn(request);
    }
    Optional<RunView> found = visibleRun(authentication, id);
    Optional<StepRow> row =
        found.flatMap(
            view ->
                view.steps().stream()
                    .filter(s -> s.name().equals(step) && s.jobName() != null)
                    .findFirst());
    if (row.isEmpty()) {
      return notFound(request, authentication, "Run " + id + " has no started step " + step + ".");
    }
    Optional<StepLog> log =
        executor.logs(
            found.get().run().namespace(), row.get().jobName(), OptionalInt.empty(), LOG_MAX_BYTES);
    if (log.isEmpty()) {
      return notFound(request, authentication, "The log of step " + step + " is gone.");
    }
    String text = read(log.get());
    String file =
        found.get().run().workflow() + "-" + found.get().run().seq() + "-" + step + ".log";
    return HttpResponse.ok(text)
        .contentType(MediaType.TEXT_PLAIN_TYPE)
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + file.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
  }

  @Post("/runs/{id}/{action:cancel|retry}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public HttpResponse<?> cancelOrRetry(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      String id,
      String action,
      @Nullable @Body Map<String, Object> form) {
    Optional<HttpResponse<?>> refused = refuseOperator(request, authentication, form);
    if (refused.isPresent()) {
      return refused.get();
    }
    if (visibleRun(authentication, id).isEmpty()) {
      return notFound(request, authentication, "No run " + id + ".");
    }
    try {
      if (action.equals("cancel")) {
        runs.cancel(id);
      } else {
        runs.retry(id);
      }
    } catch (ConflictException | InvalidDefinitionException e) {
      return redirect("/runs/" + encode(id) + "?notice=" + encode(e.getMessage()));
    }
    audited(request, authentication, "run." + action);
    return redirect(
        "/runs/"
            + encode(id)
            + "?notice="
            + encode(action.equals("cancel") ? "Cancelling the run" : "Retrying the run"));
  }

  // ---------------------------------------------------------------- cluster and audit

  @Get("/cluster")
  public HttpResponse<?> cluster(HttpRequest<?> request, @Nullable Authentication authentication) {
    if (authentication == null) {
      return toSignIn(request);
    }
    Instant now = clock.instant();
    Lease lease = leases.current();
    boolean held = lease.holder() != null && lease.expiresAt().isAfter(now);
    List<Pages.NodeLine> nodes =
        leases.nodesSeenSince(now.minus(clusterConfig.leaseDuration().multipliedBy(4))).stream()
            .map(
                node ->
                    new Pages.NodeLine(
                        node.id(),
                        time(node.startedAt()),
                        ago(node.lastSeen(), now),
                        held && node.id().equals(lease.holder())))
            .toList();
    return page(
        "cluster",
        new Pages.ClusterPage(
            chrome("Cluster", "cluster", authentication, request, ""),
            elector.nodeId(),
            held ? lease.holder() : "",
            held ? time(lease.acquiredAt()) : "",
            held ? Long.toString(lease.fencingToken()) : "",
            held ? time(lease.expiresAt()) : "",
            nodes));
  }

  @Get("/audit")
  public HttpResponse<?> audit(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      @Nullable @QueryValue String actor,
      @Nullable @QueryValue String action) {
    if (authentication == null) {
      return toSignIn(request);
    }
    if (!admin(authentication)) {
      return forbidden(
          request, authentication, "The audit trail is for admins that see every namespace.");
    }
    String actorFilter = orEmpty(actor).strip();
    String actionFilter = orEmpty(action).strip();
    List<AuditEvent> events = audit.page(null, AUDIT_PAGE);
    List<Pages.AuditLine> lines =
        events.stream()
            .filter(event -> actorFilter.isEmpty() || event.actor().contains(actorFilter))
            .filter(event -> actionFilter.isEmpty() || event.action().startsWith(actionFilter))
            .map(
                event ->
                    new Pages.AuditLine(
                        time(event.at()),
                        event.actor(),
                        event.action(),
                        event.target(),
                        event.status(),
                        orEmpty(event.detail())))
            .toList();
    return page(
        "audit",
        new Pages.AuditPage(
            chrome("Audit", "audit", authentication, request, ""),
            actorFilter,
            actionFilter,
            lines,
            events.size() == AUDIT_PAGE));
  }

  // ---------------------------------------------------------------- helpers

  private List<Workflow> visibleWorkflows(Caller caller) {
    List<Workflow> all = new ArrayList<>();
    Optional<WorkflowService.WorkflowKey> after = Optional.empty();
    do {
      WorkflowService.Page page = workflows.list(caller.namespaces(), after, 1000);
      all.addAll(page.items());
      after = page.next();
    } while (after.isPresent() && all.size() < MAX_WORKFLOWS);
    return all;
  }

  private Optional<Workflow> visibleWorkflow(
      Authentication authentication, String namespace, String name) {
    if (!Caller.of(authentication).sees(namespace)) {
      return Optional.empty();
    }
    return workflows.find(namespace, name);
  }

  private Optional<RunView> visibleRun(Authentication authentication, String id) {
    try {
      RunView view = runs.get(id);
      return Caller.of(authentication).sees(view.run().namespace())
          ? Optional.of(view)
          : Optional.empty();
    } catch (RunService.RunNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Each step's parents, from the definition the run was created from. */
  private Map<String, List<String>> parentsOf(RunRow run) {
    Map<String, List<String>> parents = new LinkedHashMap<>();
    if (run.definition() == null) {
      return parents;
    }
    Workflow definition = codec.readStored(run.definition());
    definition.spec().steps().forEach(step -> parents.put(step.name(), step.dependsOn()));
    return parents;
  }

  private Optional<String> tail(String namespace, String jobName, int lines) {
    return executor
        .logs(namespace, jobName, OptionalInt.of(lines), LOG_MAX_BYTES)
        .map(ConsoleController::read);
  }

  private static String read(StepLog log) {
    try (InputStream body = StepLog.replacingInvalidUtf8(log.body())) {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean matches(Workflow workflow, String lastStatus, Pages.Filters filters) {
    if (!filters.namespace().isEmpty() && !workflow.namespace().equals(filters.namespace())) {
      return false;
    }
    if (!filters.search().isEmpty()
        && !workflow
            .name()
            .toLowerCase(Locale.ROOT)
            .contains(filters.search().toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (!filters.status().isEmpty()) {
      boolean wanted =
          filters.status().equals("Suspended")
              ? workflow.spec().suspend()
              : filters.status().equals("Never run")
                  ? lastStatus.isEmpty()
                  : filters.status().equals(lastStatus);
      if (!wanted) {
        return false;
      }
    }
    if (!filters.label().isEmpty()) {
      String[] pair = filters.label().split("=", 2);
      Map<String, String> labels =
          workflow.metadata().labels() == null ? Map.of() : workflow.metadata().labels();
      String value = labels.get(pair[0].strip());
      if (value == null || (pair.length == 2 && !value.equals(pair[1].strip()))) {
        return false;
      }
    }
    return true;
  }

  private String nextRun(Workflow workflow, Instant now) {
    if (workflow.spec().schedule() == null) {
      return "on demand";
    }
    if (workflow.spec().suspend()) {
      return "suspended";
    }
    ZoneId zone = ZoneId.of(workflow.spec().timeZone());
    return CronSchedule.parse(workflow.spec().schedule())
        .nextAfter(now, zone)
        .map(time -> MINUTE.format(time.atZone(zone)) + " " + zone.getId())
        .orElse("never");
  }

  private static Pages.FireTime fireTime(Instant time, ZoneId zone) {
    return new Pages.FireTime(
        MINUTE.format(time.atZone(zone)) + " " + zone.getId(),
        MINUTE.format(time.atZone(ZoneOffset.UTC)) + " UTC");
  }

  private static Instant localTime(String text, ZoneId zone) {
    String normalized = text.replace(' ', 'T');
    if (normalized.length() == 16) {
      normalized += ":00";
    }
    return LocalDateTime.parse(normalized).atZone(zone).toInstant();
  }

  private static String runLabel(RunRow run) {
    Instant when = run.scheduledTime() != null ? run.scheduledTime() : run.createdAt();
    return "#" + run.seq() + " " + run.status().spelling() + (when == null ? "" : " " + time(when));
  }

  private static String labels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    labels.forEach((key, value) -> pairs.add(key + "=" + value));
    return String.join(", ", pairs);
  }

  private static String time(Instant instant) {
    return instant == null ? "" : SECOND.format(instant.atZone(ZoneOffset.UTC)) + " UTC";
  }

  private static String ago(Instant instant, Instant now) {
    if (instant == null) {
      return "";
    }
    return Labels.duration(
            Duration.between(instant, now).isNegative()
                ? Duration.ZERO
                : Duration.between(instant, now))
        + " ago";
  }

  private static String describe(List<Violation> violations) {
    List<String> lines = new ArrayList<>();
    for (Violation violation : violations) {
      lines.add(violation.path() + ": " + violation.message());
    }
    return String.join("; ", lines);
  }

  private static boolean operates(Authentication authentication) {
    return Caller.of(authentication)
        .role()
        .map(role -> role.grants().contains(Role.OPERATOR_NAME))
        .orElse(false);
  }

  private static boolean admin(Authentication authentication) {
    Caller caller = Caller.of(authentication);
    return caller.role().map(role -> role.grants().contains(Role.ADMIN_NAME)).orElse(false)
        && !caller.scoped();
  }

  private Pages.Chrome chrome(
      String title,
      String section,
      @Nullable Authentication authentication,
      HttpRequest<?> request,
      String notice) {
    if (authentication == null) {
      return new Pages.Chrome(title, section, "", "", false, false, "", notice);
    }
    Caller caller = Caller.of(authentication);
    return new Pages.Chrome(
        title,
        section,
        caller.name(),
        caller.role().map(Role::id).orElse(""),
        operates(authentication),
        admin(authentication),
        ConsoleSession.csrf(request),
        notice);
  }

  private void audited(HttpRequest<?> request, Authentication authentication, String action) {
    audit.insert(
        new AuditEvent(
            0,
            clock.instant(),
            authentication.getName(),
            action,
            request.getPath(),
            HttpStatus.SEE_OTHER.getCode(),
            Optional.ofNullable(addresses.resolve(request)).orElse("-"),
            "console"));
  }

  /**
   * Refuses a state-changing form that is not the signed-in session's own: no session, another
   * origin, or no valid CSRF token.
   */
  private Optional<HttpResponse<?>> refuseForgery(
      HttpRequest<?> request, @Nullable Authentication authentication, Map<String, Object> form) {
    if (authentication == null) {
      return Optional.of(toSignIn(request));
    }
    String given =
        request.getHeaders().get(ConsoleSession.CSRF_HEADER) != null
            ? request.getHeaders().get(ConsoleSession.CSRF_HEADER)
            : field(form, ConsoleSession.CSRF_FIELD);
    if (!sameOrigin(request) || !ConsoleSession.csrfHolds(request, given)) {
      return Optional.of(
          forbidden(
              request,
              authentication,
              "This form was not sent from this console's page (its CSRF token is missing or"
                  + " wrong). Reload the page and try again."));
    }
    return Optional.empty();
  }

  private Optional<HttpResponse<?>> refuseOperator(
      HttpRequest<?> request, @Nullable Authentication authentication, Map<String, Object> form) {
    Optional<HttpResponse<?>> forged = refuseForgery(request, authentication, form);
    if (forged.isPresent()) {
      return forged;
    }
    if (!operates(authentication)) {
      return Optional.of(
          forbidden(
              request,
              authentication,
              "Your role does not allow this: running, cancelling, retrying, suspending and"
                  + " resuming need the operator role."));
    }
    return Optional.empty();
  }

  /** Whether a form came from this origin, when the browser says where it came from. */
  private static boolean sameOrigin(HttpRequest<?> request) {
    String origin = request.getHeaders().get("Origin");
    if (origin == null || origin.equals("null")) {
      return origin == null;
    }
    String host = request.getHeaders().get("Host");
    try {
      URI uri = URI.create(origin);
      String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return host != null && host.equalsIgnoreCase(authority);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static MutableHttpResponse<?> page(String view, Object page) {
    return HttpResponse.ok(new ModelAndView<>(view, Map.of("page", page)));
  }

  private HttpResponse<?> message(
      HttpRequest<?> request,
      @Nullable Authentication authentication,
      HttpStatus status,
      String heading,
      String text) {
    return HttpResponse.status(status)
        .body(
            new ModelAndView<>(
                "message",
                Map.of(
                    "page",
                    new Pages.MessagePage(
                        chrome(heading, "", authentication, request, ""), heading, text))));
  }

  private HttpResponse<?> notFound(
      HttpRequest<?> request, @Nullable Authentication authentication, String text) {
    return message(request, authentication, HttpStatus.NOT_FOUND, "Not found", text);
  }

  private HttpResponse<?> forbidden(
      HttpRequest<?> request, @Nullable Authentication authentication, String text) {
    return message(request, authentication, HttpStatus.FORBIDDEN, "Not allowed", text);
  }

  private static MutableHttpResponse<?> redirect(String location) {
    return HttpResponse.status(HttpStatus.SEE_OTHER).header("Location", location);
  }

  /** To the sign-in page, coming back here after; told so when a session's token was refused. */
  private static HttpResponse<?> toSignIn(HttpRequest<?> request) {
    String here = request.getUri().getRawPath();
    if (request.getUri().getRawQuery() != null) {
      here += "?" + request.getUri().getRawQuery();
    }
    boolean refused = ConsoleSession.token(request).isPresent();
    return redirect(
        "/sign-in?next="
            + encode(request.getMethodName().equals("GET") ? here : "/")
            + (refused ? "&refused=1" : ""));
  }

  /** A local path to go back to, never another site's ({@code //evil.example}, {@code https:}). */
  static String safeNext(@Nullable String next) {
    if (next == null
        || next.isEmpty()
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.contains("\r")
        || next.contains("\n")) {
      return "/";
    }
    return next;
  }

  private static String field(@Nullable Map<String, Object> form, String name) {
    Object value = form == null ? null : form.get(name);
    if (value instanceof Collection<?> values) {
      return values.isEmpty() ? "" : String.valueOf(values.iterator().next());
    }
    return value == null ? "" : String.valueOf(value);
  }

  private static List<String> fields(@Nullable Map<String, Object> form, String name) {
    Object value = form == null ? null : form.get(name);
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

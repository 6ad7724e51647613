package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.nightshift.executor.Executor;
import io.nightshift.executor.local.LocalExecutor;
import io.nightshift.security.Caller;
import io.nightshift.security.Role;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.DefinitionCodec.Format;
import io.nightshift.workflow.SecretLiterals;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowService;
import io.nightshift.workflow.WorkflowService.WorkflowKey;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Workflow definitions: {@code /api/v1/…/workflows}. Viewers read them, operators suspend and
 * resume them, admins define and delete them.
 */
@Controller("/api/v1")
@Secured(Role.VIEWER_NAME)
@ProblemResponses.TokenNeeded
public class WorkflowController {

  static final String YAML = "application/yaml";
  private static final List<String> YAML_TYPES = List.of(YAML, "application/x-yaml", "text/yaml");

  static final String SCOPED_ADMINS_REFUSED =
      "the local executor runs every step as the server's user: namespace-scoped callers may not"
          + " define workflows while it is enabled; see"
          + " nightshift.executor.local.allow-scoped-admins";

  private static final String CHANGES =
      "created, configured or unchanged: what the PUT did (or, with ?dryRun=true, would do)";

  private static final String SECRET_WARNING =
      "299 - \"<JSON pointer>: …\" for each env value or parameter default written in clear whose"
          + " name looks like a password, token or key";

  private final WorkflowService workflows;
  private final DefinitionCodec codec;
  private final Executor executor;

  public WorkflowController(WorkflowService workflows, DefinitionCodec codec, Executor executor) {
    this.workflows = workflows;
    this.codec = codec;
    this.executor = executor;
  }

  /**
   * The checks of creating, replacing and deleting a workflow beyond the role: the caller sees the
   * namespace (else the 404 of a workflow that does not exist), and, on the local executor, sees
   * every namespace, since every step runs on the server's machine as one user and a scope would
   * not hold there.
   */
  private void mayDefine(Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    if (executor instanceof LocalExecutor local
        && !local.allowsScopedAdmins()
        && Caller.of(authentication).scoped()) {
      throw new ForbiddenException(SCOPED_ADMINS_REFUSED);
    }
  }

  /**
   * Says what a PUT did to the stored workflow: {@code created}, {@code configured}, {@code
   * unchanged}.
   */
  static final String CHANGE = "Nightshift-Change";

  /**
   * Creates (201) or replaces (200) a workflow from YAML or JSON. A value that looks like a secret
   * written in clear is stored, and pointed out in a {@code Warning: 299} header. {@code
   * Nightshift-Change} says what was done, as {@code kubectl apply} prints it. With {@code
   * ?dryRun=true} every check is made and the answer is the same, but nothing is stored. Server-set
   * metadata is ignored on input, except {@code resourceVersion}, which must match the stored one.
   *
   * @param namespace the workflow's namespace, where its Jobs run
   * @param name the workflow's name, a DNS-1123 label of at most 52 characters
   * @param dryRun true: every check is made and the answer is the same, but nothing is stored
   */
  @Put(
      uri = "/namespaces/{namespace}/workflows/{name}",
      consumes = {MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"},
      produces = {MediaType.APPLICATION_JSON, YAML})
  @Secured(Role.ADMIN_NAME)
  @Audited("workflow.apply")
  @RequestBody(
      required = true,
      description =
          "The workflow, in YAML or JSON; name and namespace may be left out (the URL names them)."
              + " Its JSON Schema: /api/v1/schemas/workflow.json",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Workflow.class)),
        @Content(mediaType = YAML, schema = @Schema(implementation = Workflow.class)),
        @Content(
            mediaType = "application/x-yaml",
            schema = @Schema(implementation = Workflow.class)),
        @Content(mediaType = "text/yaml", schema = @Schema(implementation = Workflow.class))
      })
  @ApiResponse(
      responseCode = "200",
      description = "replaced: the workflow as stored, with its defaults filled in",
      headers = {
        @Header(name = CHANGE, description = CHANGES, schema = @Schema(type = "string")),
        @Header(name = "Warning", description = SECRET_WARNING, schema = @Schema(type = "string"))
      },
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = Workflow.class)))
  @ApiResponse(
      responseCode = "201",
      description = "created: the workflow as stored, with its defaults filled in",
      headers = {
        @Header(name = CHANGE, description = CHANGES, schema = @Schema(type = "string")),
        @Header(name = "Warning", description = SECRET_WARNING, schema = @Schema(type = "string"))
      },
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = Workflow.class)))
  @ProblemResponses.Malformed
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  @ProblemResponses.UnreadableBody
  @ProblemResponses.Invalid
  public HttpResponse<?> put(
      HttpRequest<?> request,
      Authentication authentication,
      String namespace,
      String name,
      @Nullable @QueryValue String dryRun,
      @Body byte[] body) {
    boolean dry = parseDryRun(dryRun);
    mayDefine(authentication, namespace, name);
    Format format =
        request.getContentType().map(WorkflowController::isYaml).orElse(true)
            ? Format.YAML
            : Format.JSON;
    WorkflowService.Applied applied = workflows.apply(namespace, name, body, format, dry);
    if (dry) {
      request.setAttribute(AuditFilter.NOTHING_CHANGED, true);
    }
    MutableHttpResponse<Object> response =
        HttpResponse.status(applied.created() ? HttpStatus.CREATED : HttpStatus.OK)
            .header(CHANGE, changeOf(applied));
    for (String warning : SecretLiterals.warnings(applied.workflow())) {
      response
          .getHeaders()
          .add(HttpHeaders.WARNING, "299 - \"" + warning.replace("\"", "'") + "\"");
    }
    return render(request, response, applied.workflow());
  }

  /** {@code ?dryRun}: absent, empty or {@code false} stores; {@code true} only checks. */
  private static boolean parseDryRun(String dryRun) {
    List<Violation> violations = new ArrayList<>();
    boolean dry = QueryParameters.bool("dryRun", dryRun, violations);
    QueryParameters.check(violations);
    return dry;
  }

  private static String changeOf(WorkflowService.Applied applied) {
    if (applied.created()) {
      return "created";
    }
    return applied.changed() ? "configured" : "unchanged";
  }

  /** One workflow, as JSON or, on {@code Accept: application/yaml}, YAML. */
  @Get(
      uri = "/namespaces/{namespace}/workflows/{name}",
      produces = {MediaType.APPLICATION_JSON, YAML})
  @ApiResponse(
      responseCode = "200",
      description = "the workflow as stored, with its defaults and server-set metadata",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = Workflow.class)))
  @ProblemResponses.NotFound
  @Operation(operationId = "getWorkflow")
  public HttpResponse<?> get(
      HttpRequest<?> request, Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return render(request, HttpResponse.ok(), workflows.get(namespace, name));
  }

  /**
   * The workflows of every namespace the caller sees, ordered by namespace and name.
   *
   * @param namespace only this namespace's workflows
   * @param limit how many, 1 to 1000 (default 100)
   * @param cursor the {@code nextCursor} of the previous page
   */
  @Get(uri = "/workflows")
  @ProblemResponses.BadRequest
  @Operation(operationId = "listWorkflows")
  public ItemList<Workflow> list(
      Authentication authentication,
      @Nullable @QueryValue String namespace,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    List<Violation> violations = new ArrayList<>();
    int pageSize =
        QueryParameters.intInRange(
            "limit", limit, ApiLimits.DEFAULT_PAGE_SIZE, 1, ApiLimits.MAX_PAGE_SIZE, violations);
    Optional<WorkflowKey> after = decodeCursor(cursor, violations);
    QueryParameters.check(violations);
    Caller caller = Caller.of(authentication);
    Optional<Set<String>> scope =
        namespace == null
            ? caller.namespaces()
            : Optional.of(caller.sees(namespace) ? Set.of(namespace) : Set.of());
    WorkflowService.Page page = workflows.list(scope, after, pageSize);
    return new ItemList<>(
        page.items(), page.next().map(WorkflowController::encodeCursor).orElse(null));
  }

  /**
   * The workflows of one namespace, ordered by name.
   *
   * @param limit how many, 1 to 1000 (default 100)
   * @param cursor the {@code nextCursor} of the previous page
   */
  @Get(uri = "/namespaces/{namespace}/workflows")
  @ProblemResponses.BadRequest
  public ItemList<Workflow> listNamespace(
      Authentication authentication,
      String namespace,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    return list(authentication, namespace, limit, cursor);
  }

  /**
   * Deletes the workflow with its runs: their running steps are stopped and what they left (Jobs,
   * processes, logs) removed.
   */
  @Delete(uri = "/namespaces/{namespace}/workflows/{name}")
  @Secured(Role.ADMIN_NAME)
  @Audited("workflow.delete")
  @ApiResponse(responseCode = "204", description = "deleted")
  @ProblemResponses.NotFound
  public HttpResponse<Void> delete(Authentication authentication, String namespace, String name) {
    mayDefine(authentication, namespace, name);
    workflows.delete(namespace, name);
    return HttpResponse.noContent();
  }

  /** Suspends the workflow: its schedule fires no runs until it is resumed. Sets spec.suspend. */
  @Post(uri = "/namespaces/{namespace}/workflows/{name}/suspend")
  @Secured(Role.OPERATOR_NAME)
  @Audited("workflow.suspend")
  @ProblemResponses.NotFound
  public Workflow suspend(Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return workflows.setSuspended(namespace, name, true);
  }

  /** Resumes the workflow: its schedule fires again from now on. Clears spec.suspend. */
  @Post(uri = "/namespaces/{namespace}/workflows/{name}/resume")
  @Secured(Role.OPERATOR_NAME)
  @Audited("workflow.resume")
  @ProblemResponses.NotFound
  public Workflow resume(Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return workflows.setSuspended(namespace, name, false);
  }

  /**
   * The next fire times of a workflow's schedule: what it will do, before it does it.
   *
   * @param count how many fire times, 1 to 1000 (default 10)
   * @param from the times strictly after this RFC 3339 instant (default now)
   */
  @Get(uri = "/namespaces/{namespace}/workflows/{name}/schedule")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  public SchedulePreview schedule(
      Authentication authentication,
      String namespace,
      String name,
      @Nullable @QueryValue String count,
      @Nullable @QueryValue String from) {
    Visibility.workflow(authentication, namespace, name);
    List<Violation> violations = new ArrayList<>();
    int n =
        QueryParameters.intInRange(
            "count",
            count,
            ApiLimits.DEFAULT_PREVIEW_COUNT,
            1,
            ApiLimits.MAX_PREVIEW_COUNT,
            violations);
    Instant start = Instants.parse("?from", from, false, violations);
    QueryParameters.check(violations);
    if (start == null) {
      start = workflows.now();
    }
    WorkflowService.Preview preview = workflows.preview(namespace, name, start, n);
    return new SchedulePreview(
        preview.workflow().spec().schedule(),
        preview.workflow().spec().timeZone(),
        preview.workflow().spec().suspend(),
        start,
        preview.times());
  }

  private MutableHttpResponse<?> render(
      HttpRequest<?> request, MutableHttpResponse<Object> response, Workflow workflow) {
    boolean yaml =
        request.getHeaders().accept().stream()
            .map(MediaType::toString)
            .anyMatch(WorkflowController::isYaml);
    if (yaml) {
      return response
          .body(codec.writeYaml(workflow).getBytes(StandardCharsets.UTF_8))
          .contentType(YAML);
    }
    return response.body(workflow).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  private static boolean isYaml(MediaType type) {
    return isYaml(type.getName());
  }

  private static boolean isYaml(String type) {
    return YAML_TYPES.contains(type.toLowerCase(Locale.ROOT));
  }

  private static String encodeCursor(WorkflowKey key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((key.namespace() + "/" + key.name()).getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<WorkflowKey> decodeCursor(String cursor, List<Violation> violations) {
    if (cursor == null || cursor.isEmpty()) {
      return Optional.empty();
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int slash = key.indexOf('/');
      if (slash > 0) {
        return Optional.of(new WorkflowKey(key.substring(0, slash), key.substring(slash + 1)));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    violations.add(new Violation("?cursor", "not a cursor this API returned as nextCursor"));
    return Optional.empty();
  }
}

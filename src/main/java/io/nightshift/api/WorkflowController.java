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
public class WorkflowController {

  static final String YAML = "application/yaml";
  private static final List<String> YAML_TYPES = List.of(YAML, "application/x-yaml", "text/yaml");

  static final String SCOPED_ADMINS_REFUSED =
      "the local executor runs every step as the server's user: namespace-scoped callers may not"
          + " define workflows while it is enabled; see"
          + " nightshift.executor.local.allow-scoped-admins";

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
   * ?dryRun=true} every check is made and the answer is the same, but nothing is stored.
   */
  @Put(
      uri = "/namespaces/{namespace}/workflows/{name}",
      consumes = {MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"},
      produces = {MediaType.APPLICATION_JSON, YAML})
  @Secured(Role.ADMIN_NAME)
  @Audited("workflow.apply")
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

  @Get(
      uri = "/namespaces/{namespace}/workflows/{name}",
      produces = {MediaType.APPLICATION_JSON, YAML})
  public HttpResponse<?> get(
      HttpRequest<?> request, Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return render(request, HttpResponse.ok(), workflows.get(namespace, name));
  }

  @Get(uri = "/workflows")
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

  @Get(uri = "/namespaces/{namespace}/workflows")
  public ItemList<Workflow> listNamespace(
      Authentication authentication,
      String namespace,
      @Nullable @QueryValue String limit,
      @Nullable @QueryValue String cursor) {
    return list(authentication, namespace, limit, cursor);
  }

  @Delete(uri = "/namespaces/{namespace}/workflows/{name}")
  @Secured(Role.ADMIN_NAME)
  @Audited("workflow.delete")
  public HttpResponse<Void> delete(Authentication authentication, String namespace, String name) {
    mayDefine(authentication, namespace, name);
    workflows.delete(namespace, name);
    return HttpResponse.noContent();
  }

  @Post(uri = "/namespaces/{namespace}/workflows/{name}/suspend")
  @Secured(Role.OPERATOR_NAME)
  @Audited("workflow.suspend")
  public Workflow suspend(Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return workflows.setSuspended(namespace, name, true);
  }

  @Post(uri = "/namespaces/{namespace}/workflows/{name}/resume")
  @Secured(Role.OPERATOR_NAME)
  @Audited("workflow.resume")
  public Workflow resume(Authentication authentication, String namespace, String name) {
    Visibility.workflow(authentication, namespace, name);
    return workflows.setSuspended(namespace, name, false);
  }

  /** The next fire times of a workflow's schedule: what it will do, before it does it. */
  @Get(uri = "/namespaces/{namespace}/workflows/{name}/schedule")
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

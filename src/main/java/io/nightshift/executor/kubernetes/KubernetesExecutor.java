package io.nightshift.executor.kubernetes;

import com.google.gson.JsonParseException;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Status;
import io.nightshift.executor.Executor;
import io.nightshift.executor.LaunchLag;
import io.nightshift.executor.LogCursor;
import io.nightshift.executor.StepLog;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.policy.JobPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each step attempt as a batch/v1 Job in the step's namespace, with client-java.
 *
 * <p>Jobs are observed through one shared informer (list + watch) per allowed namespace on the
 * managed-by label, never polled one by one. A Job's name is deterministic, so creating it again
 * after a failover answers 409, and the Job found under that name is adopted when its labels name
 * the same run and step. 429 (after its Retry-After), 5xx and timeouts are retried with backoff;
 * 403, 422 and other refusals fail the step with the API server's message. Before a Job is built
 * its step is checked against the {@link JobPolicy} again, since the policy may have been tightened
 * after the definition was stored: a step that breaks it fails with reason PolicyViolation and no
 * Job is created.
 */
public class KubernetesExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesExecutor.class);

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration SYNC_WAIT = Duration.ofSeconds(30);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);
  private static final String ALL = "*";

  private final ApiClient client;
  private final ApiClient watching;
  private final BatchV1Api batch;
  private final CoreV1Api core;
  private final Set<String> namespaces;
  private final Duration retryLimit;
  private final JobPolicy policy;
  private final List<SharedInformerFactory> factories = new ArrayList<>();
  private final Map<String, SharedIndexInformer<V1Job>> informers = new LinkedHashMap<>();
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final ExecutorService creators;
  private final ExecutorService endReaders;
  private final LaunchLag launchLag;
  private volatile boolean closed;

  /** An attempt whose end this node reports, to whichever callback the engine gave last. */
  private static final class Tracked {
    final String namespace;
    final String name;
    final String runId;
    final String step;
    final Launch launch;
    final AtomicReference<Runnable> onAccepted;
    final AtomicReference<Consumer<Result>> onEnd;
    final AtomicBoolean ended = new AtomicBoolean();

    /** The Job exists: created by this node, or found under the attempt's name and adopted. */
    volatile boolean accepted;

    Tracked(Launch launch, Runnable onAccepted, Consumer<Result> onEnd) {
      this.namespace = launch.namespace();
      this.name = launch.name();
      this.runId = launch.runId();
      this.step = launch.step().name();
      this.launch = launch;
      this.onAccepted = new AtomicReference<>(onAccepted);
      this.onEnd = new AtomicReference<>(onEnd);
    }

    /** Takes the engine's latest callbacks; says again that the Job exists if it does. */
    void follow(Runnable onAccepted, Consumer<Result> onEnd) {
      this.onAccepted.set(onAccepted);
      this.onEnd.set(onEnd);
      if (accepted) {
        onAccepted.run();
      }
    }

    void accept() {
      accepted = true;
      onAccepted.get().run();
    }
  }

  /**
   * @param client for requests
   * @param watching for the informers' watches: the same server, without a read timeout
   * @param namespaces where Jobs may be created; {@code *} for every namespace
   * @param retryLimit how long a create is retried while the API server fails or throttles
   * @param policy what the pods of a step may do, checked again before each Job is built
   * @param creators how many threads create Jobs at once
   * @param launchLag where the time from admission to Job created goes
   */
  public KubernetesExecutor(
      ApiClient client,
      ApiClient watching,
      Set<String> namespaces,
      Duration retryLimit,
      JobPolicy policy,
      int creators,
      LaunchLag launchLag) {
    this.client = client;
    this.watching = watching;
    this.batch = new BatchV1Api(client);
    this.core = new CoreV1Api(client);
    this.namespaces = Set.copyOf(namespaces);
    this.retryLimit = retryLimit;
    this.policy = policy;
    this.launchLag = launchLag;
    this.creators = Executors.newFixedThreadPool(creators, daemon("nightshift-job-create"));
    this.endReaders = Executors.newFixedThreadPool(2, daemon("nightshift-job-end"));
    BatchV1Api watchingBatch = new BatchV1Api(watching);
    for (String namespace : this.namespaces.contains(ALL) ? Set.of(ALL) : this.namespaces) {
      SharedInformerFactory factory = new SharedInformerFactory(watching);
      SharedIndexInformer<V1Job> informer =
          factory.sharedIndexInformerFor(
              params ->
                  namespace.equals(ALL)
                      ? watchingBatch
                          .listJobForAllNamespaces()
                          .labelSelector(Jobs.SELECTOR)
                          .resourceVersion(params.resourceVersion)
                          .watch(params.watch)
                          .timeoutSeconds(params.timeoutSeconds)
                          .buildCall(null)
                      : watchingBatch
                          .listNamespacedJob(namespace)
                          .labelSelector(Jobs.SELECTOR)
                          .resourceVersion(params.resourceVersion)
                          .watch(params.watch)
                          .timeoutSeconds(params.timeoutSeconds)
                          .buildCall(null),
              V1Job.class,
              V1JobList.class);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Job job) {
              observed(job);
            }

            @Override
            public void onUpdate(V1Job before, V1Job job) {
              observed(job);
            }

            @Override
            public void onDelete(V1Job job, boolean finalStateUnknown) {
              deleted(job);
            }
          });
      factory.startAllRegisteredInformers();
      factories.add(factory);
      informers.put(namespace, informer);
    }
  }

  @Override
  public void launch(Launch launch, Runnable onAccepted, Consumer<Result> onEnd) {
    Tracked launched = tracked.get(key(launch.namespace(), launch.name()));
    if (launched != null) {
      launched.follow(onAccepted, onEnd); // launched already from this node: it reports its end
      return;
    }
    if (!allowed(launch.namespace())) {
      onEnd.accept(notAllowed(launch.namespace()));
      return;
    }
    List<Violation> violations = policy.checkLaunch(launch.namespace(), launch.step());
    if (!violations.isEmpty()) {
      LOG.warn(
          "Not creating Job {}/{}: {}",
          launch.namespace(),
          launch.name(),
          JobPolicy.describe(violations));
      onEnd.accept(Result.failure("PolicyViolation", JobPolicy.describe(violations)));
      return;
    }
    V1Job job;
    try {
      job = Jobs.of(launch, policy.hardensShorthand(launch.namespace()));
    } catch (IllegalArgumentException e) {
      onEnd.accept(Result.failure("InvalidJobTemplate", e.getMessage()));
      return;
    }
    Tracked attempt = new Tracked(launch, onAccepted, onEnd);
    Tracked earlier = tracked.putIfAbsent(key(launch.namespace(), launch.name()), attempt);
    if (earlier != null) {
      earlier.follow(onAccepted, onEnd);
      return;
    }
    creators.execute(() -> create(attempt, job));
  }

  /**
   * Creates the Job, retrying while the API server fails or throttles. A 409 means the Job exists:
   * a leader before this one created it, and it is adopted if it is this attempt's.
   */
  private void create(Tracked attempt, V1Job job) {
    Instant giveUp = Instant.now().plus(retryLimit);
    Duration backoff = FIRST_BACKOFF;
    while (!closed && !attempt.ended.get()) {
      Duration wait = backoff;
      try {
        batch.createNamespacedJob(attempt.namespace, job).execute();
        LOG.info("Created Job {}/{}", attempt.namespace, attempt.name);
        launchLag.launched(attempt.launch);
        attempt.accept();
        reportIfEnded(attempt, cached(attempt.namespace, attempt.name));
        return;
      } catch (ApiException e) {
        int code = e.getCode();
        if (code == 409) {
          if (adoptExisting(attempt)) {
            return;
          }
        } else if (code == 429 || code >= 500 || code == 0) {
          if (code == 429) {
            wait = retryAfter(e).orElse(backoff);
          }
          LOG.warn(
              "Creating Job {}/{} answered {} ({}); trying again in {} ms",
              attempt.namespace,
              attempt.name,
              code,
              message(e),
              wait.toMillis());
        } else {
          report(attempt, Result.failure(reason(code), message(e)));
          return;
        }
        if (Instant.now().plus(wait).isAfter(giveUp)) {
          report(
              attempt,
              Result.failure(
                  "ApiUnavailable",
                  "the Kubernetes API did not accept the Job for "
                      + retryLimit.toSeconds()
                      + " s; last answer "
                      + code
                      + ": "
                      + message(e)));
          return;
        }
      }
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /**
   * After a 409: reads the Job under the attempt's name. Returns true when that settled the attempt
   * (adopted, or failed as another run's); false to try creating again (the Job went away
   * meanwhile, or the read failed).
   */
  private boolean adoptExisting(Tracked attempt) {
    V1Job existing;
    try {
      existing = batch.readNamespacedJob(attempt.name, attempt.namespace).execute();
    } catch (ApiException e) {
      return false;
    }
    if (!Jobs.belongsTo(existing, attempt.runId, attempt.step)) {
      report(attempt, alreadyExists(attempt, existing));
      return true;
    }
    LOG.info("Adopted Job {}/{}: it exists already", attempt.namespace, attempt.name);
    launchLag.launched(attempt.launch);
    attempt.accept();
    reportIfEnded(attempt, Optional.of(existing));
    return true;
  }

  @Override
  public boolean adopt(Launch launch, Consumer<Result> onEnd) {
    String key = key(launch.namespace(), launch.name());
    Tracked current = tracked.get(key);
    if (current != null) {
      current.onEnd.set(onEnd);
      return true;
    }
    if (!allowed(launch.namespace())) {
      onEnd.accept(notAllowed(launch.namespace()));
      return true;
    }
    if (!synced(launch.namespace())) {
      return true; // not known yet: asked again next pass, once the informer has listed
    }
    // Tracked before the cache is read, so that no event in between goes unreported.
    Tracked attempt = new Tracked(launch, () -> {}, onEnd);
    attempt.accepted = true; // adopted: the engine had it acknowledged already
    if (tracked.putIfAbsent(key, attempt) != null) {
      return adopt(launch, onEnd);
    }
    Optional<V1Job> job = cached(launch.namespace(), launch.name());
    if (job.isEmpty()) {
      try {
        job = Optional.of(batch.readNamespacedJob(launch.name(), launch.namespace()).execute());
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          tracked.remove(key, attempt); // asked again next pass
          return true;
        }
      }
    }
    if (job.isEmpty()) {
      report(
          attempt,
          Result.failure(
              "JobDeleted",
              "the Job "
                  + launch.name()
                  + " was deleted before it finished, while no leader watched it"));
    } else if (!Jobs.belongsTo(job.get(), launch.runId(), launch.step().name())) {
      report(attempt, alreadyExists(attempt, job.get()));
    } else {
      LOG.info("Adopted Job {}/{}", launch.namespace(), launch.name());
      reportIfEnded(attempt, job);
    }
    return true;
  }

  private void observed(V1Job job) {
    Tracked attempt = tracked.get(key(job));
    if (attempt != null && Jobs.belongsTo(job, attempt.runId, attempt.step)) {
      reportIfEnded(attempt, Optional.of(job));
    }
  }

  private void deleted(V1Job job) {
    Tracked attempt = tracked.get(key(job));
    if (attempt != null && Jobs.belongsTo(job, attempt.runId, attempt.step)) {
      report(
          attempt,
          Result.failure(
              "JobDeleted", "the Job " + attempt.name + " was deleted before it finished"));
    }
  }

  private void reportIfEnded(Tracked attempt, Optional<V1Job> job) {
    job.flatMap(KubernetesExecutor::outcome).ifPresent(result -> reportJobEnd(attempt, result));
  }

  /**
   * Reports how a Job ended, with its exit code. A Job completes only once its pods succeeded, and
   * a container succeeds only by exiting 0, so a success costs no request. A failed Job's code is
   * read from its pods on a thread of their own: the informer's thread must go on dispatching
   * events, and {@link #adopt} runs on the engine's.
   */
  private void reportJobEnd(Tracked attempt, Result result) {
    if (result.succeeded()) {
      report(attempt, result.withExitCode(0));
      return;
    }
    if (!attempt.ended.compareAndSet(false, true)) {
      return;
    }
    try {
      endReaders.execute(() -> deliver(attempt, withFailedExitCode(attempt, result)));
    } catch (RejectedExecutionException closing) {
      deliver(attempt, result);
    }
  }

  private Result withFailedExitCode(Tracked attempt, Result result) {
    try {
      OptionalInt code = PodExitCodes.failed(jobPods(attempt.namespace, attempt.name));
      return code.isPresent() ? result.withExitCode(code.getAsInt()) : result;
    } catch (ApiException | RuntimeException e) {
      LOG.warn(
          "Could not read the exit code of failed Job {}/{}: {}",
          attempt.namespace,
          attempt.name,
          e instanceof ApiException api ? api.getCode() + " " + message(api) : e.toString());
      return result;
    }
  }

  /** The pods of a Job, by the label its controller puts on them. */
  private List<V1Pod> jobPods(String namespace, String jobName) throws ApiException {
    return core.listNamespacedPod(namespace)
        .labelSelector("job-name=" + jobName)
        .execute()
        .getItems();
  }

  /** How a Job ended, from its Complete or Failed condition; empty while it runs. */
  static Optional<Result> outcome(V1Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (V1JobCondition condition : job.getStatus().getConditions()) {
      if (!"True".equals(condition.getStatus())) {
        continue;
      }
      if ("Complete".equals(condition.getType())) {
        return Optional.of(Result.success());
      }
      if ("Failed".equals(condition.getType())) {
        return Optional.of(
            Result.failure(
                condition.getReason() == null ? "Failed" : condition.getReason(),
                condition.getMessage() == null ? "the Job failed" : condition.getMessage()));
      }
    }
    return Optional.empty();
  }

  private void report(Tracked attempt, Result result) {
    if (attempt.ended.compareAndSet(false, true)) {
      deliver(attempt, result);
    }
  }

  /** Hands the end of an attempt this node has claimed to the engine's latest callback. */
  private void deliver(Tracked attempt, Result result) {
    tracked.remove(key(attempt.namespace, attempt.name), attempt);
    if (!closed) {
      attempt.onEnd.get().accept(result);
    }
  }

  @Override
  public void cancel(String namespace, String name) {
    Tracked attempt = tracked.remove(key(namespace, name));
    if (attempt != null) {
      attempt.ended.set(true); // the engine has ended it already: nothing to report
    }
    deleteJob(namespace, name);
  }

  @Override
  public void delete(String namespace, String name) {
    cancel(namespace, name);
  }

  /** Deletes the Job and, in the background, its pods. */
  private void deleteJob(String namespace, String name) {
    if (!allowed(namespace)) {
      return;
    }
    try {
      batch.deleteNamespacedJob(name, namespace).propagationPolicy("Background").execute();
      LOG.info("Deleted Job {}/{}", namespace, name);
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        LOG.warn("Could not delete Job {}/{}: {} {}", namespace, name, e.getCode(), message(e));
      }
    } catch (JsonParseException e) {
      // The API server answers a delete with the Job rather than a Status: it was deleted.
      LOG.info("Deleted Job {}/{}", namespace, name);
    }
  }

  @Override
  public Optional<StepLog> logs(
      String namespace, String name, OptionalInt tailLines, long maxBytes) {
    if (!allowed(namespace)) {
      return Optional.empty();
    }
    List<V1Pod> pods;
    try {
      pods = new ArrayList<>(jobPods(namespace, name));
    } catch (ApiException e) {
      throw new IllegalStateException(
          "cannot list the pods of Job " + name + ": " + e.getCode() + " " + message(e), e);
    }
    pods.sort(
        Comparator.comparing(
            (V1Pod pod) ->
                pod.getMetadata().getCreationTimestamp() == null
                    ? OffsetDateTime.MIN
                    : pod.getMetadata().getCreationTimestamp()));
    StringBuilder logs = new StringBuilder();
    boolean any = false;
    for (V1Pod pod : pods) {
      String podName = pod.getMetadata().getName();
      List<V1Container> containers =
          pod.getSpec() == null || pod.getSpec().getContainers() == null
              ? List.of()
              : pod.getSpec().getContainers();
      List<String> names =
          containers.size() > 1 ? containers.stream().map(V1Container::getName).toList() : null;
      for (String container :
          names == null ? java.util.Collections.<String>singletonList(null) : names) {
        try {
          CoreV1Api.APIreadNamespacedPodLogRequest request =
              core.readNamespacedPodLog(podName, namespace);
          if (container != null) {
            request.container(container);
          }
          if (tailLines.isPresent()) {
            request.tailLines(tailLines.getAsInt());
          }
          String text = request.execute();
          logs.append("==> pod ")
              .append(podName)
              .append(container == null ? "" : " container " + container)
              .append(" <==\n")
              .append(text == null ? "" : text);
          if (text != null && !text.isEmpty() && !text.endsWith("\n")) {
            logs.append('\n');
          }
          any = true;
        } catch (ApiException e) {
          if (e.getCode() != 404 && e.getCode() != 400) {
            throw new IllegalStateException(
                "cannot read the log of pod " + podName + ": " + e.getCode() + " " + message(e), e);
          }
        }
      }
    }
    // client-java hands each pod's log over as one String; the answer is capped all the same.
    return any ? Optional.of(StepLog.of(logs.toString(), maxBytes)) : Optional.empty();
  }

  @Override
  public LogCursor follow(String namespace, String name, OptionalInt tailLines, long maxBytes) {
    if (!allowed(namespace)) {
      return new PodLogCursor(PodLogCursor.NO_PODS, tailLines, maxBytes);
    }
    return new PodLogCursor(
        new PodLogCursor.Cluster() {
          @Override
          public List<V1Pod> pods() {
            try {
              return jobPods(namespace, name);
            } catch (ApiException e) {
              throw new IllegalStateException(
                  "cannot list the pods of Job " + name + ": " + e.getCode() + " " + message(e), e);
            }
          }

          @Override
          public Optional<String> log(String pod, String container) {
            return podLog(namespace, pod, container);
          }
        },
        tailLines,
        maxBytes);
  }

  /** A container's whole log; empty when the pod is gone or the container has not started. */
  private Optional<String> podLog(String namespace, String pod, String container) {
    try {
      CoreV1Api.APIreadNamespacedPodLogRequest request = core.readNamespacedPodLog(pod, namespace);
      if (container != null) {
        request.container(container);
      }
      return Optional.of(Optional.ofNullable(request.execute()).orElse(""));
    } catch (ApiException e) {
      if (e.getCode() == 404 || e.getCode() == 400) {
        return Optional.empty();
      }
      throw new IllegalStateException(
          "cannot read the log of pod " + pod + ": " + e.getCode() + " " + message(e), e);
    }
  }

  /** Whether the API server answers; for the health indicator. */
  public ApiServerCheck apiServerVersion() {
    try {
      return ApiServerCheck.up(new VersionApi(client).getCode().execute().getGitVersion());
    } catch (ApiException e) {
      return ApiServerCheck.down(
          e.getCode() == 0 ? "not answering" : "its /version answered HTTP " + e.getCode());
    } catch (RuntimeException unreadable) {
      // client-java throws its JSON parser's exceptions for an answer that is not a VersionInfo.
      return ApiServerCheck.down("its /version answer could not be read");
    }
  }

  /**
   * What a node saw of the API server: its version, or why there is none.
   *
   * @param version the server's {@code gitVersion} when it answered
   * @param problem a short reason in words when it did not
   */
  public record ApiServerCheck(Optional<String> version, String problem) {

    static ApiServerCheck up(String version) {
      return new ApiServerCheck(
          Optional.ofNullable(version).or(() -> Optional.of("unknown")), null);
    }

    static ApiServerCheck down(String problem) {
      return new ApiServerCheck(Optional.empty(), problem);
    }
  }

  /** Whether every informer has listed its Jobs once. */
  public boolean synced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /**
   * Stops the informers: their watches' calls are cancelled first, which closes their sockets from
   * this thread safely, and the informers are then stopped on a thread of their own, waited for a
   * few seconds. Closing a watch's body while its reflector thread reads it touches one okio buffer
   * from two threads, and was seen to spin forever; a stop must never hang the node's shutdown.
   */
  @Override
  public void close() {
    closed = true;
    creators.shutdownNow();
    endReaders.shutdownNow();
    watching.getHttpClient().dispatcher().cancelAll();
    Thread stopper =
        new Thread(
            () -> factories.forEach(SharedInformerFactory::stopAllRegisteredInformers),
            "nightshift-informer-stop");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopper.isAlive()) {
      LOG.warn("The Job informers did not stop within {} s; leaving them", STOP_WAIT.toSeconds());
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private boolean allowed(String namespace) {
    return namespaces.contains(ALL) || namespaces.contains(namespace);
  }

  private Result notAllowed(String namespace) {
    return Result.failure(
        "NamespaceNotAllowed",
        "Nightshift may create Jobs only in "
            + String.join(", ", namespaces.stream().sorted().toList())
            + " (NIGHTSHIFT_KUBERNETES_NAMESPACES), not in "
            + namespace);
  }

  private static Result alreadyExists(Tracked attempt, V1Job existing) {
    return Result.failure(
        "AlreadyExists",
        "a Job named "
            + attempt.name
            + " exists in "
            + attempt.namespace
            + " and is not this step's (labels "
            + (existing.getMetadata() == null ? Map.of() : existing.getMetadata().getLabels())
            + ")");
  }

  /** Waits, up to a bound, for the namespace's informer to have listed its Jobs once. */
  private boolean synced(String namespace) {
    SharedIndexInformer<V1Job> informer = informer(namespace);
    long deadline = System.nanoTime() + SYNC_WAIT.toNanos();
    while (!informer.hasSynced() && System.nanoTime() < deadline && !closed) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return informer.hasSynced();
  }

  private Optional<V1Job> cached(String namespace, String name) {
    return Optional.ofNullable(informer(namespace).getIndexer().getByKey(namespace + "/" + name));
  }

  private SharedIndexInformer<V1Job> informer(String namespace) {
    return informers.containsKey(ALL) ? informers.get(ALL) : informers.get(namespace);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String key(V1Job job) {
    return key(job.getMetadata().getNamespace(), job.getMetadata().getName());
  }

  private static String reason(int code) {
    return switch (code) {
      case 403 -> "Forbidden";
      case 422 -> "Invalid";
      case 404 -> "NotFound";
      default -> "CreateFailed";
    };
  }

  /** The API server's own message, from the Status in the body when there is one. */
  static String message(ApiException e) {
    String body = e.getResponseBody();
    if (body != null && !body.isBlank()) {
      try {
        V1Status status = JSON.deserialize(body, V1Status.class);
        if (status != null && status.getMessage() != null) {
          return status.getMessage();
        }
      } catch (RuntimeException notAStatus) {
        return body.length() > 500 ? body.substring(0, 500) : body;
      }
    }
    return e.getMessage() == null ? "no answer" : e.getMessage();
  }

  private static Optional<Duration> retryAfter(ApiException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("Retry-After".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        try {
          return Optional.of(Duration.ofSeconds(Long.parseLong(header.getValue().get(0).trim())));
        } catch (NumberFormatException ignored) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}

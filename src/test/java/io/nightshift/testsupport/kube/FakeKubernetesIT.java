package io.nightshift.testsupport.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.ApiResponse;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the fake serves what the application will ask of it, through client-java as the
 * application uses it: typed calls, a plain watch, and a shared informer. Each test works in a
 * namespace of its own on one shared fake.
 */
class FakeKubernetesIT {

  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  private static final String MANAGED = MANAGED_BY + "=nightshift";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static FakeKubernetes fake;
  private static BatchV1Api batch;
  private static CoreV1Api core;

  /** For watches and informers: client-java's read timeout would cut a quiet watch stream. */
  private static ApiClient streamingClient;

  @BeforeAll
  static void startFake() throws IOException {
    fake = FakeKubernetes.start();
    ApiClient client = new ClientBuilder().setBasePath(fake.url()).build();
    batch = new BatchV1Api(client);
    core = new CoreV1Api(client);
    streamingClient = new ClientBuilder().setBasePath(fake.url()).build();
    streamingClient.setHttpClient(
        streamingClient.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build());
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @AfterEach
  void forgetFaults() {
    fake.clearFaults();
  }

  @Test
  void creates_a_job_once_and_answers_the_second_create_with_409_AlreadyExists() throws Exception {
    String namespace = newNamespace();

    ApiResponse<V1Job> created =
        batch.createNamespacedJob(namespace, job("nightly-1", true)).executeWithHttpInfo();

    assertThat(created.getStatusCode()).isEqualTo(201);
    assertThat(created.getData().getMetadata().getResourceVersion()).isNotBlank();
    assertThatThrownBy(() -> batch.createNamespacedJob(namespace, job("nightly-1", true)).execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getResponseBody()).contains("\"reason\":\"AlreadyExists\"");
            });
    assertThat(fake.jobCreations(namespace)).containsExactly("nightly-1");
    assertThat(fake.createAttempts(namespace, "nightly-1")).isEqualTo(2);
    assertThat(
            fake.jobs().awaitJob(namespace, "nightly-1", EVENT_TIMEOUT).getMetadata().getLabels())
        .containsEntry(MANAGED_BY, "nightshift");
  }

  @Test
  void informer_sees_a_managed_job_added_completed_and_deleted_through_one_list_and_one_watch()
      throws Exception {
    String namespace = newNamespace();
    BatchV1Api streamingBatch = new BatchV1Api(streamingClient);
    SharedInformerFactory factory = new SharedInformerFactory(streamingClient);
    SharedIndexInformer<V1Job> informer =
        factory.sharedIndexInformerFor(
            params ->
                streamingBatch
                    .listNamespacedJob(namespace)
                    .labelSelector(MANAGED)
                    .resourceVersion(params.resourceVersion)
                    .watch(params.watch)
                    .timeoutSeconds(params.timeoutSeconds)
                    .buildCall(null),
            V1Job.class,
            V1JobList.class);
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    informer.addEventHandler(recordingInto(events));
    factory.startAllRegisteredInformers();
    try {
      awaitSynced(informer);

      batch.createNamespacedJob(namespace, job("unmanaged", false)).execute();
      batch.createNamespacedJob(namespace, job("nightly-1", true)).execute();
      assertThat(nextEvent(events)).isEqualTo("ADDED nightly-1");

      fake.jobs().complete(namespace, "nightly-1");
      assertThat(nextEvent(events)).isEqualTo("MODIFIED nightly-1");
      V1Job cached = informer.getIndexer().getByKey(namespace + "/nightly-1");
      assertThat(cached.getStatus().getSucceeded()).isEqualTo(1);
      assertThat(cached.getStatus().getCompletionTime()).isNotNull();
      assertThat(cached.getStatus().getConditions())
          .extracting(V1JobCondition::getType, V1JobCondition::getStatus)
          .contains(tuple("SuccessCriteriaMet", "True"), tuple("Complete", "True"));

      V1Status deleted =
          batch
              .deleteNamespacedJob("nightly-1", namespace)
              .body(new V1DeleteOptions().propagationPolicy("Background"))
              .execute();
      assertThat(deleted.getStatus()).isEqualTo("Success");
      assertThat(nextEvent(events)).isEqualTo("DELETED nightly-1");
      assertThat(fake.jobs().deleted(namespace, "nightly-1")).isTrue();

      assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("no event for 'unmanaged'").isNull();
      String jobs = "GET /apis/batch/v1/namespaces/" + namespace + "/jobs?";
      assertThat(fake.requests())
          .as("the informer listed once and then kept one watch open")
          .filteredOn(request -> request.startsWith(jobs) && request.contains("watch="))
          .satisfiesExactly(
              list -> assertThat(list).contains("watch=false"),
              watch -> assertThat(watch).contains("watch=true"));
    } finally {
      factory.stopAllRegisteredInformers();
    }
  }

  @Test
  void watch_from_a_listed_resource_version_gets_what_changed_since_and_ends_after_timeoutSeconds()
      throws Exception {
    String namespace = newNamespace();
    batch.createNamespacedJob(namespace, job("before-list", true)).execute();
    String listedAt =
        batch.listNamespacedJob(namespace).execute().getMetadata().getResourceVersion();
    batch.createNamespacedJob(namespace, job("after-list", true)).execute();
    fake.client().batch().v1().jobs().inNamespace(namespace).withName("before-list").delete();

    BatchV1Api streamingBatch = new BatchV1Api(streamingClient);
    try (Watch<V1Job> watch =
        Watch.createWatch(
            streamingClient,
            streamingBatch
                .listNamespacedJob(namespace)
                .labelSelector(MANAGED)
                .watch(true)
                .resourceVersion(listedAt)
                .timeoutSeconds(1)
                .buildCall(null),
            new TypeToken<Watch.Response<V1Job>>() {}.getType())) {
      assertThat(watch.hasNext()).isTrue();
      assertThat(describe(watch.next())).isEqualTo("ADDED after-list");
      assertThat(watch.hasNext()).isTrue();
      assertThat(describe(watch.next())).isEqualTo("DELETED before-list");
      long quietSince = System.nanoTime();
      assertThat(watch.hasNext()).as("the stream ends after timeoutSeconds").isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - quietSince))
          .isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void a_dropped_watch_ends_and_a_new_one_from_its_last_version_gets_what_changed_meanwhile()
      throws Exception {
    String namespace = newNamespace();
    String listedAt =
        batch.listNamespacedJob(namespace).execute().getMetadata().getResourceVersion();
    BatchV1Api streamingBatch = new BatchV1Api(streamingClient);
    String lastSeen;
    try (Watch<V1Job> watch = jobWatch(streamingBatch, namespace, listedAt)) {
      batch.createNamespacedJob(namespace, job("before-drop", true)).execute();
      assertThat(watch.hasNext()).isTrue();
      Watch.Response<V1Job> event = watch.next();
      assertThat(describe(event)).isEqualTo("ADDED before-drop");
      lastSeen = event.object.getMetadata().getResourceVersion();

      fake.dropWatches();
      batch.createNamespacedJob(namespace, job("after-drop", true)).execute();

      assertThat(watch.hasNext()).as("the dropped stream ends, before after-drop").isFalse();
    }
    try (Watch<V1Job> again = jobWatch(streamingBatch, namespace, lastSeen)) {
      assertThat(again.hasNext()).isTrue();
      assertThat(describe(again.next())).isEqualTo("ADDED after-drop");
    }
  }

  private static Watch<V1Job> jobWatch(BatchV1Api streamingBatch, String namespace, String from)
      throws ApiException {
    return Watch.createWatch(
        streamingClient,
        streamingBatch
            .listNamespacedJob(namespace)
            .labelSelector(MANAGED)
            .watch(true)
            .resourceVersion(from)
            .timeoutSeconds(30)
            .buildCall(null),
        new TypeToken<Watch.Response<V1Job>>() {}.getType());
  }

  @Test
  void lists_honour_set_based_label_selectors_which_the_mock_alone_ignores() throws Exception {
    String namespace = newNamespace();
    batch.createNamespacedJob(namespace, job("nightly-1", true)).execute();
    batch.createNamespacedJob(namespace, job("unmanaged", false)).execute();

    assertThat(
            names(
                batch
                    .listNamespacedJob(namespace)
                    .labelSelector(MANAGED_BY + " in (nightshift)")
                    .execute()))
        .containsExactly("nightly-1");
    assertThat(names(batch.listNamespacedJob(namespace).labelSelector("!" + MANAGED_BY).execute()))
        .containsExactly("unmanaged");
    assertThat(
            names(
                batch
                    .listNamespacedJob(namespace)
                    .fieldSelector("metadata.name=unmanaged")
                    .execute()))
        .containsExactly("unmanaged");
  }

  @Test
  void version_is_served() throws Exception {
    assertThat(new VersionApi(batch.getApiClient()).getCode().execute().getMajor()).isEqualTo("1");
  }

  @Test
  void injected_500_fails_one_create_and_the_retry_creates_the_job() throws Exception {
    String namespace = newNamespace();
    fake.fail("POST", "/apis/batch/v1/namespaces/" + namespace + "/jobs", 500, 1);

    assertThatThrownBy(() -> batch.createNamespacedJob(namespace, job("nightly-1", true)).execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(500);
              assertThat(e.getResponseBody())
                  .contains("\"kind\":\"Status\"", "\"reason\":\"InternalError\"");
            });
    assertThat(fake.jobs().deleted(namespace, "nightly-1")).isTrue();
    batch.createNamespacedJob(namespace, job("nightly-1", true)).execute();

    assertThat(fake.createAttempts(namespace, "nightly-1")).isEqualTo(2);
    assertThat(fake.jobCreations(namespace)).containsExactly("nightly-1");
  }

  @Test
  void throttled_request_gets_429_with_Retry_After_and_the_next_one_is_served() throws Exception {
    String namespace = newNamespace();
    fake.throttle("GET", "/apis/batch/v1/namespaces/" + namespace + "/jobs", 7, 1);

    assertThatThrownBy(() -> batch.listNamespacedJob(namespace).execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(429);
              assertThat(header(e.getResponseHeaders(), "Retry-After")).containsExactly("7");
              assertThat(e.getResponseBody()).contains("\"reason\":\"TooManyRequests\"");
            });
    assertThat(batch.listNamespacedJob(namespace).execute().getItems()).isEmpty();
  }

  @Test
  void injected_403_answers_Forbidden() {
    String namespace = newNamespace();
    fake.fail("*", "/apis/batch/v1/namespaces/" + namespace + "/jobs/.*", 403, 1);

    assertThatThrownBy(() -> batch.readNamespacedJob("nightly-1", namespace).execute())
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getResponseBody()).contains("\"reason\":\"Forbidden\"");
            });
  }

  @Test
  void delayed_request_is_served_after_the_delay() throws Exception {
    String namespace = newNamespace();
    fake.delay(
        "GET", "/apis/batch/v1/namespaces/" + namespace + "/jobs", Duration.ofMillis(300), 1);

    long start = System.nanoTime();
    V1JobList jobs = batch.listNamespacedJob(namespace).execute();

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(jobs.getItems()).isEmpty();
  }

  @Test
  void started_job_has_a_labelled_running_pod_whose_log_is_served_with_tailLines()
      throws Exception {
    String namespace = newNamespace();
    batch.createNamespacedJob(namespace, job("nightly-1", true)).execute();

    String podName = fake.jobs().start(namespace, "nightly-1");
    fake.podLog(namespace, podName, "one\ntwo\nthree\n");

    assertThat(batch.readNamespacedJob("nightly-1", namespace).execute().getStatus().getActive())
        .isEqualTo(1);
    List<V1Pod> pods =
        core.listNamespacedPod(namespace).labelSelector("job-name=nightly-1").execute().getItems();
    assertThat(pods)
        .singleElement()
        .satisfies(
            pod -> {
              assertThat(pod.getMetadata().getName())
                  .isEqualTo(podName)
                  .matches("nightly-1-[a-z]{5}");
              assertThat(pod.getMetadata().getLabels())
                  .containsEntry("batch.kubernetes.io/job-name", "nightly-1");
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
    assertThat(core.readNamespacedPodLog(podName, namespace).tailLines(2).execute())
        .isEqualTo("two\nthree\n");
    assertThat(core.readNamespacedPodLog(podName, namespace).execute())
        .isEqualTo("one\ntwo\nthree\n");
    assertThatThrownBy(() -> core.readNamespacedPodLog("no-such-pod", namespace).execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void failed_job_reads_as_Failed_with_the_reason_through_client_java() throws Exception {
    String namespace = newNamespace();
    batch.createNamespacedJob(namespace, job("nightly-1", true)).execute();
    String podName = fake.jobs().start(namespace, "nightly-1");

    fake.jobs()
        .fail(
            namespace,
            "nightly-1",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit");

    V1Job job = batch.readNamespacedJob("nightly-1", namespace).execute();
    assertThat(job.getStatus().getFailed()).isEqualTo(1);
    assertThat(job.getStatus().getActive()).isNull();
    assertThat(job.getStatus().getConditions())
        .filteredOn(condition -> condition.getType().equals("Failed"))
        .singleElement()
        .satisfies(
            failed -> {
              assertThat(failed.getStatus()).isEqualTo("True");
              assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
            });
    assertThat(core.readNamespacedPod(podName, namespace).execute().getStatus().getPhase())
        .isEqualTo("Failed");
  }

  private static String newNamespace() {
    return "fake-kube-it-" + NAMESPACES.incrementAndGet();
  }

  /** A Job as the application creates it; client-java leaves apiVersion and kind to us. */
  private static V1Job job(String name, boolean managed) {
    return new V1Job()
        .apiVersion("batch/v1")
        .kind("Job")
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .labels(managed ? Map.of(MANAGED_BY, "nightshift") : Map.of("team", "other")))
        .spec(
            new V1JobSpec()
                .backoffLimit(0)
                .template(
                    new V1PodTemplateSpec()
                        .spec(
                            new V1PodSpec()
                                .restartPolicy("Never")
                                .containers(
                                    List.of(
                                        new V1Container()
                                            .name("main")
                                            .image("busybox:1.36")
                                            .command(List.of("echo", "hello")))))));
  }

  private static ResourceEventHandler<V1Job> recordingInto(BlockingQueue<String> events) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1Job job) {
        events.add("ADDED " + job.getMetadata().getName());
      }

      @Override
      public void onUpdate(V1Job before, V1Job after) {
        events.add("MODIFIED " + after.getMetadata().getName());
      }

      @Override
      public void onDelete(V1Job job, boolean finalStateUnknown) {
        events.add("DELETED " + job.getMetadata().getName());
      }
    };
  }

  private static void awaitSynced(SharedIndexInformer<V1Job> informer) throws InterruptedException {
    long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
    while (!informer.hasSynced()) {
      assertThat(System.nanoTime()).as("informer synced in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static String nextEvent(BlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an informer event within " + EVENT_TIMEOUT).isNotNull();
    return event;
  }

  private static List<String> names(V1JobList jobs) {
    return jobs.getItems().stream().map(job -> job.getMetadata().getName()).toList();
  }

  private static String describe(Watch.Response<V1Job> event) {
    return event.type + " " + event.object.getMetadata().getName();
  }

  /** okhttp hands client-java header names in lower case. */
  private static List<String> header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .flatMap(entry -> entry.getValue().stream())
        .toList();
  }
}

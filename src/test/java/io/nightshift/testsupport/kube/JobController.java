package io.nightshift.testsupport.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The Job controller the mock lacks, driven by the test: a Job stays as created until the test says
 * it started, completed or failed. Each step writes the Job's status the way the real controller
 * leaves it, through the status subresource, so watches see a {@code MODIFIED} event.
 *
 * <p>It does not create pods on its own, retry, count backoff, enforce deadlines or garbage
 * collect: a deleted Job's pods stay.
 */
public final class JobController {

  /** The alphabet of the Job controller's pod name suffixes: no vowels, no look-alikes. */
  private static final String POD_SUFFIX_LETTERS = "bcdfghjklmnpqrstvwxz";

  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private final KubernetesClient client;
  private final Random random = new SecureRandom();

  JobController(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Marks the Job running: {@code active: 1}, {@code startTime}, and one pod in phase Running, its
   * containers running, named {@code <job>-<5 letters>} and labelled {@code job-name} and {@code
   * batch.kubernetes.io/job-name} like the real controller's pods.
   *
   * @return the pod's name, for {@link FakeKubernetes#podLog}
   */
  public String start(String namespace, String name) {
    Job job = existing(namespace, name, "start");
    String now = now();
    String podName = name + "-" + randomSuffix();
    String uid = job.getMetadata().getUid();
    PodSpec spec =
        job.getSpec() != null && job.getSpec().getTemplate() != null
            ? job.getSpec().getTemplate().getSpec()
            : null;
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(namespace)
            .withLabels(
                Map.of(
                    "job-name", name,
                    "batch.kubernetes.io/job-name", name,
                    "controller-uid", uid,
                    "batch.kubernetes.io/controller-uid", uid))
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(name)
            .withUid(uid)
            .withController(true)
            .withBlockOwnerDeletion(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(spec)
            .withNewStatus()
            .withPhase("Running")
            .withStartTime(now)
            .withContainerStatuses(running(spec, now))
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(pod).create();
    editStatus(
        namespace,
        name,
        status ->
            new JobStatusBuilder(status)
                .withActive(1)
                .withReady(1)
                .withStartTime(startTime(status, now))
                .build());
    return podName;
  }

  /**
   * Marks the Job succeeded: its pods move to phase Succeeded, their containers terminated with
   * exit code 0; then the Job gets {@code succeeded: 1}, {@code completionTime}, conditions {@code
   * SuccessCriteriaMet} and {@code Complete}, in that order, as the real controller sees its pods
   * end before it ends the Job.
   */
  public void complete(String namespace, String name) {
    existing(namespace, name, "complete");
    String now = now();
    movePods(namespace, name, "Succeeded", 0, now);
    editStatus(
        namespace,
        name,
        status ->
            new JobStatusBuilder(status)
                .withActive(null)
                .withReady(0)
                .withSucceeded(1)
                .withStartTime(startTime(status, now))
                .withCompletionTime(now)
                .withConditions(
                    withConditions(
                        status,
                        condition(
                            "SuccessCriteriaMet",
                            "CompletionsReached",
                            "Reached expected number of succeeded pods",
                            now),
                        condition(
                            "Complete",
                            "CompletionsReached",
                            "Reached expected number of succeeded pods",
                            now)))
                .build());
  }

  /** As {@link #fail(String, String, String, String, int)}, the container exiting with 1. */
  public void fail(String namespace, String name, String reason, String message) {
    fail(namespace, name, reason, message, 1);
  }

  /**
   * Marks the Job failed: its pods move to phase Failed, each pod's first container terminated with
   * {@code exitCode} (the others with 0); then the Job gets {@code failed: 1} and conditions {@code
   * FailureTarget} and {@code Failed} with this reason and message (the real controller's reasons
   * include {@code BackoffLimitExceeded} and {@code DeadlineExceeded}).
   */
  public void fail(String namespace, String name, String reason, String message, int exitCode) {
    existing(namespace, name, "fail");
    String now = now();
    movePods(namespace, name, "Failed", exitCode, now);
    editStatus(
        namespace,
        name,
        status ->
            new JobStatusBuilder(status)
                .withActive(null)
                .withReady(0)
                .withFailed(1)
                .withStartTime(startTime(status, now))
                .withConditions(
                    withConditions(
                        status,
                        condition("FailureTarget", reason, message, now),
                        condition("Failed", reason, message, now)))
                .build());
  }

  public Optional<Job> job(String namespace, String name) {
    return Optional.ofNullable(jobResource(namespace, name).get());
  }

  public List<Job> jobs(String namespace) {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
  }

  /** The Job does not exist (never created, or deleted). */
  public boolean deleted(String namespace, String name) {
    return job(namespace, name).isEmpty();
  }

  /** Waits until the Job exists; fails naming the Jobs that do. */
  public Job awaitJob(String namespace, String name, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Optional<Job> job = job(namespace, name);
      if (job.isPresent()) {
        return job.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Job "
                + namespace
                + "/"
                + name
                + " did not appear within "
                + timeout
                + "; "
                + inventory(namespace));
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for Job " + namespace + "/" + name, e);
      }
    }
  }

  private Job existing(String namespace, String name, String action) {
    return job(namespace, name)
        .orElseThrow(
            () ->
                new AssertionError(
                    "cannot "
                        + action
                        + " Job "
                        + namespace
                        + "/"
                        + name
                        + ": no such Job; "
                        + inventory(namespace)));
  }

  private String inventory(String namespace) {
    return "Jobs in "
        + namespace
        + ": "
        + jobs(namespace).stream().map(job -> job.getMetadata().getName()).toList();
  }

  private Resource<Job> jobResource(String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name);
  }

  /** A PATCH of the status subresource, which the mock turns into a MODIFIED event. */
  private void editStatus(String namespace, String name, UnaryOperator<JobStatus> change) {
    jobResource(namespace, name)
        .editStatus(
            job -> {
              JobStatus status = job.getStatus() == null ? new JobStatus() : job.getStatus();
              return new JobBuilder(job).withStatus(change.apply(status)).build();
            });
  }

  /**
   * Ends the Job's pods in {@code phase}: the first container of each with {@code exitCode}, the
   * others with 0, as a container that failed among ones that succeeded.
   */
  private void movePods(String namespace, String jobName, String phase, int exitCode, String now) {
    for (Pod pod :
        client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems()) {
      client
          .pods()
          .inNamespace(namespace)
          .withName(pod.getMetadata().getName())
          .editStatus(
              current ->
                  new PodBuilder(current)
                      .editOrNewStatus()
                      .withPhase(phase)
                      .withContainerStatuses(terminated(current.getSpec(), exitCode, now))
                      .endStatus()
                      .build());
    }
  }

  private static List<ContainerStatus> running(PodSpec spec, String now) {
    return containers(spec).stream()
        .map(
            container ->
                status(container)
                    .withReady(true)
                    .withStarted(true)
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(now)
                    .endRunning()
                    .endState()
                    .build())
        .toList();
  }

  private static List<ContainerStatus> terminated(PodSpec spec, int exitCode, String now) {
    List<Container> containers = containers(spec);
    List<ContainerStatus> statuses = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      int code = i == 0 ? exitCode : 0;
      statuses.add(
          status(containers.get(i))
              .withReady(false)
              .withStarted(false)
              .withNewState()
              .withNewTerminated()
              .withExitCode(code)
              .withReason(code == 0 ? "Completed" : "Error")
              .withFinishedAt(now)
              .endTerminated()
              .endState()
              .build());
    }
    return statuses;
  }

  private static List<Container> containers(PodSpec spec) {
    return spec == null || spec.getContainers() == null ? List.of() : spec.getContainers();
  }

  /** A container's status with the fields an API server always sets, which client-java requires. */
  private static ContainerStatusBuilder status(Container container) {
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage() == null ? "" : container.getImage())
        .withImageID("")
        .withRestartCount(0);
  }

  private static List<JobCondition> withConditions(JobStatus status, JobCondition... added) {
    List<JobCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    conditions.addAll(List.of(added));
    return conditions;
  }

  private static JobCondition condition(String type, String reason, String message, String now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  private static String startTime(JobStatus status, String now) {
    return status.getStartTime() != null ? status.getStartTime() : now;
  }

  /** An API server timestamp: RFC 3339, whole seconds, UTC. */
  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private String randomSuffix() {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(POD_SUFFIX_LETTERS.charAt(random.nextInt(POD_SUFFIX_LETTERS.length())));
    }
    return suffix.toString();
  }
}

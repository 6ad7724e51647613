package io.nightshift.workflow.policy;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link JobPolicy}, from {@link PolicyConfig} and the release namespace: {@code
 * nightshift.kubernetes.release-namespace} ({@code NIGHTSHIFT_KUBERNETES_RELEASE_NAMESPACE}, which
 * the chart sets from the pod's own namespace), else, in a pod, the namespace of its service
 * account; outside a cluster there is none.
 */
@Factory
class JobPolicyFactory {

  private static final Logger LOG = LoggerFactory.getLogger(JobPolicyFactory.class);

  private static final Path POD_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Singleton
  JobPolicy jobPolicy(
      PolicyConfig config,
      @Value("${nightshift.kubernetes.release-namespace:}") String releaseNamespace) {
    Optional<String> release =
        releaseNamespace.isBlank() ? podNamespace() : Optional.of(releaseNamespace.trim());
    JobPolicy policy;
    try {
      policy = JobPolicy.of(config, release);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    LOG.info(
        "Job policy: level {} by default{}; the release namespace {}",
        config.defaultLevel(),
        config.namespaceLevels() == null || config.namespaceLevels().isEmpty()
            ? ""
            : ", " + String.join(", ", config.namespaceLevels()),
        release
            .map(
                namespace ->
                    namespace + (config.allowReleaseNamespace() ? " is allowed" : " is refused"))
            .orElse("is not known (not in a pod)"));
    return policy;
  }

  private static Optional<String> podNamespace() {
    try {
      return Files.isReadable(POD_NAMESPACE)
          ? Optional.of(Files.readString(POD_NAMESPACE).trim())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

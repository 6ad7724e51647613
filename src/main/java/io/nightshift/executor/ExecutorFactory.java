package io.nightshift.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.nightshift.executor.kubernetes.KubernetesClients;
import io.nightshift.executor.kubernetes.KubernetesConfig;
import io.nightshift.executor.kubernetes.KubernetesExecutor;
import io.nightshift.executor.local.LocalConfig;
import io.nightshift.executor.local.LocalExecutor;
import io.nightshift.executor.local.LocalProcess;
import io.nightshift.workflow.policy.JobPolicy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the executor from {@code nightshift.executor}: {@code auto} (the default) picks
 * kubernetes in a cluster or when a kubeconfig exists (or {@code nightshift.kubernetes.api-url} is
 * set), else local; {@code kubernetes} and {@code local} force one. It says at startup which one
 * runs, and why.
 */
@Factory
class ExecutorFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  Executor executor(
      @Value("${nightshift.executor:auto}") String kind,
      @Value("${nightshift.data-dir:./nightshift-data}") Path dataDir,
      KubernetesConfig kubernetes,
      JobPolicy policy,
      LocalConfig localConfig,
      MeterRegistry registry,
      Clock clock) {
    LaunchLag launchLag = new LaunchLag(registry, clock);
    return switch (kind) {
      case "local" -> local(kind, dataDir, localConfig, launchLag);
      case "kubernetes" -> kubernetes(kind, kubernetes, policy, registry, launchLag, "chosen");
      case "auto" -> {
        Optional<String> why =
            kubernetes.apiUrl() != null && !kubernetes.apiUrl().isBlank()
                ? Optional.of("nightshift.kubernetes.api-url is set")
                : KubernetesClients.detect();
        yield why.isPresent()
            ? kubernetes(kind, kubernetes, policy, registry, launchLag, why.get())
            : local(kind, dataDir, localConfig, launchLag);
      }
      default ->
          throw new ConfigurationException(
              "nightshift.executor must be auto, local or kubernetes, not \"" + kind + "\"");
    };
  }

  private static Executor local(
      String kind, Path dataDir, LocalConfig config, LaunchLag launchLag) {
    boolean root = isRoot();
    Optional<LocalProcess.RunAs> runAs = Optional.empty();
    if (config.runAs() != null && !config.runAs().isBlank()) {
      if (!root) {
        throw new ConfigurationException(
            "nightshift.executor.local.run-as needs the server to run as root, to switch to \""
                + config.runAs()
                + "\"");
      }
      try {
        runAs = Optional.of(LocalProcess.RunAs.of(config.runAs().strip()));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("nightshift.executor.local.run-as: " + e.getMessage());
      }
    }
    LOG.info(
        "Executor: local (nightshift.executor={}): steps run as processes of this machine, as {}",
        kind,
        runAs
            .map(user -> "user " + user.user() + " (uid " + user.uid() + ")")
            .orElse("the server's user"));
    if (root && runAs.isEmpty()) {
      LOG.warn(
          "The server runs as root and steps run as the server's user: every step may read the"
              + " server's files and secrets. Set nightshift.executor.local.run-as to an"
              + " unprivileged user (such as nobody).");
    }
    if (config.allowScopedAdmins()) {
      LOG.warn(
          "nightshift.executor.local.allow-scoped-admins=true: admins confined to some namespaces"
              + " may define workflows, whose steps all run on this machine as one user: a step"
              + " may see and signal other namespaces' steps{}",
          runAs.isEmpty() ? ", read their logs and read the server's secrets" : "");
    }
    return new LocalExecutor(dataDir, runAs, config.allowScopedAdmins(), launchLag);
  }

  /** Whether this JVM runs as root (uid 0). */
  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private static Executor kubernetes(
      String kind,
      KubernetesConfig config,
      JobPolicy policy,
      MeterRegistry registry,
      LaunchLag launchLag,
      String why) {
    Set<String> namespaces =
        new LinkedHashSet<>(
            config.namespaces() == null || config.namespaces().isEmpty()
                ? Set.of(KubernetesClients.ownNamespace())
                : config.namespaces());
    namespaces.removeIf(String::isBlank);
    LOG.info(
        "Executor: kubernetes (nightshift.executor={}, {}): steps run as Jobs in {}; at most {}"
            + " API requests a second (burst {}), {} Job creators",
        kind,
        why,
        namespaces.contains("*") ? "every namespace" : String.join(", ", namespaces),
        config.qps(),
        config.burst(),
        config.creators());
    KubernetesClients.Clients clients = KubernetesClients.clients(config, registry);
    return new KubernetesExecutor(
        clients.requests(),
        clients.watching(),
        namespaces,
        config.createRetryLimit(),
        policy,
        config.creators(),
        launchLag);
  }
}

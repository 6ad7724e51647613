package io.nightshift.executor;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.nightshift.executor.local.LocalExecutor;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the executor from {@code nightshift.executor}: {@code auto} (the default), {@code local}
 * or {@code kubernetes}, and says at startup which one runs.
 */
@Factory
class ExecutorFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorFactory.class);

  @Singleton
  @Bean(preDestroy = "stop")
  LocalExecutor executor(
      @Value("${nightshift.executor:auto}") String kind,
      @Value("${nightshift.data-dir:./nightshift-data}") Path dataDir) {
    return switch (kind) {
      case "auto", "local" -> {
        LOG.info(
            "Executor: local (nightshift.executor={}): steps run as child processes of this node",
            kind);
        yield new LocalExecutor(dataDir);
      }
      case "kubernetes" ->
          throw new ConfigurationException(
              "nightshift.executor=kubernetes: the Kubernetes executor is not in this version yet;"
                  + " use auto or local");
      default ->
          throw new ConfigurationException(
              "nightshift.executor must be auto, local or kubernetes, not \"" + kind + "\"");
    };
  }
}

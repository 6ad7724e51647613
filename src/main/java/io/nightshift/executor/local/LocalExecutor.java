package io.nightshift.executor.local;

import io.nightshift.executor.Executor;
import io.nightshift.workflow.EnvVar;
import io.nightshift.workflow.Step;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs each step's {@code command} and {@code args} as a child process with the step's environment;
 * the image is ignored. For trying workflows on a laptop: a step that needs a cluster (a {@code
 * jobTemplate}, an env value from a Secret) fails with a reason that says so.
 */
public class LocalExecutor implements Executor {

  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final Path logs;
  private final Map<String, LocalProcess> running = new ConcurrentHashMap<>();

  public LocalExecutor(Path dataDir) {
    this.logs = dataDir.resolve("logs");
  }

  @Override
  public void launch(Launch launch, Consumer<Result> onEnd) {
    Step step = launch.step();
    Optional<String> unsupported = unsupported(step);
    if (unsupported.isPresent()) {
      onEnd.accept(Result.failure("NotRunnableLocally", unsupported.get()));
      return;
    }
    List<String> command = new ArrayList<>(step.command() == null ? List.of() : step.command());
    if (step.args() != null) {
      command.addAll(step.args());
    }
    if (command.isEmpty()) {
      onEnd.accept(
          Result.failure("NotRunnableLocally", "the local executor needs a command or args"));
      return;
    }
    Map<String, String> env = new LinkedHashMap<>(launch.env());
    if (step.env() != null) {
      step.env().forEach(variable -> env.put(variable.name(), variable.value()));
    }
    if (running.containsKey(launch.name())) {
      return; // already running under this name: the earlier launch reports its end
    }
    LocalProcess process;
    try {
      process = LocalProcess.start(command, env, log(launch.name()));
    } catch (UncheckedIOException | IllegalArgumentException e) {
      onEnd.accept(Result.failure("StartFailed", e.getMessage()));
      return;
    }
    running.put(launch.name(), process);
    process
        .exit()
        .whenComplete(
            (code, error) -> {
              // Reported before it is forgotten: a step is never both unknown here and Running.
              try {
                if (error == null && code == 0) {
                  onEnd.accept(Result.success());
                } else {
                  onEnd.accept(
                      Result.failure(
                          "Error", error != null ? error.toString() : "exited with code " + code));
                }
              } finally {
                running.remove(launch.name());
              }
            });
  }

  private static Optional<String> unsupported(Step step) {
    if (step.jobTemplate() != null) {
      return Optional.of("a jobTemplate step needs the kubernetes executor");
    }
    if (step.env() != null) {
      for (EnvVar variable : step.env()) {
        if (variable.valueFrom() != null) {
          return Optional.of(
              "env " + variable.name() + " comes from the cluster (valueFrom): needs kubernetes");
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean running(String name) {
    return running.containsKey(name);
  }

  @Override
  public void cancel(String name) {
    LocalProcess process = running.get(name);
    if (process != null) {
      process.kill(KILL_GRACE);
    }
  }

  @Override
  public void delete(String name) {
    try {
      Files.deleteIfExists(log(name));
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<String> logs(String name) {
    Path log = log(name);
    try {
      return Files.exists(log) ? Optional.of(Files.readString(log)) : Optional.empty();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path log(String name) {
    return logs.resolve(name + ".log");
  }

  /** Kills every process still running: they do not outlive the node. */
  public void stop() {
    running.values().forEach(process -> process.kill(KILL_GRACE));
  }
}

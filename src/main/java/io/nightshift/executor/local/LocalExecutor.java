package io.nightshift.executor.local;

import io.nightshift.executor.Executor;
import io.nightshift.executor.LaunchLag;
import io.nightshift.executor.LogCursor;
import io.nightshift.executor.StepLog;
import io.nightshift.workflow.EnvVar;
import io.nightshift.workflow.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs each step's {@code command} and {@code args} as a process on this machine with the step's
 * environment; the image is ignored. For trying workflows on a laptop: a step that needs a cluster
 * (a {@code jobTemplate}, an env value from a Secret) fails with a reason that says so.
 *
 * <p>Each attempt is recorded under {@code <data-dir>/steps} (see {@link LocalProcess}), and its
 * process outlives the node that started it: a node stopped mid-run leaves its steps running, and
 * the next leader sharing the data directory takes them over instead of launching them again.
 */
public class LocalExecutor implements Executor {

  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final Path steps;
  private final Optional<LocalProcess.RunAs> runAs;
  private final boolean allowScopedAdmins;
  private final LaunchLag launchLag;
  private final Map<String, Watch> watched = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /** An attempt this node reports the end of, to whichever callback the engine gave last. */
  private record Watch(LocalProcess process, AtomicReference<Consumer<Result>> onEnd) {}

  /** Steps as the server's user; namespace-scoped admins may not define workflows. */
  public LocalExecutor(Path dataDir) {
    this(dataDir, Optional.empty(), false, LaunchLag.none());
  }

  /**
   * @param runAs the user steps run as; empty: the server's user
   * @param allowScopedAdmins whether admins confined to some namespaces may define workflows
   * @param launchLag where the time from admission to process started goes
   */
  public LocalExecutor(
      Path dataDir,
      Optional<LocalProcess.RunAs> runAs,
      boolean allowScopedAdmins,
      LaunchLag launchLag) {
    this.steps = dataDir.resolve("steps");
    this.runAs = runAs;
    this.allowScopedAdmins = allowScopedAdmins;
    this.launchLag = launchLag;
    try {
      LocalProcess.privateDirectory(steps);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("cannot make " + steps + " private to this user", e);
    }
  }

  /**
   * Whether a caller confined to some namespaces may create, replace or delete workflows. Every
   * step runs on this machine as one user, so a step of one namespace could read what the steps of
   * another wrote, and whatever that user may read of the server: a scope would not hold.
   */
  public boolean allowsScopedAdmins() {
    return allowScopedAdmins;
  }

  @Override
  public void launch(Launch launch, Runnable onAccepted, Consumer<Result> onEnd) {
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
    String key = key(launch.namespace(), launch.name());
    Watch current = watched.get(key);
    if (current != null) {
      current.onEnd().set(onEnd); // launched before by this node
      onAccepted.run();
      return;
    }
    // One look at the files serves both adopt (this run's) and the leftover check (another's).
    Path dir = steps.resolve(launch.namespace());
    Optional<LocalProcess> leftover = LocalProcess.find(dir, launch.name());
    if (leftover.isPresent() && leftover.get().runId().equals(launch.runId())) {
      watch(key, leftover.get(), onEnd); // launched before, by a node that was leader then
      onAccepted.run();
      return;
    }
    if (leftover.isPresent()) {
      if (leftover.get().alive()) {
        onEnd.accept(
            Result.failure(
                "AlreadyExists",
                launch.name()
                    + " is running for another run ("
                    + leftover.get().runId()
                    + "): a workflow deleted and created again while its step still ran"));
        return;
      }
      LocalProcess.delete(dir, launch.name()); // an ended attempt of a deleted workflow
    }
    Map<String, String> env = new LinkedHashMap<>(launch.env());
    if (step.env() != null) {
      step.env().forEach(variable -> env.put(variable.name(), variable.value()));
    }
    LocalProcess process;
    try {
      process = LocalProcess.start(dir, launch.name(), launch.runId(), command, env, runAs);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      onEnd.accept(Result.failure("StartFailed", e.getMessage()));
      return;
    }
    launchLag.launched(launch);
    watch(key, process, onEnd);
    onAccepted.run(); // started, and its pid file written: another node can find it
  }

  /** Attempts are named per workflow, and a workflow's name is unique in its namespace only. */
  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public boolean adopt(Launch launch, Consumer<Result> onEnd) {
    String key = key(launch.namespace(), launch.name());
    Watch current = watched.get(key);
    if (current != null) {
      current.onEnd().set(onEnd);
      return true;
    }
    Optional<LocalProcess> found =
        LocalProcess.find(steps.resolve(launch.namespace()), launch.name())
            .filter(process -> process.runId().equals(launch.runId()));
    found.ifPresent(process -> watch(key, process, onEnd));
    return found.isPresent();
  }

  private void watch(String key, LocalProcess process, Consumer<Result> onEnd) {
    Watch watch = new Watch(process, new AtomicReference<>(onEnd));
    Watch earlier = watched.putIfAbsent(key, watch);
    if (earlier != null) {
      earlier.onEnd().set(onEnd);
      return;
    }
    process
        .exit()
        .whenComplete(
            (code, error) -> {
              // Reported before it is forgotten: a step is never both unwatched here and Running.
              try {
                if (!stopped) {
                  watch.onEnd().get().accept(result(code, error));
                }
              } finally {
                watched.remove(key, watch);
              }
            });
  }

  private static Result result(OptionalInt code, Throwable error) {
    if (error != null) {
      return Result.failure("Error", error.toString());
    }
    if (code.isEmpty()) {
      return Result.failure(
          "ExecutorLost",
          "the process ended without recording its exit code: it was killed, or its machine"
              + " restarted");
    }
    Result result =
        code.getAsInt() == 0
            ? Result.success()
            : Result.failure("Error", "exited with code " + code.getAsInt());
    return result.withExitCode(code.getAsInt());
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
  public void cancel(String namespace, String name) {
    Watch watch = watched.get(key(namespace, name));
    Optional<LocalProcess> process =
        watch != null
            ? Optional.of(watch.process())
            : LocalProcess.find(steps.resolve(namespace), name);
    process.ifPresent(found -> found.kill(KILL_GRACE));
  }

  /** Stops the attempt if it still runs (its workflow was deleted), then removes its files. */
  @Override
  public void delete(String namespace, String name) {
    cancel(namespace, name);
    watched.remove(key(namespace, name));
    LocalProcess.delete(steps.resolve(namespace), name);
  }

  /**
   * Reads from the end of the file: the last {@code tailLines} lines are found by scanning back for
   * newlines, and no more than {@code maxBytes} are ever read, however large the log. What the step
   * writes meanwhile is left for the next read.
   */
  @Override
  public Optional<StepLog> logs(
      String namespace, String name, OptionalInt tailLines, long maxBytes) {
    Path log = steps.resolve(namespace).resolve(name + ".log");
    SeekableByteChannel channel;
    try {
      channel = Files.newByteChannel(log, StandardOpenOption.READ);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      long size = channel.size();
      LogFile.Window window = LogFile.window(channel, size, tailLines, maxBytes);
      channel.position(window.start());
      InputStream body =
          new BoundedInputStream(Channels.newInputStream(channel), size - window.start());
      return Optional.of(new StepLog(StepLog.replacingInvalidUtf8(body), window.omitted()));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  @Override
  public LogCursor follow(String namespace, String name, OptionalInt tailLines, long maxBytes) {
    return new LocalLogCursor(steps.resolve(namespace), name, tailLines, maxBytes);
  }

  /** At most {@code remaining} bytes of {@code source}: the log as it was when asked for. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream source, long remaining) {
      super(source);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(buffer, offset, (int) Math.min(length, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

  /**
   * Stops reporting: the processes keep running, and the next leader on this machine takes them
   * over.
   */
  @Override
  public void close() {
    stopped = true;
    watched.clear();
  }
}

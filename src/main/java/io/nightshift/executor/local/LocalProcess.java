package io.nightshift.executor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One step run as a child process on this machine, for trying workflows without a cluster: its
 * command and args with the given environment, stdout and stderr together in a log file, its exit
 * code when it ends. Killing it kills the whole process tree, so that {@code sh -c 'a | b'} leaves
 * nothing behind.
 */
public final class LocalProcess {

  private final Process process;
  private final Path log;
  private final CompletableFuture<Integer> exit;

  private LocalProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  /**
   * Starts {@code command} with exactly {@code environment} (plus PATH and HOME of this JVM, so
   * that commands resolve) and its output appended to {@code log}.
   */
  public static LocalProcess start(
      List<String> command, Map<String, String> environment, Path log) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a local step needs a command");
    }
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Map<String, String> env = builder.environment();
      String path = env.get("PATH");
      String home = env.get("HOME");
      env.clear();
      if (path != null) {
        env.put("PATH", path);
      }
      if (home != null) {
        env.put("HOME", home);
      }
      env.putAll(environment);
      return new LocalProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /** Completes with the exit code when the process ends (killed: non-zero). */
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Ends the process and every descendant: politely first (SIGTERM), then, after {@code grace}, by
   * force. Descendants are collected before the parent is signalled, since once it is gone they are
   * re-parented and can no longer be found from it.
   */
  public void kill(Duration grace) {
    List<ProcessHandle> tree = process.toHandle().descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** What the process has written so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

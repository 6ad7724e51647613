package io.nightshift.executor.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One step run as a process on this machine, recorded in a directory so that any node sharing it
 * can find the process again: {@code <name>.log} holds stdout and stderr, {@code <name>.pid} who
 * runs it (pid, start time, run id), and {@code <name>.exit} its exit code once it ended. The
 * process outlives the node that started it, as a Kubernetes Job outlives its leader, and the next
 * leader on this machine takes it over with {@link #find}. Killing it kills the whole process tree,
 * so that {@code sh -c 'a | b'} leaves nothing behind.
 */
public final class LocalProcess {

  /**
   * Runs the command and then records its exit code, only when the command ended by itself. The
   * file is read only once the wrapper has exited, so it is complete by then.
   */
  private static final String RECORD_EXIT =
      "exit_file=$1; shift; \"$@\"; code=$?; printf '%s\\n' \"$code\" > \"$exit_file\"; exit \"$code\"";

  private final AttemptFiles files;
  private final ProcessHandle handle;
  private final String runId;
  private final CompletableFuture<OptionalInt> exit;

  private LocalProcess(
      AttemptFiles files, ProcessHandle handle, String runId, CompletableFuture<?> ended) {
    this.files = files;
    this.handle = handle;
    this.runId = runId;
    this.exit = ended.thenApply(ignored -> files.exitCode());
  }

  /** The three files of the attempt {@code name} in {@code dir}. */
  private record AttemptFiles(Path log, Path pid, Path exit) {
    static AttemptFiles of(Path dir, String name) {
      return new AttemptFiles(
          dir.resolve(name + ".log"), dir.resolve(name + ".pid"), dir.resolve(name + ".exit"));
    }

    OptionalInt exitCode() {
      try {
        return Files.exists(exit)
            ? OptionalInt.of(Integer.parseInt(Files.readString(exit).trim()))
            : OptionalInt.empty();
      } catch (IOException | NumberFormatException e) {
        return OptionalInt.empty();
      }
    }

    void deleteAll() {
      for (Path path : List.of(log, pid, exit)) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * Starts {@code command} as the attempt {@code name} of run {@code runId}, with exactly {@code
   * environment} (plus PATH and HOME of this JVM, so that commands resolve), its output in {@code
   * <name>.log} in {@code dir}.
   *
   * @throws IllegalArgumentException when the command is empty or cannot be found
   */
  public static LocalProcess start(
      Path dir, String name, String runId, List<String> command, Map<String, String> environment) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a local step needs a command");
    }
    Map<String, String> env = baseEnvironment();
    env.putAll(environment);
    if (!resolvable(command.get(0), env.get("PATH"))) {
      throw new IllegalArgumentException(
          "cannot start " + command.get(0) + ": no such executable on PATH");
    }
    AttemptFiles files = AttemptFiles.of(dir, name);
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(files.exit());
      List<String> wrapped = new ArrayList<>(List.of("sh", "-c", RECORD_EXIT, "nightshift-step"));
      wrapped.add(files.exit().toAbsolutePath().toString());
      wrapped.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(wrapped).redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      ProcessHandle handle = process.toHandle();
      writeAtomically(
          files.pid(),
          handle.pid() + " " + startOf(handle).map(Instant::toString).orElse("-") + " " + runId);
      return new LocalProcess(files, handle, runId, process.onExit());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /**
   * The attempt {@code name} as recorded in {@code dir}, running or ended, when a node started it
   * there; its process is matched by start time as well as pid, so a reused pid is not taken for
   * it.
   */
  public static Optional<LocalProcess> find(Path dir, String name) {
    AttemptFiles files = AttemptFiles.of(dir, name);
    String[] record;
    try {
      if (!Files.exists(files.pid())) {
        return Optional.empty();
      }
      record = Files.readString(files.pid()).trim().split(" ", 3);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (record.length < 3) {
      return Optional.empty();
    }
    long pid = Long.parseLong(record[0]);
    String started = record[1];
    Optional<ProcessHandle> handle =
        ProcessHandle.of(pid)
            .filter(
                candidate ->
                    started.equals("-")
                        || startOf(candidate).map(Instant::toString).orElse("-").equals(started));
    CompletableFuture<?> ended =
        handle.isPresent()
            ? handle.get().onExit()
            : CompletableFuture.completedFuture(null); // gone: ended while no one watched
    return Optional.of(new LocalProcess(files, handle.orElse(null), record[2], ended));
  }

  /** Removes what the attempt {@code name} left in {@code dir}. */
  public static void delete(Path dir, String name) {
    AttemptFiles.of(dir, name).deleteAll();
  }

  /**
   * Completes when the process ends, with its exit code; empty when it ended without recording one
   * (it was killed, or its machine restarted).
   */
  public CompletableFuture<OptionalInt> exit() {
    return exit;
  }

  /** The run this attempt belongs to, as recorded when it started. */
  public String runId() {
    return runId;
  }

  public boolean alive() {
    return handle != null && handle.isAlive();
  }

  /**
   * Ends the process and every descendant: politely first (SIGTERM), then, after {@code grace}, by
   * force. Descendants are collected before the parent is signalled, since once it is gone they are
   * re-parented and can no longer be found from it.
   */
  public void kill(Duration grace) {
    if (handle == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
    tree.add(handle);
    tree.forEach(ProcessHandle::destroy);
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // not gone within the grace period: forced below
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** What the process has written so far. */
  public String log() {
    try {
      return Files.exists(files.log()) ? Files.readString(files.log(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> baseEnvironment() {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    String path = System.getenv("PATH");
    String home = System.getenv("HOME");
    if (path != null) {
      env.put("PATH", path);
    }
    if (home != null) {
      env.put("HOME", home);
    }
    return env;
  }

  private static boolean resolvable(String executable, String path) {
    if (executable.contains("/")) {
      return Files.isExecutable(Path.of(executable));
    }
    if (path == null) {
      return false;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, executable))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Instant> startOf(ProcessHandle handle) {
    return handle.info().startInstant();
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(temporary, content);
    try {
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

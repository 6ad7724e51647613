package io.nightshift.executor.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
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
      "exit_file=$1; shift; \"$@\"; code=$?; (umask 077; printf '%s\\n' \"$code\" >"
          + " \"$exit_file\"); exit \"$code\"";

  /**
   * The PATH of every step unless its workflow sets one: the system's directories, not the server's
   * own PATH, which may name directories of the server's user.
   */
  static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  /**
   * HOME of every step unless its workflow sets one. Not the server's home, which holds the
   * server's credentials (a kubeconfig, ~/.pgpass) and may be unreadable to a run-as user; not a
   * per-step directory either, since a step outlives the node that started it and nothing would
   * remove it. {@code /tmp} exists and is writable for every user.
   */
  static final String HOME = "/tmp";

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * An unprivileged user steps run as, switched to with {@code setpriv} by a wrapper that stays the
   * server's user, so that the wrapper can still record the exit code in a file only the server
   * reads.
   */
  public record RunAs(String user, long uid, long gid, String setpriv) {
    /**
     * The user {@code user} of this machine, as {@code id} knows it, with {@code setpriv} found on
     * {@link #PATH}.
     *
     * @throws IllegalArgumentException when there is no such user, or no setpriv
     */
    public static RunAs of(String user) {
      String setpriv =
          java.util.Arrays.stream(PATH.split(":"))
              .map(directory -> Path.of(directory, "setpriv"))
              .filter(Files::isExecutable)
              .findFirst()
              .map(Path::toString)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "setpriv (util-linux) is not in " + PATH + ": cannot switch users"));
      return new RunAs(user, id(user, "-u"), id(user, "-g"), setpriv);
    }

    private static long id(String user, String option) {
      try {
        Process process =
            new ProcessBuilder("id", option, "--", user)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
          throw new IllegalArgumentException("no user \"" + user + "\" on this machine");
        }
        return Long.parseLong(out.strip());
      } catch (IOException | NumberFormatException e) {
        throw new IllegalArgumentException("cannot look up the user \"" + user + "\": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    List<String> prefix() {
      return List.of(setpriv, "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
    }
  }

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

  /** Like {@link #start(Path, String, String, List, Map, Optional)}, as the server's user. */
  public static LocalProcess start(
      Path dir, String name, String runId, List<String> command, Map<String, String> environment) {
    return start(dir, name, runId, command, environment, Optional.empty());
  }

  /**
   * Starts {@code command} as the attempt {@code name} of run {@code runId}, with exactly {@code
   * environment} over a minimal base ({@link #PATH}, {@link #HOME}, {@code LANG=C.UTF-8}; never a
   * variable of this JVM), its output in {@code <name>.log} in {@code dir}. The directory is made
   * readable by the server's user only, and so are the log, pid and exit files. With {@code runAs},
   * the command runs as that user, in {@link #HOME}.
   *
   * @throws IllegalArgumentException when the command is empty or cannot be found
   */
  public static LocalProcess start(
      Path dir,
      String name,
      String runId,
      List<String> command,
      Map<String, String> environment,
      Optional<RunAs> runAs) {
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
      privateDirectory(dir);
      Files.deleteIfExists(files.exit());
      privateFile(files.log());
      List<String> wrapped = new ArrayList<>(List.of("sh", "-c", RECORD_EXIT, "nightshift-step"));
      wrapped.add(files.exit().toAbsolutePath().toString());
      runAs.ifPresent(user -> wrapped.addAll(user.prefix()));
      wrapped.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(wrapped).redirectErrorStream(true);
      if (runAs.isPresent()) {
        builder.directory(new File(HOME)); // the server's working directory may be closed to it
      }
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

  /** What every step's environment starts from; nothing of this JVM's own. */
  static Map<String, String> baseEnvironment() {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("HOME", HOME);
    env.put("LANG", "C.UTF-8");
    return env;
  }

  /**
   * Creates {@code directory}, and those above it up to the first that exists, readable by this
   * user only; takes that right from others when it exists.
   */
  static void privateDirectory(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath();
    if (!Files.isDirectory(absolute)) {
      if (absolute.getParent() != null && !Files.isDirectory(absolute.getParent())) {
        privateDirectory(absolute.getParent());
      }
      try {
        Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made meanwhile by another thread or node: tightened below
      }
    }
    Files.setPosixFilePermissions(absolute, OWNER_ONLY_DIRECTORY); // whatever the umask
  }

  /** Creates {@code file} empty and readable by this user only, or tightens the one there. */
  private static void privateFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // an earlier attempt's log, appended to
    }
    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
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

  /**
   * Writes {@code content} to a temporary file opened once, created owner-only (one left by a crash
   * was created so too, in a directory only this user may write), then renames it over {@code
   * target}, so that a reader sees the old record or the new one, never a part. Not forced to disk:
   * a machine that crashes loses the process as well as its record.
   */
  private static void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            temporary,
            Set.of(
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING),
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
    try {
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of the local executor: a bare loop that starts what the local executor starts for a
 * no-op step ({@code true}), with the same command line, environment and files (see {@code
 * executor/local/LocalProcess}: {@code sh -c <record the exit code> nightshift-step <exit file>
 * true}, output appended to a private log file, stdin from /dev/null, a pid file written by
 * rename), one after another on one thread. Only the starts are timed; the processes are reaped
 * after.
 */
final class ProcessLaunchPeer {

  /** The wrapper's script, as the local executor runs it. */
  private static final String RECORD_EXIT =
      "exit_file=$1; shift; \"$@\"; code=$?; (umask 077; printf '%s\\n' \"$code\" >"
          + " \"$exit_file\"); exit \"$code\"";

  private ProcessLaunchPeer() {}

  static PeerResult run(int count) throws Exception {
    Path dir =
        Files.createTempDirectory(
            "nightshift-bench-launch",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    List<CompletableFuture<Process>> exits = new ArrayList<>(count);
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      exits.add(launch(dir, "bare-" + i + "-noop-1").onExit());
    }
    double seconds = Math.max(0.000_001, (System.nanoTime() - started) / 1e9);
    CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    long succeeded = exits.stream().filter(exit -> exit.join().exitValue() == 0).count();
    deleteTree(dir);
    ObjectNode setup = JsonNodeFactory.instance.objectNode();
    setup.put("loop", "one thread, ProcessBuilder.start of the local executor's wrapper");
    setup.put("command", "sh -c <record exit> nightshift-step <exit file> true");
    return new PeerResult("launches/s", count / seconds, count, succeeded, null, setup);
  }

  private static Process launch(Path dir, String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    Path pid = dir.resolve(name + ".pid");
    Path exit = dir.resolve(name + ".exit");
    Files.deleteIfExists(exit);
    Files.createFile(
        log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of("sh", "-c", RECORD_EXIT, "nightshift-step", exit.toString(), "true"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    builder.environment().put("HOME", "/tmp");
    builder.environment().put("LANG", "C.UTF-8");
    Process process = builder.start();
    String start = process.toHandle().info().startInstant().map(Object::toString).orElse("-");
    Path temporary = dir.resolve(name + ".pid.tmp");
    Files.writeString(temporary, process.pid() + " " + start + " bench");
    Files.move(temporary, pid, StandardCopyOption.ATOMIC_MOVE);
    return process;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

package io.nightshift.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/nightshift} as a user runs it, over the packaged jar, as a child process with its own
 * environment: nothing of the test JVM's {@code NIGHTSHIFT_*} variables, a config file and a cache
 * of its own.
 */
final class Cli {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Path work;
  private final Map<String, String> env = new LinkedHashMap<>();

  Cli(Path work) {
    this.work = work;
    env.put("NIGHTSHIFT_CONFIG", work.resolve("config.yaml").toString());
    env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
    env.put("HOME", work.toString());
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** What a finished command left. */
  record Outcome(int exitCode, String stdout, String stderr) {

    List<String> lines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
    }

    String lastLine() {
      List<String> lines = lines();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** A started command: its process and where its output goes. */
  final class Running {
    final Process process;
    private final Path out;
    private final Path err;

    private Running(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    String stderrSoFar() {
      return read(err);
    }

    Outcome await(Duration limit) {
      try {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("still running after " + limit + ":\n" + read(err));
        }
        return new Outcome(process.exitValue(), read(out), read(err));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  Running start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of("bin/nightshift").toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("NIGHTSHIFT_"));
    builder.environment().putAll(env);
    int n = SEQUENCE.incrementAndGet();
    Path out = work.resolve("cli-" + n + ".out");
    Path err = work.resolve("cli-" + n + ".err");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      return new Running(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Outcome run(String... args) {
    return start(args).await(Duration.ofMinutes(2));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.nightshift.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line run in-process, as {@code main} runs it but with its own environment, working
 * directory, stdin, stdout and stderr; a config file in {@code dir} unless the environment names
 * one. For what needs no signal nor a separate JVM ({@link Cli} starts one).
 */
final class CliRun {

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private CliRun() {}

  static Result run(Path dir, Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("NIGHTSHIFT_CONFIG", dir.resolve("config.yaml").toString());
    int code =
        new NightshiftCli(
                all,
                dir,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
            .execute(args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

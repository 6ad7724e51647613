package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessTest {

  @TempDir Path dir;

  private LocalProcess start(String name, String script) {
    return LocalProcess.start(dir, name, "run-1", List.of("sh", "-c", script), Map.of());
  }

  @Test
  void runs_the_command_with_exactly_the_given_env_and_keeps_its_output() throws Exception {
    LocalProcess process =
        LocalProcess.start(
            dir,
            "backup",
            "run-1",
            List.of(
                "sh",
                "-c",
                "echo step=$NIGHTSHIFT_STEP days=$RETENTION_DAYS user=${USER:-none}; echo oops >&2"),
            Map.of("NIGHTSHIFT_STEP", "backup", "RETENTION_DAYS", "30"));

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(0));
    assertThat(process.log()).isEqualTo("step=backup days=30 user=none\noops\n");
  }

  @Test
  void a_failing_command_reports_its_exit_code() throws Exception {
    LocalProcess process = start("fail", "exit 3");

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(3));
  }

  @Test
  void a_running_process_is_found_again_from_its_directory_and_its_end_observed() throws Exception {
    Path go = dir.resolve("go");
    LocalProcess started = start("held", "while [ ! -e " + go + " ]; do sleep 0.05; done; exit 4");

    LocalProcess found = LocalProcess.find(dir, "held").orElseThrow();
    assertThat(found.alive()).isTrue();
    assertThat(found.runId()).isEqualTo("run-1");
    assertThat(found.exit()).isNotDone();

    Files.createFile(go);
    assertThat(found.exit().get(10, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(4));
    assertThat(started.exit().get(10, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(4));
  }

  @Test
  void an_ended_process_is_found_with_its_exit_code_and_an_unknown_one_not_at_all()
      throws Exception {
    start("quick", "exit 0").exit().get(10, TimeUnit.SECONDS);

    LocalProcess found = LocalProcess.find(dir, "quick").orElseThrow();
    assertThat(found.alive()).isFalse();
    assertThat(found.exit().get(1, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(0));
    assertThat(LocalProcess.find(dir, "never-started")).isEmpty();
  }

  @Test
  void killing_ends_the_whole_process_tree() throws Exception {
    Path childPid = dir.resolve("child.pid");
    LocalProcess process = start("tree", "sleep 300 & echo $! > " + childPid + "; wait");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(childPid) && Files.size(childPid) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long child = Long.parseLong(Files.readString(childPid).trim());
    assertThat(ProcessHandle.of(child)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

    LocalProcess.find(dir, "tree").orElseThrow().kill(Duration.ofSeconds(2));

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isNotEqualTo(OptionalInt.of(0));
    var childHandle = ProcessHandle.of(child);
    if (childHandle.isPresent()) {
      // A tree left alive would sleep for 300 s: this times out and fails instead.
      childHandle.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_unknown_command_fails_to_start_with_its_name() {
    assertThatThrownBy(
            () -> LocalProcess.start(dir, "x", "run-1", List.of("no-such-command-xyz"), Map.of()))
        .hasMessageContaining("no-such-command-xyz");
  }

  @Test
  void delete_removes_every_file_the_attempt_left() throws Exception {
    start("gone", "echo hi").exit().get(10, TimeUnit.SECONDS);

    LocalProcess.delete(dir, "gone");

    try (var left = Files.list(dir)) {
      assertThat(left.map(path -> path.getFileName().toString()))
          .noneMatch(n -> n.startsWith("gone"));
    }
  }

  @Test
  void an_attempts_log_pid_and_exit_files_are_readable_by_the_servers_user_only() throws Exception {
    Path steps = dir.resolve("steps/team-a");
    LocalProcess process =
        LocalProcess.start(steps, "private", "run-1", List.of("sh", "-c", "echo hi"), Map.of());

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isEqualTo(OptionalInt.of(0));
    for (String file : List.of("private.log", "private.pid", "private.exit")) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(steps.resolve(file))))
          .as(file)
          .isEqualTo("rw-------");
    }
    for (Path directory : List.of(steps, steps.getParent())) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(directory)))
          .as(directory.toString())
          .isEqualTo("rwx------");
    }
  }
}

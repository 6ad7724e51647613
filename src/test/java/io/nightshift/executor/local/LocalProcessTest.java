package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessTest {

  @TempDir Path dir;

  @Test
  void runs_the_command_with_exactly_the_given_env_and_keeps_its_output() throws Exception {
    LocalProcess process =
        LocalProcess.start(
            List.of(
                "sh",
                "-c",
                "echo step=$NIGHTSHIFT_STEP days=$RETENTION_DAYS user=${USER:-none}; echo oops >&2"),
            Map.of("NIGHTSHIFT_STEP", "backup", "RETENTION_DAYS", "30"),
            dir.resolve("backup.log"));

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(process.log()).isEqualTo("step=backup days=30 user=none\noops\n");
  }

  @Test
  void a_failing_command_reports_its_exit_code() throws Exception {
    LocalProcess process =
        LocalProcess.start(List.of("sh", "-c", "exit 3"), Map.of(), dir.resolve("fail.log"));

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void killing_ends_the_whole_process_tree() throws Exception {
    Path childPid = dir.resolve("child.pid");
    LocalProcess process =
        LocalProcess.start(
            List.of("sh", "-c", "sleep 300 & echo $! > " + childPid + "; wait"),
            Map.of(),
            dir.resolve("tree.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(childPid) && Files.size(childPid) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long child = Long.parseLong(Files.readString(childPid).trim());
    assertThat(ProcessHandle.of(child)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

    process.kill(Duration.ofSeconds(2));

    assertThat(process.exit().get(10, TimeUnit.SECONDS)).isNotZero();
    var childHandle = ProcessHandle.of(child);
    if (childHandle.isPresent()) {
      // A tree left alive would sleep for 300 s: this times out and fails instead.
      childHandle.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_unknown_command_fails_to_start_with_its_name() {
    assertThatThrownBy(
            () ->
                LocalProcess.start(List.of("no-such-command-xyz"), Map.of(), dir.resolve("x.log")))
        .hasMessageContaining("no-such-command-xyz");
  }
}

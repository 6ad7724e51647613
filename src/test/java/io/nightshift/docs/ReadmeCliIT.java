package io.nightshift.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.NightshiftNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Run a chain on your laptop", run as written: each {@code bin/nightshift} line of
 * its blocks, from the repository's root, against a real node on the local executor. The example
 * chain succeeds with its steps' logs on stdout and exit code 0; the failing variant exits 1.
 */
class ReadmeCliIT {

  @TempDir static Path dataDir;
  @TempDir Path work;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node = Recipes.localNode(dataDir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** The {@code bin/nightshift} lines of the section, their comments cut, in order. */
  private static List<String> commands() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("### Run a chain on your laptop");
    int end = readme.indexOf("\n### ", start + 1);
    List<String> commands = new ArrayList<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("bin/nightshift ")) {
        commands.add(line.replaceFirst("\\s+#.*$", ""));
      }
    }
    return commands;
  }

  @Test
  void the_example_chain_runs_with_its_logs_and_exits_0_and_the_failing_variant_exits_1()
      throws Exception {
    List<String> commands = commands();
    assertThat(commands).hasSize(5);
    Recipes.Agent agent = new Recipes.Agent(node, Path.of("").toAbsolutePath(), work);

    Recipes.Outcome applied = agent.run(commands.get(0));
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout())
        .matches(
            "workflow\\.nightshift\\.io/default/nightly-maintenance-local (created|configured|unchanged)\\n");

    Recipes.Outcome ran = agent.run(commands.get(1));
    assertThat(ran.exitCode()).as(ran.stderr()).isZero();
    assertThat(ran.stdout())
        .contains("[backup] backup written to ")
        .contains("[etl] etl part 1 done\n[etl] etl part 2 done\n[etl] etl part 3 done\n");
    assertThat(ran.stderr()).contains("backup").contains("Succeeded");
    assertThat(ran.lastLine()).startsWith("NIGHTSHIFT_RESULT ").contains("status=Succeeded");

    Recipes.Outcome failed = agent.run(commands.get(2));
    assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(1);
    assertThat(failed.result("status")).isEqualTo("Failed");
    assertThat(failed.result("failedSteps")).isEqualTo("backup");

    Recipes.Outcome history = agent.run(commands.get(3));
    assertThat(history.exitCode()).as(history.stderr()).isZero();
    assertThat(history.stdout()).contains(ran.result("run")).contains(failed.result("run"));

    Recipes.Outcome logs = agent.run(commands.get(4).replace("<run id>", ran.result("run")));
    assertThat(logs.exitCode()).as(logs.stderr()).isZero();
    assertThat(logs.stdout()).contains("backup written to ");
  }
}

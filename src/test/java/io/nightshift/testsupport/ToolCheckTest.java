package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class ToolCheckTest {

  @RequiresTools(
      value = {"promtool", "prometheus"},
      install = "apt-get install prometheus")
  private static final class NeedsPrometheus {}

  private static final RequiresTools PROMETHEUS =
      NeedsPrometheus.class.getAnnotation(RequiresTools.class);

  @TempDir Path bin;

  private void install(String tool) throws Exception {
    Path program = Files.createFile(bin.resolve(tool));
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void a_class_runs_when_every_tool_is_on_the_path() throws Exception {
    install("promtool");
    install("prometheus");
    Map<String, String> environment =
        Map.of("PATH", "/nowhere" + File.pathSeparator + bin, "CI", "true");

    assertThat(ToolCheck.decide(PROMETHEUS, "DashboardsIT", environment).isDisabled()).isFalse();
  }

  @Test
  void a_missing_tool_skips_the_class_naming_it_and_its_install_command() throws Exception {
    install("promtool");
    Path notExecutable = Files.createFile(bin.resolve("prometheus"));
    assertThat(Files.isExecutable(notExecutable)).isFalse();

    ConditionEvaluationResult result =
        ToolCheck.decide(PROMETHEUS, "DashboardsIT", Map.of("PATH", bin.toString()));

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValue(
            "DashboardsIT needs prometheus, not found on the PATH;"
                + " install with: apt-get install prometheus");
  }

  @Test
  void under_ci_a_missing_tool_fails_instead_of_skipping() {
    assertThatThrownBy(
            () ->
                ToolCheck.decide(
                    PROMETHEUS, "DashboardsIT", Map.of("PATH", bin.toString(), "CI", "true")))
        .hasMessageContaining("CI=true")
        .hasMessageContaining("promtool, prometheus");
  }
}

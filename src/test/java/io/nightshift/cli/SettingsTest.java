package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags over environment over the current context over the defaults, one setting at a time. */
class SettingsTest {

  @TempDir Path dir;
  private Path contextToken;
  private Path flagToken;
  private ConfigFile.Config config;

  @BeforeEach
  void files() throws IOException {
    contextToken = Files.writeString(dir.resolve("context.token"), "context-token\n");
    flagToken = Files.writeString(dir.resolve("flag.token"), "  flag-token  ");
    config =
        new ConfigFile.Config(
            "prod",
            List.of(
                new ConfigFile.Context(
                    "prod", "https://prod.example", contextToken.toString(), "data"),
                new ConfigFile.Context("dev", "http://dev.example:8080", null, null)));
  }

  private Settings resolve(Settings.Flags flags, Map<String, String> env) {
    return Settings.resolve(flags, env, config, dir);
  }

  @Test
  void the_current_context_gives_server_token_and_namespace() {
    Settings settings = resolve(Settings.Flags.NONE, Map.of());

    assertThat(settings.server()).hasToString("https://prod.example");
    assertThat(settings.token()).hasValue("context-token");
    assertThat(settings.namespace()).isEqualTo("data");
  }

  @Test
  void the_environment_overrides_the_context() {
    Settings settings =
        resolve(
            Settings.Flags.NONE,
            Map.of(
                "NIGHTSHIFT_URL", "http://env.example/",
                "NIGHTSHIFT_TOKEN", "env-token",
                "NIGHTSHIFT_NAMESPACE", "env-ns"));

    assertThat(settings.server()).hasToString("http://env.example");
    assertThat(settings.token()).hasValue("env-token");
    assertThat(settings.namespace()).isEqualTo("env-ns");
  }

  @Test
  void flags_override_the_environment() {
    Settings settings =
        resolve(
            new Settings.Flags("http://flag.example", flagToken, null, "flag-ns"),
            Map.of("NIGHTSHIFT_URL", "http://env.example", "NIGHTSHIFT_TOKEN", "env-token"));

    assertThat(settings.server()).hasToString("http://flag.example");
    assertThat(settings.token()).hasValue("flag-token");
    assertThat(settings.namespace()).isEqualTo("flag-ns");
    assertThat(settings.tokenSource()).doesNotContain("flag-token");
  }

  @Test
  void context_flag_picks_another_context_and_an_unknown_one_is_a_usage_error() {
    Settings settings = resolve(new Settings.Flags(null, null, "dev", null), Map.of());

    assertThat(settings.server()).hasToString("http://dev.example:8080");
    assertThat(settings.token()).isEmpty();
    assertThat(settings.namespace()).isEqualTo("default");
    assertThatThrownBy(() -> resolve(new Settings.Flags(null, null, "nope", null), Map.of()))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(Exit.USAGE))
        .hasMessageContaining("no context named \"nope\"");
  }

  @Test
  void with_nothing_configured_the_embedded_servers_admin_token_is_used() throws IOException {
    Files.createDirectories(dir.resolve("nightshift-data"));
    Files.writeString(dir.resolve("nightshift-data/admin-token"), "embedded-token\n");

    Settings settings =
        Settings.resolve(Settings.Flags.NONE, Map.of(), ConfigFile.Config.EMPTY, dir);

    assertThat(settings.server()).hasToString("http://localhost:8080");
    assertThat(settings.token()).hasValue("embedded-token");
    assertThat(settings.namespace()).isEqualTo("default");
  }

  @Test
  void the_embedded_token_is_read_from_nightshift_data_dir_when_it_is_set() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/admin-token"), "data-dir-token\n");

    assertThat(
            Settings.resolve(
                    Settings.Flags.NONE,
                    Map.of("NIGHTSHIFT_DATA_DIR", dir.resolve("data").toString()),
                    ConfigFile.Config.EMPTY,
                    dir)
                .token())
        .hasValue("data-dir-token");
  }

  @Test
  void the_embedded_token_is_never_sent_to_a_server_someone_configured() throws IOException {
    Files.createDirectories(dir.resolve("nightshift-data"));
    Files.writeString(dir.resolve("nightshift-data/admin-token"), "embedded-token\n");

    assertThat(
            Settings.resolve(
                    Settings.Flags.NONE,
                    Map.of("NIGHTSHIFT_URL", "https://elsewhere.example"),
                    ConfigFile.Config.EMPTY,
                    dir)
                .token())
        .isEmpty();
    assertThat(
            Settings.resolve(
                    new Settings.Flags("https://elsewhere.example", null, null, null),
                    Map.of(),
                    ConfigFile.Config.EMPTY,
                    dir)
                .token())
        .isEmpty();
    assertThat(resolve(new Settings.Flags(null, null, "dev", null), Map.of()).token()).isEmpty();
  }

  @Test
  void an_unreadable_token_file_or_a_bad_url_is_a_usage_error() {
    assertThatThrownBy(
            () -> resolve(new Settings.Flags(null, dir.resolve("missing"), null, null), Map.of()))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(Exit.USAGE));
    assertThatThrownBy(
            () -> resolve(new Settings.Flags("localhost:8080", null, null, null), Map.of()))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(Exit.USAGE));
  }

  @Test
  void the_config_file_is_found_by_override_then_xdg_then_home() {
    assertThat(ConfigFile.location(Map.of("NIGHTSHIFT_CONFIG", "/x/c.yaml", "HOME", "/h")))
        .isEqualTo(Path.of("/x/c.yaml"));
    assertThat(ConfigFile.location(Map.of("XDG_CONFIG_HOME", "/xdg", "HOME", "/h")))
        .isEqualTo(Path.of("/xdg/nightshift/config.yaml"));
    assertThat(ConfigFile.location(Map.of("HOME", "/h")))
        .isEqualTo(Path.of("/h/.config/nightshift/config.yaml"));
  }

  @Test
  void the_config_file_reads_back_what_was_written() {
    Path file = dir.resolve("sub/config.yaml");
    ConfigFile.write(file, config);

    assertThat(ConfigFile.read(file)).isEqualTo(config);
    assertThat(ConfigFile.read(dir.resolve("none.yaml"))).isEqualTo(ConfigFile.Config.EMPTY);
  }
}

package io.nightshift.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's contexts, kubectl style, in {@code $NIGHTSHIFT_CONFIG}, else {@code
 * ${XDG_CONFIG_HOME:-$HOME/.config}/nightshift/config.yaml}:
 *
 * <pre>
 * current-context: prod
 * contexts:
 *   - name: prod
 *     server: https://nightshift.example.com
 *     token-file: /home/me/.config/nightshift/prod.token
 *     namespace: data
 * </pre>
 *
 * A context names the file that holds its token, never the token itself.
 */
final class ConfigFile {

  /** One context: where the server is, which file holds the token, the default namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Context(
      @JsonProperty("name") String name,
      @JsonProperty("server") String server,
      @JsonProperty("token-file") String tokenFile,
      @JsonProperty("namespace") String namespace) {}

  /** The whole file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Config(
      @JsonProperty("current-context") String currentContext,
      @JsonProperty("contexts") List<Context> contexts) {

    static final Config EMPTY = new Config(null, List.of());

    Config {
      contexts = contexts == null ? List.of() : List.copyOf(contexts);
    }

    Optional<Context> context(String name) {
      return contexts.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    Config with(Context context) {
      List<Context> all = new ArrayList<>();
      boolean replaced = false;
      for (Context c : contexts) {
        if (c.name().equals(context.name())) {
          all.add(context);
          replaced = true;
        } else {
          all.add(c);
        }
      }
      if (!replaced) {
        all.add(context);
      }
      return new Config(currentContext, all);
    }

    Config without(String name) {
      return new Config(
          name.equals(currentContext) ? null : currentContext,
          contexts.stream().filter(c -> !c.name().equals(name)).toList());
    }

    Config using(String name) {
      return new Config(name, contexts);
    }
  }

  private ConfigFile() {}

  /** Where the file is for this environment (it need not exist). */
  static Path location(Map<String, String> env) {
    String explicit = env.get("NIGHTSHIFT_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return base.resolve("nightshift").resolve("config.yaml");
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper(
        YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
  }

  /** The file's contexts; {@link Config#EMPTY} when there is no file. */
  static Config read(Path file) {
    if (!Files.exists(file)) {
      return Config.EMPTY;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
        return Config.EMPTY;
      }
      Config config = mapper().readValue(bytes, Config.class);
      for (Context context : config.contexts()) {
        if (context == null || context.name() == null || context.name().isBlank()) {
          throw new CliException(Exit.USAGE, file + ": every context needs a name");
        }
      }
      return config;
    } catch (JsonProcessingException e) {
      throw new CliException(Exit.USAGE, file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CliException(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Writes the file whole (through a temporary file beside it), readable by its owner only. */
  static void write(Path file, Config config) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temporary = Files.createTempFile(dir, ".config", ".yaml");
      try {
        setOwnerOnly(temporary);
        Files.write(temporary, mapper().writeValueAsBytes(config));
        Files.move(
            temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new CliException(Exit.USAGE, "cannot write " + file + ": " + e.getMessage());
    }
  }

  private static void setOwnerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: what it gives is what there is
    }
  }
}

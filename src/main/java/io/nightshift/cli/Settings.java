package io.nightshift.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where to connect, with which token, in which namespace: each from the first of the command's
 * flags, the environment, the current context of the config file, and the defaults.
 *
 * @param server the API's base URL, without {@code /api/v1}
 * @param token the bearer token; empty when none is configured
 * @param namespace the namespace commands work in
 * @param tokenSource where the token came from, for messages (never the token itself)
 */
record Settings(URI server, Optional<String> token, String namespace, String tokenSource) {

  static final String DEFAULT_SERVER = "http://localhost:8080";
  static final String DEFAULT_NAMESPACE = "default";

  /**
   * The file the embedded default server writes its generated admin token to, in its data
   * directory: {@code $NIGHTSHIFT_DATA_DIR} when set (as in the container image), else {@code
   * ./nightshift-data}.
   */
  static final Path EMBEDDED_ADMIN_TOKEN = Path.of("nightshift-data", "admin-token");

  /** What the command line says; null where it says nothing. */
  record Flags(String server, Path tokenFile, String context, String namespace) {
    static final Flags NONE = new Flags(null, null, null, null);
  }

  /**
   * Resolves the settings. The embedded server's admin token in {@code
   * ${NIGHTSHIFT_DATA_DIR:-./nightshift-data}/admin-token} is used only when nothing at all is
   * configured: no server, no token and no context from flags, environment or config file.
   */
  static Settings resolve(
      Flags flags, Map<String, String> env, ConfigFile.Config config, Path cwd) {
    String contextName = first(flags.context(), env.get("NIGHTSHIFT_CONTEXT"));
    if (contextName == null) {
      contextName = config.currentContext();
    }
    ConfigFile.Context context = null;
    if (contextName != null) {
      String name = contextName;
      context =
          config
              .context(name)
              .orElseThrow(
                  () ->
                      new CliException(
                          Exit.USAGE,
                          "no context named \""
                              + name
                              + "\" in the config file; see nightshift config get-contexts"));
    }
    String server =
        first(flags.server(), env.get("NIGHTSHIFT_URL"), context == null ? null : context.server());
    String namespace =
        first(
            flags.namespace(),
            env.get("NIGHTSHIFT_NAMESPACE"),
            context == null ? null : context.namespace());

    Optional<String> token = Optional.empty();
    String tokenSource = "none";
    if (flags.tokenFile() != null) {
      token = Optional.of(readToken(flags.tokenFile()));
      tokenSource = "--token-file " + flags.tokenFile();
    } else if (nonEmpty(env.get("NIGHTSHIFT_TOKEN"))) {
      token = Optional.of(env.get("NIGHTSHIFT_TOKEN").trim());
      tokenSource = "NIGHTSHIFT_TOKEN";
    } else if (context != null && nonEmpty(context.tokenFile())) {
      Path file = Path.of(context.tokenFile());
      token = Optional.of(readToken(file));
      tokenSource = "context " + context.name() + " (" + file + ")";
    } else if (server == null && context == null) {
      String dataDir = env.get("NIGHTSHIFT_DATA_DIR");
      Path embedded =
          nonEmpty(dataDir)
              ? cwd.resolve(dataDir).resolve(EMBEDDED_ADMIN_TOKEN.getFileName())
              : cwd.resolve(EMBEDDED_ADMIN_TOKEN);
      if (Files.isRegularFile(embedded)) {
        token = Optional.of(readToken(embedded));
        tokenSource = embedded.toString();
      }
    }
    URI uri = parseServer(server == null ? DEFAULT_SERVER : server);
    return new Settings(uri, token, namespace == null ? DEFAULT_NAMESPACE : namespace, tokenSource);
  }

  static URI parseServer(String server) {
    String trimmed = server.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = URI.create(trimmed);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("needs http:// or https:// and a host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CliException(
          Exit.USAGE, "\"" + server + "\" is not a server URL (e.g. http://localhost:8080)");
    }
  }

  /** The token in {@code file}: its content without surrounding white space. */
  static String readToken(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new CliException(Exit.USAGE, "the token file " + file + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new CliException(Exit.USAGE, "cannot read the token file " + file + ": " + e);
    }
  }

  private static boolean nonEmpty(String value) {
    return value != null && !value.isBlank();
  }

  private static String first(String... values) {
    for (String value : values) {
      if (nonEmpty(value)) {
        return value;
      }
    }
    return null;
  }
}

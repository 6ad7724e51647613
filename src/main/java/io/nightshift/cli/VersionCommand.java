package io.nightshift.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code version}: the client's version and the server's. The server names its version in its
 * OpenAPI document ({@code info.version} of {@code /api/v1/openapi.yaml}, served without a token);
 * a server without one that answers {@code /health} is {@code unknown}.
 */
@Command(name = "version", description = "Print the client's and the server's versions.")
final class VersionCommand extends Base {

  private static final Pattern INFO_VERSION =
      Pattern.compile("(?m)^info:\\s*$(?:\\n[ \\t]+.*$)*?\\n[ \\t]+version:\\s*['\"]?([^'\"\\s]+)");

  @Option(names = "--client", description = "The client's version only; nothing is asked.")
  boolean clientOnly;

  @Override
  public Integer call() {
    out().println("client: " + Version.client());
    if (clientOnly) {
      return Exit.OK;
    }
    out().flush();
    ApiClient api = root().api(Duration.ZERO);
    String server = api.settings().server().toString();
    try {
      ApiClient.Response openapi =
          api.send(
              ApiClient.Call.get("/api/v1/openapi.yaml")
                  .anonymous()
                  .header("Accept", "application/yaml, text/yaml, */*"));
      String version = infoVersion(openapi.text());
      if (version != null) {
        out().println("server: " + version + " (" + server + ")");
        return Exit.OK;
      }
    } catch (ApiException notServed) {
      // an older server: ask whether it is there at all
    }
    api.send(ApiClient.Call.get("/health").anonymous());
    out().println("server: unknown (" + server + " answers but names no version)");
    return Exit.OK;
  }

  /** {@code info.version} of an OpenAPI document in YAML, without parsing the whole document. */
  static String infoVersion(String yaml) {
    Matcher matcher = INFO_VERSION.matcher(yaml);
    return matcher.find() ? matcher.group(1) : null;
  }
}

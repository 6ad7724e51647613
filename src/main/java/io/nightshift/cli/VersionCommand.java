package io.nightshift.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code version}: the client's version and the server's. The server's OpenAPI document ({@code
 * /api/v1/openapi.yaml}, served without a token) names a version in {@code info.version}: a build
 * version is the server's; the API's own ({@code v1}) says which API it serves but not which build,
 * so the server's is then {@code unknown}, as for a server that only answers {@code /health}.
 */
@Command(name = "version", description = "Print the client's and the server's versions.")
final class VersionCommand extends Base {

  private static final Pattern API_VERSION = Pattern.compile("v[0-9]+");

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
    String version = null;
    try {
      ApiClient.Response openapi =
          api.send(
              ApiClient.Call.get("/api/v1/openapi.yaml")
                  .anonymous()
                  .header("Accept", "application/yaml, text/yaml, */*"));
      version = infoVersion(openapi.text());
    } catch (ApiException notServed) {
      // an older server: ask whether it is there at all
      api.send(ApiClient.Call.get("/health").anonymous());
    }
    if (version != null && !API_VERSION.matcher(version).matches()) {
      out().println("server: " + version + " (" + server + ")");
    } else if (version != null) {
      out().println("server: unknown (" + server + " serves API " + version + ")");
    } else {
      out().println("server: unknown (" + server + " answers but names no version)");
    }
    return Exit.OK;
  }

  /** {@code info.version} of an OpenAPI document in YAML (or JSON); null when it has none. */
  static String infoVersion(String document) {
    try {
      JsonNode root = Json.yaml().readTree(document);
      return root == null ? null : Json.text(root, "/info/version");
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}

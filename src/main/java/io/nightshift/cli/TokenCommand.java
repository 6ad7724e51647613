package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code token create|list|revoke}: API tokens, for an admin of every namespace. */
@Command(
    name = "token",
    description = "Create, list and revoke API tokens (needs an admin token of every namespace).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "say what to do: create, list or revoke");
  }

  @Command(
      name = "create",
      description = {
        "Create a token and print its value on stdout, the only time it is shown.",
        "e.g. nightshift token create ci --role operator --namespace data > ci.token"
      })
  static final class Create extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "viewer, operator, admin or metrics.")
    String role;

    @Option(
        names = "--scope",
        paramLabel = "NS",
        description =
            "A namespace the token is confined to, besides the one -n/--namespace names."
                + " Repeatable; none at all: every namespace.")
    List<String> scopes = new ArrayList<>();

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        converter = NightshiftCli.DurationConverter.class,
        description = "It stops working after this long, e.g. 90d (default: never).")
    Duration expiresIn;

    @Override
    public Integer call() {
      ObjectNode body = Json.object().put("name", name).put("role", role);
      ArrayNode namespaces = body.putArray("namespaces");
      // -n given as a flag confines the token to that namespace; NIGHTSHIFT_NAMESPACE and the
      // context's namespace do not, so that a token for every namespace needs nothing said
      if (root().namespace != null) {
        namespaces.add(root().namespace);
      }
      scopes.stream().filter(s -> !s.equals(root().namespace)).forEach(namespaces::add);
      if (expiresIn != null) {
        body.put("expiresAt", Instant.now().plus(expiresIn).toString());
      }
      JsonNode token = api().send(ApiClient.Call.post("/api/v1/tokens").json(body)).json();
      if (!printedRaw(token)) {
        out().println(token.path("token").asText());
        err()
            .println(
                "token "
                    + name
                    + " created ("
                    + role
                    + "); its value above is shown this once: keep it in a file and pass --token-file");
      }
      return Exit.OK;
    }
  }

  @Command(name = "list", description = "List the tokens (never their values).")
  static final class ListTokens extends Base {

    @Override
    public Integer call() {
      JsonNode tokens = api().send(ApiClient.Call.get("/api/v1/tokens")).json();
      if (printedRaw(tokens)) {
        return Exit.OK;
      }
      Instant now = Instant.now();
      Table table =
          new Table("name", "role", "namespaces", "created by", "expires", "last used", "age");
      for (JsonNode token : tokens.path("items")) {
        List<String> namespaces = new ArrayList<>();
        token.path("namespaces").forEach(ns -> namespaces.add(ns.asText()));
        table.row(
            Json.text(token, "/name"),
            Json.text(token, "/role"),
            namespaces.isEmpty() ? "*" : String.join(",", namespaces),
            Json.text(token, "/createdBy"),
            Json.text(token, "/expiresAt"),
            Runs.ageCell(token, "/lastUsedAt", now).isEmpty()
                ? ""
                : Runs.ageCell(token, "/lastUsedAt", now) + " ago",
            Runs.ageCell(token, "/createdAt", now));
      }
      if (table.isEmpty()) {
        err().println("No tokens found.");
      } else {
        out().print(table.render());
      }
      return Exit.OK;
    }
  }

  @Command(name = "revoke", description = "Revoke a token: refused from the next request on.")
  static final class Revoke extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      api().send(ApiClient.Call.delete("/api/v1/tokens/" + ApiClient.encode(name)));
      out().println("token " + name + " revoked");
      return Exit.OK;
    }
  }
}

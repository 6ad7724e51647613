package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code apply -f FILE|DIR|-}: creates or replaces each workflow of the files. Every document is
 * read first; if any cannot be read or has no name, nothing is sent.
 */
@Command(
    name = "apply",
    description = {
      "Create or replace workflows from YAML or JSON files.",
      "Prints workflow.nightshift.io/<ns>/<name> created|configured|unchanged for each. A"
          + " document's metadata.namespace is its namespace, else -n."
    })
final class ApplyCommand extends Base {

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE|DIR|-",
      description =
          "A file (several YAML documents separated by ---), a directory (its *.yaml, *.yml,"
              + " *.json files, sorted) or - for stdin. Repeatable.")
  List<String> files;

  @Option(
      names = "--dry-run",
      paramLabel = "server",
      description = "server: have the server validate everything and store nothing.")
  String dryRun;

  private record Target(Documents.Document document, String namespace, String name) {
    String label() {
      return "workflow.nightshift.io/" + namespace + "/" + name;
    }
  }

  @Override
  public Integer call() {
    if (dryRun != null && !dryRun.equals("server")) {
      throw new CliException(
          Exit.USAGE, "--dry-run takes server (the client has no dry run of its own; see lint)");
    }
    List<Documents.Document> documents = Documents.read(files, root().in);
    List<Target> targets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Documents.Document document : documents) {
      JsonNode tree;
      try {
        tree = Documents.tree(document);
      } catch (Documents.UnreadableException e) {
        problems.add(e.getMessage());
        continue;
      }
      String name = Json.text(tree, "/metadata/name");
      if (name == null || name.isBlank()) {
        problems.add(document.label() + ": /metadata/name: required");
        continue;
      }
      String namespace = Json.text(tree, "/metadata/namespace");
      targets.add(new Target(document, namespace == null ? namespace() : namespace, name));
    }
    if (!problems.isEmpty()) {
      problems.forEach(err()::println);
      err().println("error: nothing was applied");
      return Exit.USAGE;
    }
    ApiClient api = api();
    boolean server = dryRun != null;
    int exit = Exit.OK;
    for (Target target : targets) {
      String path =
          workflowPath(target.namespace(), target.name()) + (server ? "?dryRun=true" : "");
      ApiClient.Call call =
          ApiClient.Call.put(
                  path,
                  target.document().bytes(),
                  target.document().json() ? "application/json" : "application/yaml")
              .what(target.label() + ": ");
      ApiClient.Response response;
      try {
        response = api.send(call);
      } catch (ApiException e) {
        err().println(e.describe());
        exit = Math.max(exit, e.exitCode());
        continue;
      }
      for (String warning : response.headers().getOrDefault("warning", List.of())) {
        err().println("warning: " + target.label() + ": " + warning);
      }
      String change =
          response
              .header("Nightshift-Change")
              .orElse(response.status() == 201 ? "created" : "configured");
      out().println(target.label() + " " + change + (server ? " (server dry run)" : ""));
    }
    return exit;
  }
}

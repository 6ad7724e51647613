package io.nightshift.cli;

import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.MalformedDefinitionException;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowMetadata;
import io.nightshift.workflow.WorkflowValidator;
import io.nightshift.workflow.policy.JobPolicy;
import io.nightshift.workflow.policy.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lint -f FILE|DIR}: checks definitions offline with the server's own parser and validator,
 * for pre-commit hooks and CI. Each violation is one line, {@code FILE: /json/pointer: message}
 * ({@code FILE (document N)} in a file of several); exit 2 if there is any.
 */
@Command(
    name = "lint",
    description = {
      "Check workflow definitions offline, with the server's own parser and validator.",
      "Prints FILE: /json/pointer: message for every violation (FILE (document N) in a file of"
          + " several; FILE: line L, column C: … for a syntax error) and exits 2, or prints"
          + " N workflows valid and exits 0. Checks the Job policy at --policy-level; what a"
          + " server allows beyond that level (per-namespace levels, service accounts) is not"
          + " known here."
    })
final class LintCommand extends Base {

  /** The largest body the server reads (micronaut.server.max-request-size). */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE|DIR|-",
      description = "A file, a directory (its *.yaml, *.yml, *.json files) or -. Repeatable.")
  List<String> files;

  @Option(
      names = "--policy-level",
      paramLabel = "LEVEL",
      defaultValue = "baseline",
      description =
          "The Pod Security Standards level to check steps against: privileged, baseline (the"
              + " server's default) or restricted.")
  String policyLevel;

  @Override
  public Integer call() {
    Level level;
    try {
      level = Level.valueOf(policyLevel.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(
          Exit.USAGE, "--policy-level must be privileged, baseline or restricted");
    }
    JobPolicy policy = JobPolicy.at(level);
    DefinitionCodec codec = new DefinitionCodec();
    WorkflowValidator validator = new WorkflowValidator();
    String defaultNamespace = root().namespace != null ? root().namespace : "default";
    List<Documents.Document> documents = Documents.read(files, root().in);
    int valid = 0;
    int invalid = 0;
    for (Documents.Document document : documents) {
      List<String> problems = lint(document, codec, validator, policy, defaultNamespace);
      if (problems.isEmpty()) {
        valid++;
      } else {
        invalid++;
        problems.forEach(problem -> out().println(document.label() + ": " + problem));
      }
    }
    if (invalid > 0) {
      err()
          .println(
              invalid
                  + (invalid == 1 ? " workflow" : " workflows")
                  + " invalid, "
                  + valid
                  + " valid");
      return Exit.USAGE;
    }
    out().println(valid + (valid == 1 ? " workflow valid" : " workflows valid"));
    return Exit.OK;
  }

  /** What the server would say of this document, as {@code /pointer: message} lines. */
  static List<String> lint(
      Documents.Document document,
      DefinitionCodec codec,
      WorkflowValidator validator,
      JobPolicy policy,
      String defaultNamespace) {
    List<String> problems = new ArrayList<>();
    byte[] body = document.bytes();
    if (body.length > MAX_BODY_BYTES) {
      problems.add(
          "/: is " + body.length + " bytes, more than the " + MAX_BODY_BYTES + " the server reads");
      return problems;
    }
    List<Violation> violations = new ArrayList<>();
    Workflow workflow;
    try {
      workflow =
          codec.read(
              body,
              document.json() ? DefinitionCodec.Format.JSON : DefinitionCodec.Format.YAML,
              violations);
    } catch (MalformedDefinitionException e) {
      problems.add(e.getMessage());
      return problems;
    }
    // As the server does with the URL's name and namespace: the namespace defaults to -n.
    WorkflowMetadata metadata = workflow.metadata();
    if (metadata == null) {
      metadata = new WorkflowMetadata(null, null, null, null, null, null, null, null);
    }
    workflow =
        workflow.withMetadata(
            metadata.withName(
                metadata.name(),
                metadata.namespace() == null ? defaultNamespace : metadata.namespace()));
    violations.addAll(validator.validate(workflow, violations));
    violations.addAll(policy.check(workflow));
    for (Violation violation : violations) {
      problems.add(violation.path() + ": " + violation.message());
    }
    return problems;
  }
}

package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.cronjob.CronJobMapping;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code import}: brings work defined elsewhere into Nightshift. */
@Command(
    name = "import",
    description = "Bring work defined elsewhere into Nightshift.",
    subcommands = {ImportCommand.CronJobs.class, ImportCommand.Rollback.class})
final class ImportCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static final String CONTEXT = "--context";

  /**
   * Gives the import commands kubectl's {@code --context}, the kubeconfig's context, in place of
   * the inherited one that picks Nightshift's: given before {@code import}, {@code --context} still
   * picks Nightshift's.
   */
  static void useKubectlContext(CommandLine root) {
    CommandLine importing = root.getSubcommands().get("import");
    for (CommandLine command : importing.getSubcommands().values()) {
      CommandSpec spec = command.getCommandSpec();
      OptionSpec inherited = spec.findOption(CONTEXT);
      if (inherited != null) {
        spec.remove(inherited);
      }
      spec.addOption(
          OptionSpec.builder(CONTEXT)
              .paramLabel("NAME")
              .type(String.class)
              .description(
                  "The kubeconfig's context to read CronJobs from (else its current one), as"
                      + " kubectl's. Nightshift's context: --context before import, or"
                      + " NIGHTSHIFT_CONTEXT.")
              .build());
    }
  }

  /** Where the CronJobs come from: files, or a cluster through a kubeconfig. */
  static final class Sources {

    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE|DIR|-",
        description =
            "CronJob manifests: a file (YAML documents separated by ---, or a kind: List as"
                + " kubectl get cronjobs -o yaml prints it), a directory (its *.yaml, *.yml, *.json"
                + " files) or - for stdin. Repeatable. Without -f, CronJobs are read from the"
                + " cluster.")
    List<String> files;

    @Option(
        names = "--kubeconfig",
        paramLabel = "PATH",
        description =
            "The kubeconfig to read the cluster through (else KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(
        names = {"-A", "--all-namespaces"},
        description =
            "Read the CronJobs of every namespace (else -n, else the context's namespace).")
    boolean allNamespaces;

    @Option(
        names = {"-l", "--selector"},
        paramLabel = "SELECTOR",
        description = "Only CronJobs with these labels, as kubectl's (e.g. team=data,tier!=test).")
    String selector;
  }

  /** What both subcommands share: the sources, read into entries. */
  abstract static class Importing extends Base {

    @CommandLine.Mixin Sources sources;

    @Option(
        names = "--default-time-zone",
        paramLabel = "ZONE",
        defaultValue = "UTC",
        description =
            "The zone of a CronJob that names none (default ${DEFAULT-VALUE}). Kubernetes used"
                + " kube-controller-manager's zone, which the import cannot know.")
    String defaultTimeZone;

    /** The cluster, when the CronJobs come from one; read before anything else. */
    KubeCronJobs kube;

    boolean fromCluster() {
      return sources.files == null || sources.files.isEmpty();
    }

    String kubeContext() {
      OptionSpec context = spec.findOption(CONTEXT);
      return context == null ? null : context.getValue();
    }

    /** The sources, each mapped to the workflow it becomes. */
    List<CronJobImport.Entry> read() {
      try {
        ZoneId.of(defaultTimeZone);
      } catch (DateTimeException e) {
        throw new CliException(
            Exit.USAGE, "--default-time-zone: " + defaultTimeZone + " is not an IANA time zone");
      }
      List<CronJobImport.Entry> entries = new ArrayList<>();
      if (fromCluster()) {
        kube = KubeCronJobs.connect(sources.kubeconfig, kubeContext(), root().env);
        String flag = root().namespace;
        Optional<String> namespace =
            sources.allNamespaces
                ? Optional.empty()
                : Optional.of(flag != null ? flag : kube.contextNamespace());
        CronJobMapping mapping =
            new CronJobMapping(
                new CronJobMapping.Options(kube.contextNamespace(), defaultTimeZone));
        for (JsonNode cronJob : kube.list(namespace, sources.selector)) {
          CronJobMapping.Mapped mapped = mapping.map(cronJob);
          entries.add(new CronJobImport.Entry(mapped.source(), mapped));
        }
        if (entries.isEmpty()) {
          err()
              .println(
                  "no CronJob in "
                      + namespace.map(ns -> "namespace " + ns).orElse("any namespace")
                      + (sources.selector == null ? "" : " with " + sources.selector)
                      + " through "
                      + kube.where());
        }
        return entries;
      }
      if (sources.allNamespaces || sources.selector != null || sources.kubeconfig != null) {
        throw new CliException(
            Exit.USAGE, "-A, -l and --kubeconfig choose CronJobs in a cluster; not with -f");
      }
      CronJobMapping mapping =
          new CronJobMapping(new CronJobMapping.Options(namespace(), defaultTimeZone));
      for (Documents.Document document : Documents.read(sources.files, root().in)) {
        JsonNode tree;
        try {
          tree = Documents.tree(document);
        } catch (Documents.UnreadableException e) {
          entries.add(CronJobImport.Entry.unreadable(document.label(), e.getMessage()));
          continue;
        }
        List<JsonNode> objects = new ArrayList<>();
        if ("List".equals(tree.path("kind").asText()) && tree.path("items").isArray()) {
          tree.path("items").forEach(objects::add);
        } else {
          objects.add(tree);
        }
        for (JsonNode object : objects) {
          CronJobMapping.Mapped mapped = mapping.map(object);
          String source =
              mapped.isCronJob() && !mapped.name().isEmpty() ? mapped.source() : document.label();
          entries.add(new CronJobImport.Entry(source, mapped));
        }
      }
      return entries;
    }
  }

  @Command(
      name = "cronjobs",
      description = {
        "Plan, and with --apply carry out, the move of Kubernetes CronJobs to workflows.",
        "Each CronJob becomes a workflow of the same name and namespace with one step, the"
            + " CronJob's jobTemplate as it is. The plan prints one line per CronJob: create,"
            + " update, unchanged, skip (not a CronJob) or manual (cannot be imported as it is;"
            + " the reasons follow the table). Importing again updates the workflow made the"
            + " first time. Exit 0 when everything planned was done, 1 when some CronJob is"
            + " manual or failed.",
        "With --suspend-source, each CronJob is suspended once its workflow is stored, and its"
            + " last run is carried over so that no scheduled time runs twice; nightshift import"
            + " rollback undoes it. See docs/migrating-from-cronjob.md."
      })
  static final class CronJobs extends Importing {

    @Option(names = "--apply", description = "Carry the plan out through the API.")
    boolean apply;

    @Option(
        names = "--suspend-source",
        description =
            "With --apply, from a cluster: suspend each CronJob once its workflow is stored,"
                + " annotated nightshift.io/migrated-to.")
    boolean suspendSource;

    @Override
    public Integer call() {
      Output.Format format = format();
      if (format == Output.Format.json) {
        throw new CliException(
            Exit.USAGE, "-o json is not offered: -o yaml prints the workflows, -o table the plan");
      }
      if (format == Output.Format.yaml && apply) {
        throw new CliException(Exit.USAGE, "-o yaml prints the workflows instead of applying them");
      }
      if (suspendSource && !apply) {
        throw new CliException(Exit.USAGE, "--suspend-source needs --apply");
      }
      if (suspendSource && !fromCluster()) {
        throw new CliException(
            Exit.USAGE, "--suspend-source needs the CronJobs from a cluster, not from files (-f)");
      }
      List<CronJobImport.Entry> entries = read();
      if (format == Output.Format.yaml) {
        return printWorkflows(entries);
      }
      CronJobImport importing = new CronJobImport(api(), kube, suspendSource);
      importing.plan(entries);
      printPlan(entries, format == Output.Format.wide);
      boolean allDone = true;
      if (apply) {
        allDone = importing.apply(entries, out());
      }
      boolean anyManual =
          entries.stream().anyMatch(entry -> entry.action == CronJobImport.Action.manual);
      return anyManual || !allDone ? Exit.FAILED : Exit.OK;
    }

    /** {@code -o yaml}: the workflows, for a team to commit instead; needs no server. */
    private int printWorkflows(List<CronJobImport.Entry> entries) {
      boolean anyManual = false;
      for (CronJobImport.Entry entry : entries) {
        if (entry.mapped == null
            || (entry.mapped.isCronJob() && entry.mapped.workflow().isEmpty())) {
          anyManual = true;
          List<String> reasons = entry.mapped == null ? entry.reasons : entry.mapped.problems();
          err().println("cronjob " + entry.source + ": manual");
          reasons.forEach(reason -> err().println("  " + reason));
          continue;
        }
        if (!entry.mapped.isCronJob()) {
          continue;
        }
        out().println("---");
        out().println("# imported from cronjob " + entry.source);
        entry.mapped.warnings().forEach(warning -> out().println("# warning: " + warning));
        out().print(Json.yaml(entry.mapped.workflow().get()));
      }
      return anyManual ? Exit.FAILED : Exit.OK;
    }

    private void printPlan(List<CronJobImport.Entry> entries, boolean wide) {
      Table table = new Table("source", "workflow", "action", "warnings");
      for (CronJobImport.Entry entry : entries) {
        List<String> notes = new ArrayList<>(entry.reasons);
        notes.addAll(entry.warnings);
        String first = notes.isEmpty() ? "" : notes.get(0);
        if (!wide && first.length() > 60) {
          first = first.substring(0, 59) + "…";
        }
        String cell = first + (notes.size() > 1 ? " (+" + (notes.size() - 1) + " more)" : "");
        table.row(entry.source, entry.target(), entry.action.name(), cell);
      }
      out().print(table.render());
      for (CronJobImport.Entry entry : entries) {
        if (entry.reasons.isEmpty() && entry.warnings.isEmpty()) {
          continue;
        }
        out().println();
        out().println(entry.source + " (" + entry.action.name() + "):");
        entry.reasons.forEach(reason -> out().println("  " + reason));
        entry.warnings.forEach(warning -> out().println("  warning: " + warning));
      }
    }
  }

  @Command(
      name = "rollback",
      description = {
        "Undo an import: suspend the workflows imported from the CronJobs, and resume the"
            + " CronJobs that --suspend-source suspended (those annotated"
            + " nightshift.io/migrated-to), handing back the last time the workflow ran.",
        "Exit 0 when everything was done, 1 when something failed."
      })
  static final class Rollback extends Importing {

    @Override
    public Integer call() {
      List<CronJobImport.Entry> entries = read();
      CronJobImport importing = new CronJobImport(api(), kube, false);
      return importing.rollback(entries, out(), err()) ? Exit.OK : Exit.FAILED;
    }
  }
}

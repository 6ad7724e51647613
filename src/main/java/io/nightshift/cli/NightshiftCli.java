package io.nightshift.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code nightshift}, the command-line client: kubectl-like verbs over the REST API, and exit codes
 * a scheduler can act on. It talks HTTP with the JDK's client and never starts the server's
 * application context; only {@code lint} uses server classes (the definition parser and validator).
 */
@Command(
    name = "nightshift",
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    versionProvider = NightshiftCli.ClientVersion.class,
    description = "The Nightshift command-line client: workflows, runs, logs and tokens.",
    subcommands = {
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      WorkflowCommands.Suspend.class,
      WorkflowCommands.Resume.class,
      WorkflowCommands.Next.class,
      RunCommand.class,
      LogsCommand.class,
      RunCommands.Cancel.class,
      RunCommands.Retry.class,
      RunCommands.Backfill.class,
      LintCommand.class,
      ImportCommand.class,
      TokenCommand.class,
      AdminCommands.Cluster.class,
      AdminCommands.Audit.class,
      VersionCommand.class,
      ConfigCommand.class,
      CompletionCommand.class,
      CdsTraining.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nConnection:%n",
    footer = {
      "  The server and the token come from the first of:",
      "    1. --server URL, --token-file PATH (--context NAME picks a context)",
      "    2. NIGHTSHIFT_URL, NIGHTSHIFT_TOKEN (NIGHTSHIFT_CONTEXT, NIGHTSHIFT_NAMESPACE)",
      "    3. the current context of the config file: $NIGHTSHIFT_CONFIG, else",
      "       ${XDG_CONFIG_HOME:-~/.config}/nightshift/config.yaml (see nightshift config)",
      "    4. http://localhost:8080; and when nothing at all is configured, the token the",
      "       embedded default server writes to ./nightshift-data/admin-token",
      "       ($NIGHTSHIFT_DATA_DIR/admin-token when that is set, as in the container image)",
      "  A token is never taken as an argument, where ps would show it.",
      "  The namespace is -n, else NIGHTSHIFT_NAMESPACE, else the context's, else default."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:the run succeeded (or the command did what it was asked)",
      " 1:the run failed",
      " 2:usage error or invalid input: a 4xx answer other than 401, 403 and the 404 of a run (the"
          + " 404 of a workflow is a 2)",
      " 3:the run was cancelled",
      " 4:--timeout ran out while waiting (the run goes on unless --cancel-on-timeout)",
      " 5:the run was not started: Skipped (concurrency policy) or Missed",
      "10:the API could not be reached, refused the token (401, 403), answered 5xx or 429"
          + " after retries, or no longer knows the run (404: deleted with its workflow or by"
          + " history limits)",
      "130, 143:SIGINT, SIGTERM while waiting: the run was cancelled first (unless"
          + " --no-cancel-on-signal)"
    })
public final class NightshiftCli implements Runnable {

  /** How long a command that does not wait retries an unavailable API by default. */
  static final Duration QUICK_RETRY = Duration.ofSeconds(10);

  /** How long a waiting command rides out an unavailable API by default. */
  static final Duration WAIT_RETRY = Duration.ofMinutes(2);

  @Option(
      names = "--server",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "The API's URL, e.g. https://nightshift.example.com (else NIGHTSHIFT_URL).")
  String server;

  @Option(
      names = "--token-file",
      scope = ScopeType.INHERIT,
      paramLabel = "PATH",
      description = "A file holding the bearer token (else NIGHTSHIFT_TOKEN).")
  Path tokenFile;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The context of the config file to use instead of the current one.")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      paramLabel = "NS",
      description = "The namespace (else the context's, else default).")
  String namespace;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "table, wide, json or yaml (default: table).")
  Output.Format output = Output.Format.table;

  @Option(
      names = "--retry-timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long to keep retrying an unreachable or unavailable API before exiting 10"
              + " (default 10s; 2m while waiting for a run).")
  Duration retryTimeout;

  @Spec CommandSpec spec;

  final Map<String, String> env;
  final Path cwd;
  final PrintStream out;
  final PrintStream err;
  final InputStream in;
  private Settings settings;

  NightshiftCli(
      Map<String, String> env, Path cwd, PrintStream out, PrintStream err, InputStream in) {
    this.env = env;
    this.cwd = cwd;
    this.out = out;
    this.err = err;
    this.in = in;
  }

  public static void main(String[] args) {
    NightshiftCli cli =
        new NightshiftCli(
            System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err, System.in);
    int code = cli.execute(args);
    System.out.flush();
    System.exit(code);
  }

  int execute(String... args) {
    return commandLine().execute(args);
  }

  CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(this);
    ImportCommand.useKubectlContext(commandLine);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler(
        (exception, line, parseResult) -> {
          if (exception instanceof CliException cli) {
            err.println(cli.describe());
            return cli.exitCode();
          }
          err.println("error: " + exception);
          return Exit.UNAVAILABLE;
        });
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          CommandLine failed = exception.getCommandLine();
          err.println("error: " + exception.getMessage());
          if (exception.getMessage() != null && exception.getMessage().contains("--token")) {
            err.println(
                "  a token is never taken as an argument, where ps would show it: use"
                    + " --token-file PATH or NIGHTSHIFT_TOKEN");
          }
          err.println("see '" + failed.getCommandSpec().qualifiedName() + " --help' for its usage");
          return Exit.USAGE;
        });
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  /** The connection settings, resolved once. */
  Settings settings() {
    if (settings == null) {
      settings =
          Settings.resolve(
              new Settings.Flags(server, tokenFile, context, namespace),
              env,
              ConfigFile.read(ConfigFile.location(env)),
              cwd);
    }
    return settings;
  }

  /** An API client retrying for {@code --retry-timeout}, else {@code fallback}. */
  ApiClient api(Duration fallback) {
    return new ApiClient(settings(), retryTimeout == null ? fallback : retryTimeout, err);
  }

  /** The client version for {@code --version}. */
  static final class ClientVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"nightshift " + Version.client()};
    }
  }

  /** {@code 90s}, {@code 10m}, {@code 1h30m} as option values. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

package io.nightshift.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code config}: the contexts of the config file, as {@code kubectl config} manages them. A
 * context names the file holding its token, never the token.
 */
@Command(
    name = "config",
    description = {
      "Manage the contexts of the config file: $NIGHTSHIFT_CONFIG, else"
          + " $XDG_CONFIG_HOME/nightshift/config.yaml, else ~/.config/nightshift/config.yaml."
    },
    subcommands = {
      ConfigCommand.SetContext.class,
      ConfigCommand.UseContext.class,
      ConfigCommand.GetContexts.class,
      ConfigCommand.CurrentContext.class,
      ConfigCommand.DeleteContext.class
    })
final class ConfigCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(),
        "say what to do: set-context, use-context, get-contexts, current-context or"
            + " delete-context");
  }

  abstract static class ConfigBase extends Base {
    Path file() {
      return ConfigFile.location(root().env);
    }

    ConfigFile.Config read() {
      return ConfigFile.read(file());
    }
  }

  @Command(
      name = "set-context",
      description = {
        "Create a context, or change the fields given (--server, --token-file, -n) of an"
            + " existing one.",
        "e.g. nightshift config set-context prod --server https://nightshift.example.com"
            + " --token-file ~/.config/nightshift/prod.token --namespace data"
      })
  static final class SetContext extends ConfigBase {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      String contextServer = root().server;
      Path contextTokenFile = root().tokenFile;
      String contextNamespace = root().namespace;
      ConfigFile.Config config = read();
      ConfigFile.Context old =
          config.context(name).orElse(new ConfigFile.Context(name, null, null, null));
      if (contextServer != null) {
        Settings.parseServer(contextServer);
      }
      String tokenFile = old.tokenFile();
      if (contextTokenFile != null) {
        Path absolute = root().cwd.resolve(contextTokenFile).toAbsolutePath().normalize();
        if (!Files.isReadable(absolute)) {
          err().println("warning: " + absolute + " cannot be read (yet)");
        }
        tokenFile = absolute.toString();
      }
      ConfigFile.Context context =
          new ConfigFile.Context(
              name,
              contextServer != null ? contextServer : old.server(),
              tokenFile,
              contextNamespace != null ? contextNamespace : old.namespace());
      boolean existed = config.context(name).isPresent();
      ConfigFile.write(file(), config.with(context));
      out().println("context " + name + (existed ? " modified" : " created") + " in " + file());
      return Exit.OK;
    }
  }

  @Command(name = "use-context", description = "Make a context the current one.")
  static final class UseContext extends ConfigBase {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ConfigFile.Config config = read();
      if (config.context(name).isEmpty()) {
        throw new CliException(Exit.USAGE, "no context named \"" + name + "\" in " + file());
      }
      ConfigFile.write(file(), config.using(name));
      out().println("switched to context " + name);
      return Exit.OK;
    }
  }

  @Command(name = "get-contexts", description = "List the contexts; * marks the current one.")
  static final class GetContexts extends ConfigBase {

    @Override
    public Integer call() {
      ConfigFile.Config config = read();
      Table table = new Table("current", "name", "server", "namespace", "token file");
      for (ConfigFile.Context context : config.contexts()) {
        table.row(
            context.name().equals(config.currentContext()) ? "*" : " ",
            context.name(),
            context.server(),
            context.namespace(),
            context.tokenFile());
      }
      String rendered = table.render().replace("<none>", "");
      out().print(rendered.lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n"));
      return Exit.OK;
    }
  }

  @Command(name = "current-context", description = "Print the current context's name.")
  static final class CurrentContext extends ConfigBase {

    @Override
    public Integer call() {
      String current = read().currentContext();
      if (current == null) {
        throw new CliException(Exit.USAGE, "current-context is not set in " + file());
      }
      out().println(current);
      return Exit.OK;
    }
  }

  @Command(name = "delete-context", description = "Delete a context.")
  static final class DeleteContext extends ConfigBase {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ConfigFile.Config config = read();
      if (config.context(name).isEmpty()) {
        throw new CliException(Exit.USAGE, "no context named \"" + name + "\" in " + file());
      }
      ConfigFile.write(file(), config.without(name));
      out().println("deleted context " + name + " from " + file());
      return Exit.OK;
    }
  }
}

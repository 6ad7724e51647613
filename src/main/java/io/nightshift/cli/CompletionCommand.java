package io.nightshift.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code completion bash|zsh}: a completion script, from picocli's AutoComplete. */
@Command(
    name = "completion",
    description = {
      "Print a shell completion script.",
      "bash: source <(nightshift completion bash)",
      "zsh:  source <(nightshift completion zsh)"
    })
final class CompletionCommand extends Base {

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  String shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("nightshift", spec.root().commandLine());
    switch (shell) {
      case "bash" -> out().print(script);
      case "zsh" -> {
        // picocli's script serves zsh through bashcompinit
        out().println("autoload -U +X compinit && compinit");
        out().println("autoload -U +X bashcompinit && bashcompinit");
        out().print(script);
      }
      default -> throw new CliException(Exit.USAGE, "completion takes bash or zsh, not " + shell);
    }
    out().flush();
    return Exit.OK;
  }
}

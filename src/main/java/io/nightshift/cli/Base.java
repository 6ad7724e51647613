package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command reaches: the root's options, the API, stdout and stderr. */
abstract class Base implements Callable<Integer> {

  @Spec CommandSpec spec;

  NightshiftCli root() {
    return (NightshiftCli) spec.root().userObject();
  }

  PrintStream out() {
    return root().out;
  }

  PrintStream err() {
    return root().err;
  }

  String namespace() {
    return root().settings().namespace();
  }

  Output.Format format() {
    return root().output;
  }

  /** The API, retried for {@code --retry-timeout}, else 10 s. */
  ApiClient api() {
    return root().api(NightshiftCli.QUICK_RETRY);
  }

  /** The API for a command that waits, retried for {@code --retry-timeout}, else 2 min. */
  ApiClient waitingApi() {
    return root().api(NightshiftCli.WAIT_RETRY);
  }

  static String workflowPath(String namespace, String name) {
    return "/api/v1/namespaces/"
        + ApiClient.encode(namespace)
        + "/workflows/"
        + ApiClient.encode(name);
  }

  static String runPath(String id) {
    return "/api/v1/runs/" + ApiClient.encode(id);
  }

  /** Prints the API's answer as JSON or YAML when asked; true if it did. */
  boolean printedRaw(JsonNode node) {
    return Output.raw(format(), node, out());
  }

  boolean wide() {
    return format() == Output.Format.wide;
  }

  static Duration orDefault(Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }
}

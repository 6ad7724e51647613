package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cluster} and {@code audit}. */
final class AdminCommands {

  private AdminCommands() {}

  @Command(name = "cluster", description = "The nodes, which one leads, and since when.")
  static final class Cluster extends Base {

    @Override
    public Integer call() {
      JsonNode cluster = api().send(ApiClient.Call.get("/api/v1/cluster")).json();
      if (printedRaw(cluster)) {
        return Exit.OK;
      }
      Instant now = Instant.now();
      String leader = Json.text(cluster, "/leader/id");
      String self = Json.text(cluster, "/self/id");
      Table table = new Table("node", "role", "started", "last seen");
      for (JsonNode node : cluster.path("nodes")) {
        String id = Json.text(node, "/id");
        String role = id != null && id.equals(leader) ? "leader" : "follower";
        table.row(
            id + (id != null && id.equals(self) ? " (answered)" : ""),
            role,
            Runs.ageCell(node, "/startedAt", now) + " ago",
            Runs.ageCell(node, "/lastSeen", now) + " ago");
      }
      out().print(table.render());
      if (leader == null) {
        err().println("no node holds the leader's lease now");
      } else {
        out().println();
        out()
            .println(
                "leader "
                    + leader
                    + " since "
                    + Json.text(cluster, "/leader/since")
                    + ", fencing token "
                    + Json.text(cluster, "/leader/fencingToken"));
      }
      return Exit.OK;
    }
  }

  @Command(
      name = "audit",
      description = {
        "The changes made through the API, newest first (needs an admin token of every"
            + " namespace).",
        "--action, --actor and --since filter what the server returns, reading further pages"
            + " until --limit events match."
      })
  static final class Audit extends Base {

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "At most N events (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--action",
        paramLabel = "ACTION",
        description = "Only this action, or those starting with it: workflow, run.create, token.")
    String action;

    @Option(
        names = "--actor",
        paramLabel = "ACTOR",
        description = "Only this actor, e.g. token:ci or oidc:alice.")
    String actor;

    @Option(
        names = "--since",
        paramLabel = "DURATION",
        converter = NightshiftCli.DurationConverter.class,
        description = "Only events of the last DURATION, e.g. 24h.")
    Duration since;

    /** At most this many pages are read looking for matches. */
    private static final int MAX_PAGES = 50;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CliException(Exit.USAGE, "--limit must be at least 1");
      }
      ApiClient api = api();
      Instant now = Instant.now();
      Instant after = since == null ? null : now.minus(since);
      List<JsonNode> events = new ArrayList<>();
      String cursor = null;
      pages:
      for (int page = 0; page < MAX_PAGES; page++) {
        String path =
            "/api/v1/audit?limit=1000"
                + (cursor == null ? "" : "&cursor=" + ApiClient.encode(cursor));
        JsonNode answer = api.send(ApiClient.Call.get(path)).json();
        for (JsonNode event : answer.path("items")) {
          Instant at = Json.instant(event, "/at").orElse(null);
          if (after != null && at != null && at.isBefore(after)) {
            break pages;
          }
          if (matches(event)) {
            events.add(event);
            if (events.size() >= limit) {
              break pages;
            }
          }
        }
        cursor = Json.text(answer, "/nextCursor");
        if (cursor == null) {
          break;
        }
      }
      if (printedRaw(GetCommand.list(events))) {
        return Exit.OK;
      }
      if (events.isEmpty()) {
        err().println("No audit events found.");
        return Exit.OK;
      }
      List<String> headers = new ArrayList<>(List.of("at", "actor", "action", "target", "status"));
      if (wide()) {
        headers.addAll(List.of("address", "detail"));
      }
      Table table = new Table(headers.toArray(String[]::new));
      for (JsonNode event : events) {
        List<Object> row = new ArrayList<>();
        row.add(Json.text(event, "/at"));
        row.add(Json.text(event, "/actor"));
        row.add(Json.text(event, "/action"));
        row.add(Json.text(event, "/target"));
        row.add(Json.text(event, "/status"));
        if (wide()) {
          row.add(Json.text(event, "/address"));
          row.add(Json.text(event, "/detail"));
        }
        table.row(row.toArray());
      }
      out().print(table.render());
      return Exit.OK;
    }

    private boolean matches(JsonNode event) {
      String eventAction = Json.text(event, "/action");
      if (action != null
          && (eventAction == null
              || !(eventAction.equals(action) || eventAction.startsWith(action + ".")))) {
        return false;
      }
      return actor == null || actor.equals(Json.text(event, "/actor"));
    }
  }
}

package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The tables of workflows, runs and steps. */
final class Views {

  private Views() {}

  static String workflows(List<JsonNode> items, boolean allNamespaces, boolean wide, Instant now) {
    List<String> headers = new ArrayList<>();
    if (allNamespaces) {
      headers.add("namespace");
    }
    headers.addAll(List.of("name", "schedule", "suspend", "steps", "age"));
    if (wide) {
      headers.addAll(List.of("time zone", "concurrency", "generation"));
    }
    Table table = new Table(headers.toArray(String[]::new));
    for (JsonNode workflow : items) {
      List<Object> row = new ArrayList<>();
      if (allNamespaces) {
        row.add(Json.text(workflow, "/metadata/namespace"));
      }
      row.add(Json.text(workflow, "/metadata/name"));
      row.add(Json.text(workflow, "/spec/schedule"));
      row.add(workflow.at("/spec/suspend").asBoolean(false) ? "True" : "False");
      row.add(workflow.at("/spec/steps").size());
      row.add(Runs.ageCell(workflow, "/metadata/creationTimestamp", now));
      if (wide) {
        row.add(Json.text(workflow, "/spec/timeZone"));
        row.add(Json.text(workflow, "/spec/concurrencyPolicy"));
        row.add(Json.text(workflow, "/metadata/generation"));
      }
      table.row(row.toArray());
    }
    return table.render();
  }

  static String runs(List<JsonNode> items, boolean withWorkflow, boolean wide, Instant now) {
    List<String> headers = new ArrayList<>(List.of("id"));
    if (withWorkflow) {
      headers.add("workflow");
    }
    headers.addAll(List.of("seq", "status", "trigger", "duration", "age"));
    if (wide) {
      headers.addAll(List.of("scheduled", "reason", "message"));
    }
    Table table = new Table(headers.toArray(String[]::new));
    for (JsonNode run : items) {
      List<Object> row = new ArrayList<>(List.of(Runs.id(run)));
      if (withWorkflow) {
        row.add(Json.text(run, "/namespace") + "/" + Json.text(run, "/workflow"));
      }
      row.add(Json.text(run, "/seq"));
      row.add(Runs.status(run));
      row.add(Json.text(run, "/trigger"));
      row.add(Runs.durationCell(run, now));
      row.add(Runs.ageCell(run, "/createdAt", now));
      if (wide) {
        row.add(Json.text(run, "/scheduledTime"));
        row.add(Json.text(run, "/reason"));
        row.add(Json.text(run, "/message"));
      }
      table.row(row.toArray());
    }
    return table.render();
  }

  static String steps(JsonNode run, boolean wide, Instant now) {
    List<String> headers =
        new ArrayList<>(List.of("step", "status", "attempt", "exit code", "duration", "reason"));
    if (wide) {
      headers.addAll(List.of("job", "message"));
    }
    Table table = new Table(headers.toArray(String[]::new));
    for (JsonNode step : run.path("steps")) {
      List<Object> row = new ArrayList<>();
      row.add(Json.text(step, "/name"));
      row.add(Json.text(step, "/status"));
      row.add(Json.text(step, "/attempt"));
      row.add(Runs.exitCodeCell(step));
      row.add(Runs.durationCell(step, now));
      row.add(Json.text(step, "/reason"));
      if (wide) {
        row.add(Json.text(step, "/jobName"));
        row.add(Json.text(step, "/message"));
      }
      table.row(row.toArray());
    }
    return table.render();
  }

  /** {@code key=value,key=value} of a JSON object, or empty. */
  static String pairs(JsonNode object) {
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      pairs.add(entry.getKey() + "=" + entry.getValue().asText());
    }
    return String.join(",", pairs);
  }
}

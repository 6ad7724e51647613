package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Workflow definitions for tests, as trees a test can change before sending. */
public final class Definitions {

  public static final Path EXAMPLES = Path.of("examples");

  /** Every workflow definition of {@code examples/}, in name order. */
  public static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Path> examples =
          files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
      assertThat(examples).as("the examples in " + EXAMPLES).isNotEmpty();
      return examples;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private Definitions() {}

  /** The text of a file in {@code examples/}. */
  public static String example(String file) {
    try {
      return Files.readString(EXAMPLES.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A valid four-step chain in namespace {@code data} named {@code chain}: backup (shorthand),
   * cleanup after it, etl (jobTemplate) after cleanup, notify (when: failed) after etl.
   */
  public static ObjectNode chain() {
    return (ObjectNode)
        parseYaml(
            """
        apiVersion: nightshift.io/v1
        kind: Workflow
        metadata:
          name: chain
          namespace: data
        spec:
          schedule: "0 2 * * *"
          timeZone: Europe/Paris
          parameters: {retentionDays: "30"}
          steps:
            - name: backup
              image: postgres:17
              command: [sh, -c, 'pg_dump | gzip > /backup/db.sql.gz']
              env:
                - name: PGPASSWORD
                  valueFrom: {secretKeyRef: {name: pg, key: password}}
            - name: cleanup
              dependsOn: [backup]
              image: busybox:1.36
              command: [sh, -c, 'find /backup -mtime +$RETENTION_DAYS -delete']
            - name: etl
              dependsOn: [cleanup]
              jobTemplate:
                completions: 10
                completionMode: Indexed
                template: {spec: {restartPolicy: Never, containers: [{name: etl, image: "etl:2.1"}]}}
            - name: notify
              dependsOn: [etl]
              when: failed
              image: curlimages/curl:8.10.1
              command: [sh, -c, 'curl -X POST $ALERT_URL']
        """);
  }

  /** The chain without metadata: the URL it is PUT to names it. */
  public static ObjectNode unnamedChain() {
    ObjectNode chain = chain();
    chain.remove("metadata");
    return chain;
  }

  public static Object parseYaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String yaml(Object tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String json(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

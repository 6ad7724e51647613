package io.nightshift.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.nightshift.testsupport.Definitions;
import io.nightshift.workflow.DefinitionCodec.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * schemas/workflow.json, the JSON Schema editors check workflow files with, against the server's
 * own reading of a definition: every example the repository shows validates against it, and every
 * shape the server refuses for its structure (unknown fields, wrong types, bad enum values, both or
 * neither of the shorthand and a jobTemplate) is refused by it too.
 */
class WorkflowSchemaTest {

  static final Path SCHEMA_FILE = Path.of("schemas", "workflow.json");

  /** The first line of every example: the YAML language server reads the schema from it. */
  static final String MODELINE = "# yaml-language-server: $schema=../schemas/workflow.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern FENCED_YAML =
      Pattern.compile("^```ya?ml[ \\t]*\\n(.*?)^```[ \\t]*$", Pattern.MULTILINE | Pattern.DOTALL);

  private static final Schema SCHEMA = schema();

  private final DefinitionCodec codec = new DefinitionCodec();
  private final WorkflowValidator validator = new WorkflowValidator();

  private static Schema schema() {
    try {
      // The schema's $id names where it is published; it is read from the repository here.
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(
              SchemaLocation.of("https://nightshift.io/schemas/workflow.json"),
              Files.readString(SCHEMA_FILE),
              InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the schema says is wrong with {@code definition}, a JSON tree; empty when valid. */
  private static List<String> schemaErrors(JsonNode definition) {
    try {
      List<Error> errors = SCHEMA.validate(JSON.writeValueAsString(definition), InputFormat.JSON);
      return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the server's codec and validator say is wrong with {@code definition}. */
  private List<Violation> serverViolations(JsonNode definition) {
    List<Violation> violations = new ArrayList<>();
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(definition);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Workflow workflow = codec.read(body, Format.JSON, violations);
    violations.addAll(validator.validate(workflow, violations));
    return violations;
  }

  private static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A definition the repository shows: a file of examples/ or a YAML block of a Markdown page. */
  record Example(String where, String yaml) {
    @Override
    public String toString() {
      return where;
    }
  }

  static Stream<Example> examples() throws IOException {
    List<Example> examples = new ArrayList<>();
    for (Path file : Definitions.examples()) {
      examples.add(new Example(file.toString(), Files.readString(file)));
    }
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path page : pages) {
      Matcher block = FENCED_YAML.matcher(Files.readString(page));
      while (block.find()) {
        if (block.group(1).contains("kind: Workflow")) {
          examples.add(
              new Example(page + " (block at offset " + block.start() + ")", block.group(1)));
        }
      }
    }
    assertThat(examples.size()).isGreaterThan(Definitions.examples().size());
    return examples.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void every_example_in_the_repository_validates_against_the_schema_and_the_server(
      Example example) {
    JsonNode definition = yaml(example.yaml());

    assertThat(serverViolations(definition)).as("the server's violations").isEmpty();
    assertThat(schemaErrors(definition)).as("the schema's errors").isEmpty();
  }

  @Test
  void every_example_file_names_the_schema_on_its_first_line() throws IOException {
    for (Path file : Definitions.examples()) {
      assertThat(Files.readAllLines(file, StandardCharsets.UTF_8).get(0))
          .as(file.toString())
          .isEqualTo(MODELINE);
    }
  }

  @Test
  void the_definitions_of_the_tests_validate_too() {
    assertThat(schemaErrors(Definitions.chain())).isEmpty();
    assertThat(schemaErrors(Definitions.unnamedChain())).isEmpty();
  }

  /** A change that breaks the valid chain's structure, and where the server reports it. */
  record Refusal(String shape, Consumer<ObjectNode> breakIt, String path) {
    @Override
    public String toString() {
      return shape;
    }
  }

  private static ObjectNode at(ObjectNode workflow, String pointer) {
    return (ObjectNode) workflow.at(pointer);
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal("unknown field at the top", w -> w.put("extra", 1), "/extra"),
        new Refusal("status written by hand", w -> w.putObject("status"), "/status"),
        new Refusal(
            "unknown field in metadata",
            w -> at(w, "/metadata").put("owner", "me"),
            "/metadata/owner"),
        new Refusal(
            "unknown field in spec",
            w -> at(w, "/spec").put("schedul", "0 1 * * *"),
            "/spec/schedul"),
        new Refusal(
            "unknown field in a step",
            w -> at(w, "/spec/steps/0").put("imagePullPolicy", "Always"),
            "/spec/steps/0/imagePullPolicy"),
        new Refusal(
            "unknown field in an env var",
            w -> at(w, "/spec/steps/0/env/0").put("secret", true),
            "/spec/steps/0/env/0/secret"),
        new Refusal(
            "unknown source in valueFrom",
            w -> at(w, "/spec/steps/0/env/0/valueFrom").putObject("vaultRef").put("path", "x"),
            "/spec/steps/0/env/0/valueFrom/vaultRef"),
        new Refusal(
            "unknown field in a secretKeyRef",
            w -> at(w, "/spec/steps/0/env/0/valueFrom/secretKeyRef").put("namespace", "other"),
            "/spec/steps/0/env/0/valueFrom/secretKeyRef/namespace"),
        new Refusal(
            "unknown field in resources",
            w -> at(w, "/spec/steps/1").putObject("resources").putObject("gpus"),
            "/spec/steps/1/resources/gpus"),
        new Refusal("metadata not an object", w -> w.put("metadata", "chain"), "/metadata"),
        new Refusal("spec not an object", w -> w.putArray("spec"), "/spec"),
        new Refusal("steps not a list", w -> at(w, "/spec").put("steps", "backup"), "/spec/steps"),
        new Refusal(
            "suspend not a boolean", w -> at(w, "/spec").put("suspend", "yes"), "/spec/suspend"),
        new Refusal(
            "a deadline not an integer",
            w -> at(w, "/spec").put("startingDeadlineSeconds", 1.5),
            "/spec/startingDeadlineSeconds"),
        new Refusal(
            "a number too large for any integer",
            w ->
                at(w, "/spec")
                    .put("activeDeadlineSeconds", new java.math.BigInteger("99999999999999999999")),
            "/spec/activeDeadlineSeconds"),
        new Refusal(
            "parameters a list",
            w -> at(w, "/spec").putArray("parameters").add("retentionDays"),
            "/spec/parameters"),
        new Refusal(
            "a parameter value an object",
            w -> at(w, "/spec/parameters").putObject("retentionDays"),
            "/spec/parameters/retentionDays"),
        new Refusal(
            "a label value a list",
            w -> at(w, "/metadata").putObject("labels").putArray("team").add("platform"),
            "/metadata/labels/team"),
        new Refusal(
            "a step's name a number",
            w -> at(w, "/spec/steps/0").put("name", 1),
            "/spec/steps/0/name"),
        new Refusal(
            "retries a string",
            w -> at(w, "/spec/steps/0").put("retries", "3"),
            "/spec/steps/0/retries"),
        new Refusal(
            "command a string instead of a list",
            w -> at(w, "/spec/steps/0").put("command", "pg_dump"),
            "/spec/steps/0/command"),
        new Refusal(
            "dependsOn a string",
            w -> at(w, "/spec/steps/1").put("dependsOn", "backup"),
            "/spec/steps/1/dependsOn"),
        new Refusal(
            "env an object",
            w -> at(w, "/spec/steps/0").putObject("env").put("PGPASSWORD", "x"),
            "/spec/steps/0/env"),
        new Refusal(
            "jobTemplate a string",
            w -> at(w, "/spec/steps/2").put("jobTemplate", "etl"),
            "/spec/steps/2/jobTemplate"),
        new Refusal(
            "a bad concurrencyPolicy",
            w -> at(w, "/spec").put("concurrencyPolicy", "Sometimes"),
            "/spec/concurrencyPolicy"),
        new Refusal(
            "a concurrencyPolicy in the wrong case",
            w -> at(w, "/spec").put("concurrencyPolicy", "forbid"),
            "/spec/concurrencyPolicy"),
        new Refusal(
            "a bad when", w -> at(w, "/spec/steps/3").put("when", "never"), "/spec/steps/3/when"),
        new Refusal(
            "another apiVersion", w -> w.put("apiVersion", "nightshift.io/v2"), "/apiVersion"),
        new Refusal("another kind", w -> w.put("kind", "CronJob"), "/kind"),
        new Refusal("no apiVersion", w -> w.remove("apiVersion"), "/apiVersion"),
        new Refusal("no spec", w -> w.remove("spec"), "/spec"),
        new Refusal("no steps", w -> at(w, "/spec").remove("steps"), "/spec/steps"),
        new Refusal("an empty list of steps", w -> at(w, "/spec").putArray("steps"), "/spec/steps"),
        new Refusal(
            "a step without a name",
            w -> at(w, "/spec/steps/1").remove("name"),
            "/spec/steps/1/name"),
        new Refusal(
            "both the shorthand and a jobTemplate",
            w -> at(w, "/spec/steps/2").put("image", "etl:2.1"),
            "/spec/steps/2"),
        new Refusal(
            "a jobTemplate with a shorthand command",
            w -> at(w, "/spec/steps/2").putArray("command").add("etl"),
            "/spec/steps/2"),
        new Refusal(
            "neither the shorthand nor a jobTemplate",
            w -> {
              ObjectNode step = at(w, "/spec/steps/1");
              step.remove("image");
              step.remove("command");
            },
            "/spec/steps/1"),
        new Refusal(
            "the shorthand without an image",
            w -> at(w, "/spec/steps/1").remove("image"),
            "/spec/steps/1/image"),
        new Refusal(
            "an env var without a name",
            w -> at(w, "/spec/steps/0/env/0").remove("name"),
            "/spec/steps/0/env/0/name"),
        new Refusal(
            "an env var with value and valueFrom",
            w -> at(w, "/spec/steps/0/env/0").put("value", "x"),
            "/spec/steps/0/env/0"),
        new Refusal(
            "valueFrom with two sources",
            w ->
                at(w, "/spec/steps/0/env/0/valueFrom")
                    .putObject("configMapKeyRef")
                    .put("name", "c")
                    .put("key", "k"),
            "/spec/steps/0/env/0/valueFrom"),
        new Refusal(
            "a secretKeyRef without a key",
            w -> at(w, "/spec/steps/0/env/0/valueFrom/secretKeyRef").remove("key"),
            "/spec/steps/0/env/0/valueFrom/secretKeyRef/key"),
        new Refusal(
            "a jobTemplate without a pod template",
            w -> at(w, "/spec/steps/2/jobTemplate").remove("template"),
            "/spec/steps/2/jobTemplate/template"),
        new Refusal(
            "a jobTemplate with restartPolicy Always",
            w -> at(w, "/spec/steps/2/jobTemplate/template/spec").put("restartPolicy", "Always"),
            "/spec/steps/2/jobTemplate/template/spec/restartPolicy"),
        new Refusal(
            "a jobTemplate without containers",
            w -> at(w, "/spec/steps/2/jobTemplate/template/spec").putArray("containers"),
            "/spec/steps/2/jobTemplate/template/spec/containers"),
        new Refusal(
            "a jobTemplate container without an image",
            w -> at(w, "/spec/steps/2/jobTemplate/template/spec/containers/0").remove("image"),
            "/spec/steps/2/jobTemplate/template/spec/containers/0/image"),
        new Refusal(
            "a JobTemplateSpec with a JobSpec field beside its spec",
            w -> wrapInTemplateSpec(w).put("backoffLimit", 2),
            "/spec/steps/2/jobTemplate/backoffLimit"),
        new Refusal(
            "a JobTemplateSpec naming its Job",
            w -> at(wrapInTemplateSpec(w), "/metadata").put("name", "etl-job"),
            "/spec/steps/2/jobTemplate/metadata/name"),
        new Refusal(
            "a JobTemplateSpec label that is not text",
            w -> at(wrapInTemplateSpec(w), "/metadata/labels").put("tier", 1),
            "/spec/steps/2/jobTemplate/metadata/labels/tier"),
        new Refusal(
            "a JobTemplateSpec without containers",
            w -> at(wrapInTemplateSpec(w), "/spec/template/spec").putArray("containers"),
            "/spec/steps/2/jobTemplate/spec/template/spec/containers"),
        new Refusal(
            "completions a string",
            w -> at(w, "/spec/steps/2/jobTemplate").put("completions", "10"),
            "/spec/steps/2/jobTemplate/completions"),
        new Refusal(
            "retries above 10",
            w -> at(w, "/spec/steps/0").put("retries", 11),
            "/spec/steps/0/retries"),
        new Refusal(
            "a history limit above 1000",
            w -> at(w, "/spec").put("successfulRunsHistoryLimit", 1001),
            "/spec/successfulRunsHistoryLimit"),
        new Refusal(
            "a workflow name that is not a DNS label",
            w -> at(w, "/metadata").put("name", "Chain_1"),
            "/metadata/name"),
        new Refusal(
            "a step name that is not a DNS label",
            w -> at(w, "/spec/steps/0").put("name", "Backup"),
            "/spec/steps/0/name"),
        new Refusal(
            "an env var under the reserved prefix",
            w -> at(w, "/spec/steps/0/env/0").put("name", "NIGHTSHIFT_STEP"),
            "/spec/steps/0/env/0/name"),
        new Refusal(
            "a parameter name with a dash",
            w -> at(w, "/spec/parameters").put("retention-days", "3"),
            "/spec/parameters/retention-days"),
        new Refusal(
            "a quantity that is not one",
            w ->
                at(w, "/spec/steps/1")
                    .putObject("resources")
                    .putObject("limits")
                    .put("memory", "lots"),
            "/spec/steps/1/resources/limits/memory"),
        new Refusal(
            "a dependsOn naming a step twice",
            w -> at(w, "/spec/steps/1").putArray("dependsOn").add("backup").add("backup"),
            "/spec/steps/1/dependsOn/1"));
  }

  /**
   * Rewrites step 2's JobSpec as a JobTemplateSpec, as a CronJob's jobTemplate is written, with a
   * label on the Job; returns the jobTemplate.
   */
  private static ObjectNode wrapInTemplateSpec(ObjectNode workflow) {
    ObjectNode step = at(workflow, "/spec/steps/2");
    ObjectNode jobTemplate = step.putObject("jobTemplate");
    jobTemplate.putObject("metadata").putObject("labels").put("team", "data");
    jobTemplate.set("spec", Definitions.chain().at("/spec/steps/2/jobTemplate").deepCopy());
    return jobTemplate;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void a_shape_the_server_refuses_is_refused_by_the_schema_too(Refusal refusal) {
    ObjectNode workflow = Definitions.chain();
    refusal.breakIt().accept(workflow);

    assertThat(serverViolations(workflow))
        .as("the server's violations")
        .extracting(Violation::path)
        .contains(refusal.path());
    assertThat(schemaErrors(workflow)).as("the schema's errors").isNotEmpty();
  }

  /** The definition records and the schema object that describes each. */
  static Stream<Object[]> objects() {
    return Stream.of(
        new Object[] {Workflow.class, "/properties"},
        new Object[] {WorkflowMetadata.class, "/definitions/metadata/properties"},
        new Object[] {WorkflowSpec.class, "/definitions/spec/properties"},
        new Object[] {Step.class, "/definitions/step/properties"},
        new Object[] {EnvVar.class, "/definitions/envVar/properties"},
        new Object[] {
          EnvVar.EnvVarSource.class, "/definitions/envVar/properties/valueFrom/properties"
        },
        new Object[] {EnvVar.KeySelector.class, "/definitions/keySelector/properties"},
        new Object[] {
          EnvVar.FieldSelector.class,
          "/definitions/envVar/properties/valueFrom/properties/fieldRef/properties"
        },
        new Object[] {
          EnvVar.ResourceFieldSelector.class,
          "/definitions/envVar/properties/valueFrom/properties/resourceFieldRef/properties"
        },
        new Object[] {
          ResourceRequirements.class, "/definitions/step/properties/resources/properties"
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("objects")
  void the_schema_knows_exactly_the_fields_the_server_binds(Class<?> record, String pointer)
      throws IOException {
    JsonNode properties = JSON.readTree(Files.readString(SCHEMA_FILE)).at(pointer);
    Set<String> inSchema = new TreeSet<>();
    properties.fieldNames().forEachRemaining(inSchema::add);
    Set<String> bound =
        Arrays.stream(record.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(inSchema).as(pointer).isEqualTo(bound);
  }

  @Test
  void the_schema_is_a_valid_draft_07_schema() throws IOException {
    Schema metaSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));

    assertThat(metaSchema.validate(Files.readString(SCHEMA_FILE), InputFormat.JSON)).isEmpty();
  }
}

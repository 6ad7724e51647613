package io.nightshift.workflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads workflow definitions from YAML or JSON and writes them back as JSON or YAML. Parsing is
 * hardened: duplicate keys, YAML alias bombs and deep nesting are errors, never silently accepted.
 */
@Singleton
public final class DefinitionCodec {

  /** Deeper than any real definition (a JobSpec with volumes is about 10 levels). */
  static final int MAX_NESTING_DEPTH = 64;

  static final int MAX_YAML_ALIASES = 50;

  /** The formats a definition may be written in. */
  public enum Format {
    JSON,
    YAML
  }

  private final ObjectMapper json;
  private final ObjectMapper yaml;
  private final TreeBinder binder;

  public DefinitionCodec() {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build();
    LoaderOptions loaderOptions = new LoaderOptions();
    loaderOptions.setAllowDuplicateKeys(false);
    loaderOptions.setMaxAliasesForCollections(MAX_YAML_ALIASES);
    loaderOptions.setNestingDepthLimit(MAX_NESTING_DEPTH);
    this.json = configure(new ObjectMapper());
    this.json.getFactory().setStreamReadConstraints(constraints);
    this.yaml =
        configure(
            new YAMLMapper(
                YAMLFactory.builder()
                    .loaderOptions(loaderOptions)
                    .streamReadConstraints(constraints)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build()));
    this.binder = new TreeBinder(json);
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    mapper.registerModule(new JavaTimeModule());
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    return mapper;
  }

  /**
   * Parses a body into a workflow, adding a violation for every unknown field and every value of
   * the wrong type; what could not be bound is left unset.
   *
   * @throws MalformedDefinitionException when the body is not YAML or JSON at all
   */
  public Workflow read(byte[] body, Format format, List<Violation> violations) {
    JsonNode tree = parse(body, format);
    return binder.bind(tree, Workflow.class, violations);
  }

  /** Reads a definition this codec wrote; it is known to be valid. */
  public Workflow readStored(String storedJson) {
    List<Violation> violations = new ArrayList<>();
    Workflow workflow = read(storedJson.getBytes(StandardCharsets.UTF_8), Format.JSON, violations);
    if (!violations.isEmpty()) {
      throw new IllegalStateException("stored definition does not bind: " + violations);
    }
    return workflow;
  }

  public String writeJson(Object value) {
    return write(json, value);
  }

  public String writeYaml(Object value) {
    return write(yaml, value);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode parse(byte[] body, Format format) {
    ObjectMapper mapper = format == Format.JSON ? json : yaml;
    try {
      if (format == Format.YAML) {
        refuseAliases(body);
      }
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (JsonParser parser = mapper.createParser(body)) {
      JsonNode tree = mapper.readTree(parser);
      if (tree == null || tree.isMissingNode()) {
        throw new MalformedDefinitionException("the body is empty: expected a Workflow", 0, 0);
      }
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        throw new MalformedDefinitionException(
            "expected one Workflow, found more content after it (a second YAML document?)",
            at.getLineNr(),
            at.getColumnNr());
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark();
      throw new MalformedDefinitionException(
          e.getProblem(), at == null ? 0 : at.getLine() + 1, at == null ? 0 : at.getColumn() + 1);
    } catch (YAMLException e) {
      throw new MalformedDefinitionException(e.getMessage(), 0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Jackson does not expand YAML aliases: {@code env: *common} would silently become the string
   * "common". Refusing them says so plainly, and no alias bomb can grow a body past its size.
   */
  private void refuseAliases(byte[] body) throws IOException {
    try (YAMLParser parser = (YAMLParser) yaml.createParser(body)) {
      while (parser.nextToken() != null) {
        if (parser.isCurrentAlias()) {
          JsonLocation at = parser.currentTokenLocation();
          throw new MalformedDefinitionException(
              "YAML aliases (*" + parser.getText() + ") are not supported: write the value out",
              at.getLineNr(),
              at.getColumnNr());
        }
      }
    }
  }

  private static MalformedDefinitionException malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return new MalformedDefinitionException(
        e.getOriginalMessage(), at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
  }
}

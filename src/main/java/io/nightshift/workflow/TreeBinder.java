package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a parsed JSON tree onto the definition records, reporting every unknown field and every
 * value of the wrong type instead of stopping at the first (as Jackson's databind would). A field
 * that cannot be bound is left unset, so that the semantic rules can still run on the rest and the
 * user sees all violations at once.
 *
 * <p>The records are the schema: their component names are the field names, their component types
 * the expected JSON types. {@code Map<String, Object>} is an opaque subtree passed through as it is
 * (a Kubernetes JobSpec).
 */
final class TreeBinder {

  private final ObjectMapper mapper;

  TreeBinder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  <T extends Record> T bind(JsonNode node, Class<T> type, List<Violation> violations) {
    return type.cast(bindValue(node, type, "", violations));
  }

  private Object bindValue(JsonNode node, Type type, String path, List<Violation> violations) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (type instanceof ParameterizedType generic) {
      Class<?> raw = (Class<?>) generic.getRawType();
      Type[] arguments = generic.getActualTypeArguments();
      if (raw == List.class) {
        return bindList(node, arguments[0], path, violations);
      }
      if (raw == Map.class && arguments[1] == Object.class) {
        return bindTree(node, path, violations);
      }
      if (raw == Map.class && arguments[1] == String.class) {
        return bindStringMap(node, path, violations);
      }
    } else if (type instanceof Class<?> cls) {
      if (cls.isRecord()) {
        return bindRecord(node, cls, path, violations);
      }
      if (cls.isEnum()) {
        return bindEnum(node, cls, path, violations);
      }
      return bindScalar(node, cls, path, violations);
    }
    throw new IllegalStateException("no binding for " + type + " at " + path);
  }

  private Object bindRecord(JsonNode node, Class<?> type, String path, List<Violation> violations) {
    if (!node.isObject()) {
      violations.add(new Violation(path, "must be an object, not " + describe(node)));
      return null;
    }
    RecordComponent[] components = type.getRecordComponents();
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent component : components) {
      byName.put(component.getName(), component);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!byName.containsKey(field)) {
        violations.add(
            new Violation(
                Violation.pointer(path, field),
                "unknown field \""
                    + field
                    + "\"; known fields: "
                    + String.join(", ", byName.keySet())));
      }
    }
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent component = components[i];
      String name = component.getName();
      values[i] =
          bindValue(
              node.get(name),
              component.getGenericType(),
              Violation.pointer(path, name),
              violations);
    }
    try {
      Class<?>[] parameterTypes =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      return type.getDeclaredConstructor(parameterTypes).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
    }
  }

  private List<Object> bindList(
      JsonNode node, Type itemType, String path, List<Violation> violations) {
    if (!node.isArray()) {
      violations.add(new Violation(path, "must be a list, not " + describe(node)));
      return null;
    }
    List<Object> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPath = Violation.pointer(path, i);
      if (item.isNull()) {
        violations.add(new Violation(itemPath, "must not be null"));
        continue;
      }
      Object value = bindValue(item, itemType, itemPath, violations);
      if (value != null) {
        items.add(value);
      }
    }
    return items;
  }

  /**
   * Labels, annotations, parameters and resource quantities: string values, but a number or a
   * boolean is taken as its text, since YAML users write {@code retentionDays: 30} and {@code cpu:
   * 1}.
   */
  private Map<String, String> bindStringMap(
      JsonNode node, String path, List<Violation> violations) {
    if (!node.isObject()) {
      violations.add(new Violation(path, "must be an object of strings, not " + describe(node)));
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            entry -> {
              JsonNode value = entry.getValue();
              if (value.isValueNode() && !value.isNull()) {
                map.put(entry.getKey(), value.asText());
              } else {
                violations.add(
                    new Violation(
                        Violation.pointer(path, entry.getKey()),
                        "must be a string, not " + describe(value)));
              }
            });
    return map;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> bindTree(JsonNode node, String path, List<Violation> violations) {
    if (!node.isObject()) {
      violations.add(new Violation(path, "must be an object, not " + describe(node)));
      return null;
    }
    return mapper.convertValue(node, Map.class);
  }

  private Object bindEnum(JsonNode node, Class<?> type, String path, List<Violation> violations) {
    Map<String, Object> byWireName = new LinkedHashMap<>();
    for (Object constant : type.getEnumConstants()) {
      byWireName.put(wireName((Enum<?>) constant), constant);
    }
    Object value = node.isTextual() ? byWireName.get(node.asText()) : null;
    if (value == null) {
      violations.add(
          new Violation(
              path,
              "must be one of "
                  + String.join(", ", byWireName.keySet())
                  + ", not "
                  + describe(node)));
    }
    return value;
  }

  private static String wireName(Enum<?> constant) {
    try {
      JsonProperty property =
          constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
      return property == null ? constant.name() : property.value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object bindScalar(JsonNode node, Class<?> type, String path, List<Violation> violations) {
    if (type == String.class && node.isTextual()) {
      return node.asText();
    }
    if (type == Boolean.class && node.isBoolean()) {
      return node.asBoolean();
    }
    if (type == Integer.class && node.isIntegralNumber() && node.canConvertToInt()) {
      return node.intValue();
    }
    if (type == Long.class && node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (type == Instant.class && node.isTextual()) {
      try {
        return Instant.parse(node.asText());
      } catch (DateTimeParseException e) {
        violations.add(new Violation(path, "must be an RFC 3339 instant, not " + describe(node)));
        return null;
      }
    }
    violations.add(new Violation(path, "must be " + expected(type) + ", not " + describe(node)));
    return null;
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type == Integer.class) {
      return "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
    }
    if (type == Long.class) {
      return "an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
    }
    return "a " + type.getSimpleName();
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      String text = node.asText();
      return "\"" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "\"";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNumber() || node.isBoolean()) {
      String text = node.asText();
      return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
    return node.getNodeType().name().toLowerCase();
  }
}

package io.nightshift.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unmodifiable copies that keep the order a user wrote. {@code Map.copyOf} would not: its iteration
 * order changes from one JVM to the next, and definitions must read back byte for byte.
 */
final class Immutable {

  private Immutable() {}

  static <T> List<T> list(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }

  static <V> Map<String, V> map(Map<String, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** A deep copy of a JSON-like tree of maps, lists and scalars. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> tree(Map<String, Object> tree) {
    return tree == null ? null : (Map<String, Object>) deep(tree);
  }

  private static Object deep(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, value) -> copy.put((String) key, deep(value)));
      return Collections.unmodifiableMap(copy);
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(item -> copy.add(deep(item)));
      return Collections.unmodifiableList(copy);
    }
    return node;
  }
}

package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label or field selector of the list and watch API, matched against an object's JSON.
 *
 * <p>Labels take every form the API server accepts: {@code k=v}, {@code k==v}, {@code k!=v}, {@code
 * k}, {@code !k}, {@code k in (a,b)}, {@code k notin (a,b)}. Fields take {@code =}, {@code ==} and
 * {@code !=} on any dotted path of the object ({@code metadata.name}, {@code status.phase}), where
 * the API server allows only a few paths per resource.
 */
final class Selector {

  private static final Selector EVERYTHING = new Selector(List.of());
  private static final Pattern SET_BASED =
      Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$", Pattern.DOTALL);

  private enum Operator {
    EXISTS,
    NOT_EXISTS,
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN
  }

  /** One comma-separated term; {@code lookup} reads the value it tests from an object. */
  private record Requirement(
      String key,
      Operator operator,
      Set<String> values,
      BiFunction<JsonNode, String, Optional<String>> lookup) {

    boolean matches(JsonNode object) {
      Optional<String> value = lookup.apply(object, key);
      return switch (operator) {
        case EXISTS -> value.isPresent();
        case NOT_EXISTS -> value.isEmpty();
        case EQUALS, IN -> value.filter(values::contains).isPresent();
        case NOT_EQUALS, NOT_IN -> value.filter(values::contains).isEmpty();
      };
    }
  }

  private final List<Requirement> requirements;

  private Selector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** The selector of a {@code labelSelector} parameter; null or blank selects everything. */
  static Selector labels(String expression) {
    return parse(expression, Selector::label, true);
  }

  /** The selector of a {@code fieldSelector} parameter; null or blank selects everything. */
  static Selector fields(String expression) {
    return parse(expression, Selector::field, false);
  }

  /** Every requirement holds for the object. */
  boolean matches(JsonNode object) {
    return requirements.stream().allMatch(requirement -> requirement.matches(object));
  }

  /** Both selectors must hold: a name in the path plus a {@code fieldSelector}, say. */
  Selector and(Selector other) {
    List<Requirement> both = new ArrayList<>(requirements);
    both.addAll(other.requirements);
    return new Selector(both);
  }

  private static Selector parse(
      String expression,
      BiFunction<JsonNode, String, Optional<String>> lookup,
      boolean allowSetBased) {
    if (expression == null || expression.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String term : splitTerms(expression)) {
      requirements.add(requirement(term.trim(), lookup, allowSetBased));
    }
    return new Selector(requirements);
  }

  /** Splits on the commas that separate terms, not those inside {@code in (a,b)}. */
  private static List<String> splitTerms(String expression) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(expression.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(expression.substring(start));
    return terms;
  }

  private static Requirement requirement(
      String term, BiFunction<JsonNode, String, Optional<String>> lookup, boolean allowSetBased) {
    if (term.isEmpty()) {
      throw new IllegalArgumentException("empty term in selector");
    }
    Matcher setBased = SET_BASED.matcher(term);
    if (setBased.matches()) {
      requireSetBased(allowSetBased, term);
      Set<String> values = new HashSet<>();
      for (String value : setBased.group(3).split(",")) {
        values.add(value.trim());
      }
      Operator operator = setBased.group(2).equals("in") ? Operator.IN : Operator.NOT_IN;
      return new Requirement(setBased.group(1), operator, values, lookup);
    }
    if (term.contains("!=")) {
      return binary(term, "!=", Operator.NOT_EQUALS, lookup);
    }
    if (term.contains("==")) {
      return binary(term, "==", Operator.EQUALS, lookup);
    }
    if (term.contains("=")) {
      return binary(term, "=", Operator.EQUALS, lookup);
    }
    requireSetBased(allowSetBased, term);
    if (term.startsWith("!")) {
      return new Requirement(term.substring(1).trim(), Operator.NOT_EXISTS, Set.of(), lookup);
    }
    return new Requirement(term, Operator.EXISTS, Set.of(), lookup);
  }

  private static void requireSetBased(boolean allowed, String term) {
    if (!allowed) {
      throw new IllegalArgumentException("field selectors take only =, == and !=: " + term);
    }
  }

  private static Requirement binary(
      String term,
      String operatorText,
      Operator operator,
      BiFunction<JsonNode, String, Optional<String>> lookup) {
    int at = term.indexOf(operatorText);
    String key = term.substring(0, at).trim();
    if (key.isEmpty()) {
      throw new IllegalArgumentException("no key in selector term: " + term);
    }
    String value = term.substring(at + operatorText.length()).trim();
    return new Requirement(key, operator, Set.of(value), lookup);
  }

  private static Optional<String> label(JsonNode object, String key) {
    JsonNode value = object.path("metadata").path("labels").get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  /** A missing field reads as the empty string, as the API server's field sets have it. */
  private static Optional<String> field(JsonNode object, String dottedPath) {
    JsonNode node = object;
    for (String step : dottedPath.split("\\.")) {
      node = node.path(step);
    }
    return Optional.of(node.isValueNode() ? node.asText() : "");
  }
}

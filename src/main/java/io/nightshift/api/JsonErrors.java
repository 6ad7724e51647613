package io.nightshift.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.nightshift.workflow.Violation;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a request body that Jackson could not read was wrong about, in the API's words: a JSON
 * pointer and what was expected there ({@code /parameters: expected an object of strings}), or
 * where the JSON is broken. Never Jackson's message, which names Java classes.
 */
final class JsonErrors {

  /** A Java class or package name, an inner-class marker, or an exception's name. */
  static final Pattern JAVA_NAME =
      Pattern.compile(
          "\\b(java|javax|jakarta|com|org|io|sun|jdk)\\.[a-z0-9_]+\\.[A-Za-z]|[A-Za-z0-9]\\$[A-Z]"
              + "|[A-Za-z]Exception\\b|\\bat \\[Source");

  private JsonErrors() {}

  /** The Jackson exception among {@code error}'s causes, if any. */
  static Optional<JsonProcessingException> find(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JsonProcessingException json) {
        return Optional.of(json);
      }
    }
    return Optional.empty();
  }

  /** The violation {@code error} describes. */
  static Violation violation(JsonProcessingException error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StreamReadException broken) {
        return new Violation("", "not valid JSON" + where(broken.getLocation()));
      }
    }
    if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder pointer = new StringBuilder();
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        String field = reference.getFieldName();
        pointer
            .append('/')
            .append(
                field != null
                    ? field.replace("~", "~0").replace("/", "~1")
                    : Integer.toString(Math.max(reference.getIndex(), 0)));
      }
      return new Violation(pointer.toString(), expected(mapping));
    }
    String where = where(error.getLocation());
    if (error instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return new Violation("", expected(mismatch) + where);
    }
    return new Violation("", "not valid JSON" + where);
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String expected(JsonMappingException error) {
    Class<?> type =
        error instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
    if (type == null) {
      return "cannot be read here";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "expected an object of strings";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "expected an array";
    }
    if (type == String.class || type == Character.class || type == char.class) {
      return "expected a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "expected true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "expected a number";
    }
    return "expected an object";
  }

  private static final Pattern EXCEPTION_PREFIX =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error):\\s*");

  /**
   * {@code message} without the Java exception names a parser put before its own words ({@code
   * java.io.CharConversionException: Invalid UTF-8 …}); a fixed sentence if it still names Java.
   */
  static String withoutJavaNames(String message) {
    String cleaned = EXCEPTION_PREFIX.matcher(message == null ? "" : message).replaceAll("");
    return namesJava(cleaned) ? "the body cannot be parsed" : cleaned;
  }

  /** Whether {@code text} names a Java class, package or exception. */
  static boolean namesJava(String text) {
    return text != null && JAVA_NAME.matcher(text).find();
  }
}

package io.nightshift.workflow;

/**
 * One thing wrong with a request: where (a JSON pointer into the body, or {@code ?name} for a query
 * parameter) and what, in a sentence a user can act on.
 *
 * @param path a JSON pointer into the body, or {@code ?name} for a query parameter
 * @param message what is wrong there
 */
public record Violation(String path, String message) {

  /** Appends one reference token to a JSON pointer, escaped as RFC 6901 requires. */
  public static String pointer(String parent, String token) {
    return parent + "/" + token.replace("~", "~0").replace("/", "~1");
  }

  public static String pointer(String parent, int index) {
    return parent + "/" + index;
  }
}

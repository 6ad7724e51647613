package io.nightshift.workflow;

import java.util.OptionalInt;

/** A body that is not well-formed YAML or JSON; says where the parser stopped. */
public class MalformedDefinitionException extends RuntimeException {

  private final int line;
  private final int column;

  public MalformedDefinitionException(String message, int line, int column) {
    super(line > 0 ? "line " + line + ", column " + column + ": " + message : message);
    this.line = line;
    this.column = column;
  }

  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  public OptionalInt column() {
    return line > 0 ? OptionalInt.of(column) : OptionalInt.empty();
  }
}

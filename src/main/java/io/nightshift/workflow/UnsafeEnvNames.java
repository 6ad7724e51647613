package io.nightshift.workflow;

import java.util.Optional;
import java.util.Set;

/**
 * Environment variables no workflow may set, by an env entry or a parameter: those that make the
 * dynamic loader or the shell run code of the caller's choosing before or instead of the step's
 * command, and the {@code NIGHTSHIFT_*} names Nightshift injects. A parameter's value is chosen by
 * whoever starts a run (an operator), so a parameter becoming {@code LD_PRELOAD} or {@code
 * BASH_ENV} would let an operator run any code in the step.
 *
 * <p>Not refused: the variables of language runtimes ({@code PYTHONPATH}, {@code
 * JAVA_TOOL_OPTIONS}, {@code NODE_OPTIONS}, …). Images and definitions set them on purpose (module
 * paths, heap sizes), they reach only that runtime, and an admin who writes the definition chooses
 * the command anyway.
 */
public final class UnsafeEnvNames {

  /**
   * Refused by exact name; also refused: every name starting with {@code LD_} or {@code DYLD_} (the
   * loaders of Linux and macOS), {@code BASH_FUNC_} (bash's exported functions) or {@code
   * NIGHTSHIFT_}.
   */
  static final Set<String> NAMES =
      Set.of(
          "PATH",
          "BASH_ENV",
          "ENV",
          "IFS",
          "CDPATH",
          "PS4",
          "SHELLOPTS",
          "BASHOPTS",
          "GLOBIGNORE",
          "PROMPT_COMMAND",
          "GCONV_PATH");

  private UnsafeEnvNames() {}

  /** Why no workflow may set the environment variable {@code name}, if it may not. */
  public static Optional<String> check(String name) {
    if (name.startsWith(Parameters.RESERVED_ENV_PREFIX)) {
      return Optional.of("the NIGHTSHIFT_ prefix is reserved for injected variables");
    }
    if (name.startsWith("LD_") || name.startsWith("DYLD_")) {
      return Optional.of(
          name + " changes what the dynamic loader loads, and no workflow may set it");
    }
    if (name.startsWith("BASH_FUNC_")) {
      return Optional.of(name + " defines a shell function, and no workflow may set it");
    }
    if (NAMES.contains(name)) {
      return Optional.of(
          name + " changes what the shell or the C library runs, and no workflow may set it");
    }
    return Optional.empty();
  }
}

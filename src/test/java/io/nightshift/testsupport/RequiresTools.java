package io.nightshift.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs programs outside the JVM (Prometheus' {@code promtool}, a browser). Where
 * one is not on the {@code PATH}, the class is skipped with one line naming the program and the
 * command that installs it; under {@code CI=true} a missing program fails the class instead, so CI
 * never passes without running it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ToolCheck.class)
public @interface RequiresTools {

  /** The executables, looked up on the {@code PATH}. */
  String[] value();

  /** The command that installs them, shown when one is missing. */
  String install();
}

package io.nightshift.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Decides {@link RequiresTools}: run, skip with one visible line, or fail under {@code CI=true}.
 */
final class ToolCheck implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("decided for the class");
    }
    Optional<RequiresTools> required =
        AnnotationSupport.findAnnotation(context.getElement(), RequiresTools.class);
    if (required.isEmpty()) {
      return ConditionEvaluationResult.enabled("needs no outside tool");
    }
    ConditionEvaluationResult result =
        decide(required.get(), context.getDisplayName(), System.getenv());
    result
        .getReason()
        .filter(reason -> result.isDisabled())
        .ifPresent(reason -> System.out.println("SKIPPED " + reason));
    return result;
  }

  /** The decision for a class named {@code name} in this environment (its PATH and CI). */
  static ConditionEvaluationResult decide(
      RequiresTools required, String name, Map<String, String> environment) {
    List<String> missing = missing(required.value(), environment);
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("has " + String.join(", ", required.value()));
    }
    String line =
        "%s needs %s, not found on the PATH; install with: %s"
            .formatted(name, String.join(", ", missing), required.install());
    if ("true".equals(environment.get("CI"))) {
      throw new IllegalStateException("CI=true and " + line);
    }
    return ConditionEvaluationResult.disabled(line);
  }

  /** The programs of {@code tools} that no directory of the environment's PATH holds. */
  static List<String> missing(String[] tools, Map<String, String> environment) {
    List<Path> path =
        Arrays.stream(environment.getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .map(Path::of)
            .toList();
    return Arrays.stream(tools)
        .filter(tool -> path.stream().noneMatch(dir -> Files.isExecutable(dir.resolve(tool))))
        .toList();
  }
}

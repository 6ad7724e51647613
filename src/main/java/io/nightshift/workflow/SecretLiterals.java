package io.nightshift.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds secrets written into a definition in clear: a literal value on an env var, or a default on
 * a parameter, whose name looks like a password, token or key. The definition is stored and shown
 * as written, so such a value is readable by every viewer; it belongs in a Secret, referenced with
 * {@code valueFrom.secretKeyRef}. These are warnings, not violations: the name may mislead.
 */
public final class SecretLiterals {

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY"
              + "|CREDENTIAL).*");

  private static final String ADVICE =
      "looks like a secret but has a literal value, which every viewer of this workflow can read;"
          + " use valueFrom.secretKeyRef";

  private SecretLiterals() {}

  /** One message per suspicious value, each starting with its JSON pointer. */
  public static List<String> warnings(Workflow workflow) {
    List<String> warnings = new ArrayList<>();
    WorkflowSpec spec = workflow.spec();
    Map<String, String> parameters = spec.parameters() == null ? Map.of() : spec.parameters();
    parameters.forEach(
        (name, value) -> {
          if (value != null && !value.isEmpty() && looksSecret(Parameters.envName(name))) {
            warnings.add(
                "/spec/parameters/"
                    + name
                    + ": parameter "
                    + name
                    + " looks like a secret but has a literal default, which every viewer of"
                    + " this workflow can read; reference a Secret from the step's env with"
                    + " valueFrom.secretKeyRef instead");
          }
        });
    for (int i = 0; i < spec.steps().size(); i++) {
      Step step = spec.steps().get(i);
      String path = "/spec/steps/" + i;
      List<EnvVar> env = step.env() == null ? List.of() : step.env();
      for (int j = 0; j < env.size(); j++) {
        EnvVar variable = env.get(j);
        check(variable.name(), variable.value(), path + "/env/" + j, warnings);
      }
      if (step.jobTemplate() != null) {
        containers(step.jobSpec(), path + step.jobSpecPointer(), warnings);
      }
    }
    return warnings;
  }

  private static void containers(Map<String, Object> jobSpec, String path, List<String> warnings) {
    Map<?, ?> podSpec = map(map(jobSpec.get("template")).get("spec"));
    for (String kind : List.of("initContainers", "containers")) {
      List<?> containers = list(podSpec.get(kind));
      for (int i = 0; i < containers.size(); i++) {
        List<?> env = list(map(containers.get(i)).get("env"));
        for (int j = 0; j < env.size(); j++) {
          Map<?, ?> variable = map(env.get(j));
          if (variable.get("name") instanceof String name
              && variable.get("value") instanceof String value) {
            check(name, value, path + "/template/spec/" + kind + "/" + i + "/env/" + j, warnings);
          }
        }
      }
    }
  }

  private static void check(String name, String value, String path, List<String> warnings) {
    if (name != null && value != null && !value.isEmpty() && looksSecret(name)) {
      warnings.add(path + ": env var " + name + " " + ADVICE);
    }
  }

  private static boolean looksSecret(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> map ? map : Map.of();
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }
}

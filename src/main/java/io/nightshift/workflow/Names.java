package io.nightshift.workflow;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' naming rules, each returning what is wrong with a name (empty when it is fine), in
 * the words of the Kubernetes API's own messages.
 */
public final class Names {

  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  private Names() {}

  /** A DNS-1123 label of at most {@code maxLength} characters (namespaces, workflows, steps). */
  public static Optional<String> checkDns1123Label(String name, int maxLength) {
    if (name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.length() > maxLength) {
      return Optional.of("must be no more than " + maxLength + " characters");
    }
    if (!DNS1123_LABEL.matcher(name).matches()) {
      return Optional.of(
          "\""
              + name
              + "\" is not a DNS-1123 label: lower case letters, digits and '-', starting and"
              + " ending with a letter or digit (e.g. 'nightly-backup')");
    }
    return Optional.empty();
  }

  /** A DNS-1123 subdomain (service account names). */
  public static Optional<String> checkDns1123Subdomain(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return Optional.of("must be 1 to 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
      return Optional.of(
          "\""
              + name
              + "\" is not a DNS-1123 subdomain: lower case letters, digits, '-' and '.',"
              + " starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  /** A label or annotation key: an optional DNS subdomain prefix and '/', then a name. */
  public static Optional<String> checkQualifiedName(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (checkDns1123Subdomain(prefix).isPresent()) {
        return Optional.of("the prefix of \"" + key + "\" must be a DNS-1123 subdomain");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
      return Optional.of(
          "\""
              + key
              + "\" is not a valid key: at most 63 letters, digits, '-', '_' or '.',"
              + " starting and ending with a letter or digit, after an optional prefix and '/'");
    }
    return Optional.empty();
  }

  public static Optional<String> checkLabelValue(String value) {
    if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
      return Optional.of(
          "\""
              + value
              + "\" is not a valid label value: at most 63 letters, digits, '-', '_' or '.',"
              + " starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  public static Optional<String> checkEnvVarName(String name) {
    if (!ENV_VAR_NAME.matcher(name).matches()) {
      return Optional.of(
          "\""
              + name
              + "\" is not a valid environment variable name: letters, digits, '_', '-' or '.',"
              + " not starting with a digit");
    }
    return Optional.empty();
  }
}

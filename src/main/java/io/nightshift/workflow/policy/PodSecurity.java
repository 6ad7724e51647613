package io.nightshift.workflow.policy;

import io.nightshift.workflow.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The controls of the Kubernetes Pod Security Standards (the "latest" version, as of Kubernetes
 * 1.30 and later) over a pod template as a step's {@code jobTemplate} writes it: a tree of maps and
 * lists, which may hold anything the binder let through, so every value is looked at for its type
 * first. Each finding names the lowest level that forbids it; which findings count is the caller's
 * business.
 */
final class PodSecurity {

  /** Something a level forbids: where, under which control, and what is wrong with it. */
  record Finding(Level forbiddenFrom, String control, String path, String problem) {}

  static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  static final Set<String> SELINUX_TYPES =
      Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");

  static final Set<String> RESTRICTED_VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private static final List<String> CONTAINER_KINDS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private static final String APPARMOR_ANNOTATION =
      "container.apparmor.security.beta.kubernetes.io/";

  private final List<Finding> findings = new ArrayList<>();

  private PodSecurity() {}

  /** Every finding on the pod template {@code template}, found at the JSON pointer {@code path}. */
  static List<Finding> check(Object template, String path) {
    PodSecurity check = new PodSecurity();
    if (template instanceof Map<?, ?> pod) {
      check.pod(pod, path);
    }
    return check.findings;
  }

  private void pod(Map<?, ?> template, String path) {
    if (map(template.get("metadata")).get("annotations") instanceof Map<?, ?> annotations) {
      annotations.forEach(
          (key, value) -> {
            if (key instanceof String name && name.startsWith(APPARMOR_ANNOTATION)) {
              String profile = String.valueOf(value);
              if (!profile.equals("runtime/default") && !profile.startsWith("localhost/")) {
                baseline(
                    "AppArmor",
                    Violation.pointer(path + "/metadata/annotations", name),
                    "\"" + profile + "\" is not allowed: only runtime/default or localhost/*");
              }
            }
          });
    }
    Map<?, ?> spec = map(template.get("spec"));
    String specPath = path + "/spec";
    boolean windows = "windows".equals(map(spec.get("os")).get("name"));
    for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (isSet(spec.get(field))) {
        baseline("Host Namespaces", specPath + "/" + field, "must be unset or false");
      }
    }
    volumes(spec.get("volumes"), specPath + "/volumes");
    Map<?, ?> podContext = map(spec.get("securityContext"));
    String podContextPath = specPath + "/securityContext";
    commonContext(podContext, podContextPath);
    if (podContext.get("sysctls") instanceof List<?> sysctls) {
      for (int i = 0; i < sysctls.size(); i++) {
        Object name = map(sysctls.get(i)).get("name");
        if (!SAFE_SYSCTLS.contains(name)) {
          baseline(
              "Sysctls",
              podContextPath + "/sysctls/" + i + "/name",
              "\"" + name + "\" is not one of the safe sysctls: " + sorted(SAFE_SYSCTLS));
        }
      }
    }

    List<String> withoutNonRoot = new ArrayList<>();
    List<String> withoutSeccomp = new ArrayList<>();
    for (String kind : CONTAINER_KINDS) {
      if (!(spec.get(kind) instanceof List<?> containers)) {
        continue;
      }
      for (int i = 0; i < containers.size(); i++) {
        String at = specPath + "/" + kind + "/" + i;
        Map<?, ?> container = map(containers.get(i));
        Map<?, ?> context = map(container.get("securityContext"));
        String contextPath = at + "/securityContext";
        container(container, at, context, contextPath, windows);
        if (context.get("runAsNonRoot") == null) {
          withoutNonRoot.add(kind + "/" + i);
        }
        if (map(context.get("seccompProfile")).get("type") == null) {
          withoutSeccomp.add(kind + "/" + i);
        }
      }
    }
    if (!Boolean.TRUE.equals(podContext.get("runAsNonRoot")) && !withoutNonRoot.isEmpty()) {
      restricted(
          "Running as Non-root",
          podContextPath + "/runAsNonRoot",
          "must be true, here or on every container ("
              + String.join(", ", withoutNonRoot)
              + " does not set it)");
    }
    if (!windows
        && map(podContext.get("seccompProfile")).get("type") == null
        && !withoutSeccomp.isEmpty()) {
      restricted(
          "Seccomp",
          podContextPath + "/seccompProfile/type",
          "must be RuntimeDefault or Localhost, here or on every container ("
              + String.join(", ", withoutSeccomp)
              + " does not set it)");
    }
  }

  private void volumes(Object volumes, String path) {
    if (!(volumes instanceof List<?> list)) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      for (Object key : map(list.get(i)).keySet()) {
        String at = Violation.pointer(path + "/" + i, String.valueOf(key));
        if ("hostPath".equals(key)) {
          baseline("HostPath Volumes", at, "a hostPath volume is not allowed");
        } else if (!"name".equals(key) && !RESTRICTED_VOLUME_TYPES.contains(key)) {
          restricted(
              "Volume Types",
              at,
              "a " + key + " volume is not allowed: only " + sorted(RESTRICTED_VOLUME_TYPES));
        }
      }
    }
  }

  /** The controls a pod's and a container's securityContext share. */
  private void commonContext(Map<?, ?> context, String path) {
    if (isSet(map(context.get("windowsOptions")).get("hostProcess"))) {
      baseline("HostProcess", path + "/windowsOptions/hostProcess", "must be unset or false");
    }
    Object appArmor = map(context.get("appArmorProfile")).get("type");
    if (appArmor != null && !appArmor.equals("RuntimeDefault") && !appArmor.equals("Localhost")) {
      baseline(
          "AppArmor",
          path + "/appArmorProfile/type",
          "\"" + appArmor + "\" is not allowed: only RuntimeDefault or Localhost");
    }
    Map<?, ?> seLinux = map(context.get("seLinuxOptions"));
    Object type = seLinux.get("type");
    if (type != null && !"".equals(type) && !SELINUX_TYPES.contains(type)) {
      baseline(
          "SELinux",
          path + "/seLinuxOptions/type",
          "\"" + type + "\" is not allowed: only " + sorted(SELINUX_TYPES));
    }
    for (String field : List.of("user", "role")) {
      Object value = seLinux.get(field);
      if (value != null && !"".equals(value)) {
        baseline("SELinux", path + "/seLinuxOptions/" + field, "must be unset");
      }
    }
    Object seccomp = map(context.get("seccompProfile")).get("type");
    if (seccomp != null) {
      if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
        Finding finding =
            new Finding(
                seccomp.equals("Unconfined") ? Level.BASELINE : Level.RESTRICTED,
                "Seccomp",
                path + "/seccompProfile/type",
                "\"" + seccomp + "\" is not allowed: only RuntimeDefault or Localhost");
        findings.add(finding);
      }
    }
    Object runAsNonRoot = context.get("runAsNonRoot");
    if (runAsNonRoot != null && !Boolean.TRUE.equals(runAsNonRoot)) {
      restricted("Running as Non-root", path + "/runAsNonRoot", "must be true or unset");
    }
    Object runAsUser = context.get("runAsUser");
    if (runAsUser instanceof Number user && user.longValue() == 0) {
      restricted("Running as Non-root user", path + "/runAsUser", "must not be 0 (root)");
    }
  }

  private void container(
      Map<?, ?> container, String path, Map<?, ?> context, String contextPath, boolean windows) {
    commonContext(context, contextPath);
    if (isSet(context.get("privileged"))) {
      baseline("Privileged Containers", contextPath + "/privileged", "must be unset or false");
    }
    Object procMount = context.get("procMount");
    if (procMount != null && !procMount.equals("Default")) {
      baseline("/proc Mount Type", contextPath + "/procMount", "must be unset or Default");
    }
    if (container.get("ports") instanceof List<?> ports) {
      for (int j = 0; j < ports.size(); j++) {
        Object hostPort = map(ports.get(j)).get("hostPort");
        if (hostPort != null && !(hostPort instanceof Number number && number.longValue() == 0)) {
          baseline("Host Ports", path + "/ports/" + j + "/hostPort", "must be unset or 0");
        }
      }
    }
    Map<?, ?> capabilities = map(context.get("capabilities"));
    String capabilitiesPath = contextPath + "/capabilities";
    if (capabilities.get("add") instanceof List<?> added) {
      for (int j = 0; j < added.size(); j++) {
        Object capability = added.get(j);
        String at = capabilitiesPath + "/add/" + j;
        if (!BASELINE_CAPABILITIES.contains(capability)) {
          baseline(
              "Capabilities",
              at,
              "\"" + capability + "\" may not be added: only " + sorted(BASELINE_CAPABILITIES));
        } else if (!windows && !"NET_BIND_SERVICE".equals(capability)) {
          restricted(
              "Capabilities", at, "\"" + capability + "\" may not be added: only NET_BIND_SERVICE");
        }
      }
    }
    if (windows) {
      return; // Privilege Escalation and the dropping of capabilities do not apply to Windows pods
    }
    boolean dropsAll =
        capabilities.get("drop") instanceof List<?> dropped && dropped.contains("ALL");
    if (!dropsAll) {
      restricted("Capabilities", capabilitiesPath + "/drop", "must include ALL");
    }
    if (!Boolean.FALSE.equals(context.get("allowPrivilegeEscalation"))) {
      restricted(
          "Privilege Escalation", contextPath + "/allowPrivilegeEscalation", "must be false");
    }
  }

  private void baseline(String control, String path, String problem) {
    findings.add(new Finding(Level.BASELINE, control, path, problem));
  }

  private void restricted(String control, String path, String problem) {
    findings.add(new Finding(Level.RESTRICTED, control, path, problem));
  }

  /** Set to anything but false: a string "true" counts too, so that nothing slips through. */
  private static boolean isSet(Object value) {
    return value != null && !Boolean.FALSE.equals(value);
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> map ? map : Map.of();
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList());
  }
}

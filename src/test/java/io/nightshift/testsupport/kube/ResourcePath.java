package io.nightshift.testsupport.kube;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * A Kubernetes API path taken apart: {@code /api/v1/namespaces/ns/pods/p/log} is the core v1 {@code
 * pods} resource, namespace {@code ns}, object {@code p}, subresource {@code log}.
 *
 * @param type the resource the path addresses
 * @param namespace the namespace, or null for cluster-scoped or all-namespaces paths
 * @param name the object's name, or null for a collection
 * @param subresource such as {@code status} or {@code log}, or null
 */
record ResourcePath(ResourceType type, String namespace, String name, String subresource) {

  /** Subresources of a Namespace object, which would otherwise read as a namespaced collection. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /**
   * One kind of resource, identified as the API server routes it.
   *
   * @param groupVersionPath {@code /api/v1} for the core group, else {@code /apis/GROUP/VERSION}
   * @param plural the resource's plural name, such as {@code jobs}
   */
  record ResourceType(String groupVersionPath, String plural) {

    static final ResourceType JOBS = new ResourceType("/apis/batch/v1", "jobs");
    static final ResourceType PODS = new ResourceType("/api/v1", "pods");

    /** The API group, empty for the core group. */
    String group() {
      return groupVersionPath.startsWith("/apis/") ? groupVersionPath.split("/")[2] : "";
    }

    /** The name used in API server messages, such as {@code jobs.batch} or {@code pods}. */
    String qualifiedName() {
      return group().isEmpty() ? plural : plural + "." + group();
    }
  }

  /** Parses a request path (a query string, if any, is ignored); empty if it is no resource. */
  static Optional<ResourcePath> parse(String path) {
    int query = path.indexOf('?');
    String[] segments =
        Arrays.stream((query < 0 ? path : path.substring(0, query)).split("/"))
            .filter(segment -> !segment.isEmpty())
            .toArray(String[]::new);
    int restStart;
    String groupVersionPath;
    if (segments.length >= 3 && segments[0].equals("api")) {
      groupVersionPath = "/api/" + segments[1];
      restStart = 2;
    } else if (segments.length >= 4 && segments[0].equals("apis")) {
      groupVersionPath = "/apis/" + segments[1] + "/" + segments[2];
      restStart = 3;
    } else {
      return Optional.empty();
    }
    String[] rest = Arrays.copyOfRange(segments, restStart, segments.length);
    boolean namespaced =
        rest.length >= 3
            && rest[0].equals("namespaces")
            && !(rest.length == 3 && NAMESPACE_SUBRESOURCES.contains(rest[2]));
    int plural = namespaced ? 2 : 0;
    if (rest.length > plural + 3) {
      return Optional.empty();
    }
    return Optional.of(
        new ResourcePath(
            new ResourceType(groupVersionPath, rest[plural]),
            namespaced ? rest[1] : null,
            rest.length > plural + 1 ? rest[plural + 1] : null,
            rest.length > plural + 2 ? rest[plural + 2] : null));
  }

  boolean isCollection() {
    return name == null;
  }
}

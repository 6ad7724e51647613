package io.nightshift.testsupport.kube;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every POST of a Job through the front: the attempts, and which of them created one. */
final class JobCreations {

  private record JobName(String namespace, String name) {}

  private final Map<JobName, Integer> attempts = new HashMap<>();
  private final Map<String, List<String>> created = new HashMap<>();

  synchronized void attempted(String namespace, String name) {
    attempts.merge(new JobName(namespace, name), 1, Integer::sum);
  }

  synchronized void created(String namespace, String name) {
    created.computeIfAbsent(namespace, ignored -> new ArrayList<>()).add(name);
  }

  synchronized int attempts(String namespace, String name) {
    return attempts.getOrDefault(new JobName(namespace, name), 0);
  }

  synchronized List<String> created(String namespace) {
    return List.copyOf(created.getOrDefault(namespace, List.of()));
  }
}

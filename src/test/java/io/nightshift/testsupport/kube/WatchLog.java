package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.kube.ResourcePath.ResourceType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Every change the mock stored, in order, and the watches that follow them: the watch cache of this
 * fake API server.
 *
 * <p>The history is what lets a watch start at a {@code resourceVersion}: a client that listed at
 * version 7 and watches from 7 gets every change after 7, including those made between its list and
 * its watch, which a watch opened on the mock at that moment would miss.
 */
final class WatchLog {

  /** One line of a watch stream. */
  record WatchEvent(String type, JsonNode object) {}

  /**
   * What one watch asks for.
   *
   * @param namespace null for all namespaces
   */
  record WatchFilter(ResourceType type, String namespace, Selector selector) {

    boolean covers(ResourceType changed, JsonNode object) {
      return type.equals(changed)
          && (namespace == null || namespace.equals(KubeJson.namespace(object).orElse(null)))
          && selector.matches(object);
    }
  }

  private enum ChangeType {
    ADDED,
    MODIFIED,
    DELETED
  }

  /** A stored change; {@code previous} is the object before it, null for an addition. */
  private record Change(
      ResourceType type,
      ChangeType changeType,
      long resourceVersion,
      ObjectNode object,
      ObjectNode previous) {}

  private record ObjectKey(ResourceType type, String namespace, String name) {}

  private static final WatchEvent END = new WatchEvent("END", null);

  private final List<Change> history = new ArrayList<>();
  private final Map<ObjectKey, ObjectNode> current = new HashMap<>();
  private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();
  private boolean closed;

  /**
   * Records a change the mock has just stored; called under the mock's write lock, so changes
   * arrive in the order of their resource versions.
   *
   * @param path the request path that caused the change
   * @param before the stored JSON before, null for a creation
   * @param after the stored JSON after, null for a deletion
   * @param deletionResourceVersion a fresh resource version for a deletion, which the mock does not
   *     give one (the API server does)
   */
  void record(String path, String before, String after, long deletionResourceVersion) {
    Optional<ResourcePath> resourcePath = ResourcePath.parse(path);
    if (resourcePath.isEmpty() || (before == null && after == null)) {
      return;
    }
    ResourceType type = resourcePath.get().type();
    ObjectNode previous = before == null ? null : KubeJson.object(before);
    Change change;
    if (after == null) {
      ObjectNode gone = previous.deepCopy();
      ((ObjectNode) gone.path("metadata"))
          .put("resourceVersion", Long.toString(deletionResourceVersion));
      change = new Change(type, ChangeType.DELETED, deletionResourceVersion, gone, previous);
    } else {
      ObjectNode object = KubeJson.object(after);
      ChangeType changeType = previous == null ? ChangeType.ADDED : ChangeType.MODIFIED;
      change = new Change(type, changeType, KubeJson.resourceVersion(object), object, previous);
    }
    synchronized (this) {
      history.add(change);
      ObjectKey key = key(type, change.object());
      if (change.changeType() == ChangeType.DELETED) {
        current.remove(key);
      } else {
        current.put(key, change.object());
      }
      subscriptions.forEach(subscription -> subscription.offer(change));
    }
  }

  /** The object as last stored, if it exists. */
  synchronized Optional<ObjectNode> current(ResourceType type, String namespace, String name) {
    return Optional.ofNullable(current.get(new ObjectKey(type, namespace, name)));
  }

  /**
   * Starts a watch. Without a resource version (or with "0") it first lists what exists as {@code
   * ADDED} events, as the API server does; with one it replays the changes made after it.
   */
  synchronized Subscription subscribe(WatchFilter filter, OptionalLong since) {
    Subscription subscription = new Subscription(filter);
    if (closed) {
      subscription.end();
      return subscription;
    }
    if (since.isEmpty()) {
      current.entrySet().stream()
          .filter(entry -> filter.covers(entry.getKey().type(), entry.getValue()))
          .map(Map.Entry::getValue)
          .sorted(Comparator.comparingLong(KubeJson::resourceVersion))
          .forEach(object -> subscription.events.add(new WatchEvent("ADDED", object)));
    } else {
      history.stream()
          .filter(change -> change.resourceVersion() > since.getAsLong())
          .forEach(subscription::offer);
    }
    subscriptions.add(subscription);
    return subscription;
  }

  /** Ends the watches open now; their streams close, and later watches are served as usual. */
  synchronized void endOpenWatches() {
    subscriptions.forEach(Subscription::end);
  }

  /** Ends every watch; their streams close. */
  synchronized void close() {
    closed = true;
    subscriptions.forEach(Subscription::end);
  }

  private static ObjectKey key(ResourceType type, JsonNode object) {
    return new ObjectKey(
        type, KubeJson.namespace(object).orElse(null), KubeJson.name(object).orElse(null));
  }

  /** One watch's queue of events, in the order the changes happened. */
  final class Subscription implements AutoCloseable {

    private final WatchFilter filter;
    private final BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private Subscription(WatchFilter filter) {
      this.filter = filter;
    }

    /**
     * The next event, waiting at most {@code timeout}; empty once the watch has timed out or the
     * fake is closing.
     */
    Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
      if (ended && events.isEmpty()) {
        return Optional.empty();
      }
      WatchEvent event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (event == END) {
        ended = true;
        return Optional.empty();
      }
      return Optional.ofNullable(event);
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }

    private void end() {
      events.add(END);
    }

    /**
     * Queues what this watch sees of a change. A label change that moves an object into or out of
     * the selection reads as ADDED or DELETED, as on a real API server.
     */
    private void offer(Change change) {
      boolean wasSeen =
          change.previous() != null && filter.covers(change.type(), change.previous());
      boolean isSeen = filter.covers(change.type(), change.object());
      String type =
          switch (change.changeType()) {
            case ADDED -> isSeen ? "ADDED" : null;
            case DELETED -> wasSeen ? "DELETED" : null;
            case MODIFIED -> {
              if (wasSeen && isSeen) {
                yield "MODIFIED";
              }
              yield isSeen ? "ADDED" : wasSeen ? "DELETED" : null;
            }
          };
      if (type != null) {
        events.add(new WatchEvent(type, change.object()));
      }
    }
  }
}

package io.nightshift.testsupport.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.Map;
import java.util.Objects;

/**
 * fabric8's CRUD dispatcher, which also hands every stored change to a {@link WatchLog}.
 *
 * <p>Why not a fabric8 watch on the mock: its events arrive over a WebSocket, after the write that
 * caused them has answered, and a deletion keeps the object's old resource version. Here the change
 * is logged under the mock's write lock, before the response goes out, and a deletion gets a fresh
 * resource version, so a client's list-then-watch neither misses nor repeats a change.
 */
final class RecordingCrudDispatcher extends KubernetesCrudDispatcher {

  private final WatchLog log;

  RecordingCrudDispatcher(WatchLog log) {
    this.log = log;
  }

  /** Every create, update, patch and delete of the mock ends here, holding its write lock. */
  @Override
  public void processEvent(
      String path,
      AttributeSet oldKey,
      AttributeSet newKey,
      GenericKubernetesResource resource,
      String newValue) {
    Map.Entry<AttributeSet, String> stored = oldKey == null ? null : findResource(oldKey);
    String before = stored == null ? null : stored.getValue();
    super.processEvent(path, oldKey, newKey, resource, newValue);
    if (!Objects.equals(before, newValue)) {
      log.record(path, before, newValue, newValue == null ? requestResourceVersion() : 0);
    }
  }
}

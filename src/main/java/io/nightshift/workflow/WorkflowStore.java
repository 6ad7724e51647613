package io.nightshift.workflow;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where definitions are kept, one row per workflow; the store implements it. Every change reads and
 * writes its row in one transaction.
 */
public interface WorkflowStore {

  /** The outcome of {@link #change}. */
  record Change(StoredWorkflow row, boolean created, boolean changed) {}

  Optional<StoredWorkflow> find(String namespace, String name);

  /**
   * Workflows ordered by namespace and name, after the given key (exclusive) when there is one.
   *
   * @param namespaces only these namespaces, or all when null
   */
  List<StoredWorkflow> list(
      Collection<String> namespaces, String afterNamespace, String afterName, int limit);

  /**
   * Reads the row (locked), lets {@code decide} compute its new state, and writes it: an insert
   * when there was none, an update when it differs, nothing when it is the same. Then calls {@code
   * afterWrite} inside the same transaction when something was written: what it does commits or
   * rolls back with the change. {@code decide} may throw to refuse the change; nothing is written
   * then.
   */
  Change change(
      String namespace,
      String name,
      Function<Optional<StoredWorkflow>, StoredWorkflow> decide,
      Consumer<Change> afterWrite);

  /**
   * Deletes the row, and its runs with it; {@code beforeDelete} and {@code afterDelete} run in the
   * same transaction when there is a row, before and after the delete.
   */
  boolean delete(String namespace, String name, Runnable beforeDelete, Runnable afterDelete);
}

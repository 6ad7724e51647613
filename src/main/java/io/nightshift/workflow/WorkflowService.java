package io.nightshift.workflow;

import io.nightshift.workflow.DefinitionCodec.Format;
import io.nightshift.workflow.cron.CronSchedule;
import io.nightshift.workflow.policy.JobPolicy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Workflow definitions: parse, validate, store, read. A definition that breaks any rule is rejected
 * whole, before the store is touched.
 */
@Singleton
public class WorkflowService {

  private final WorkflowStore repository;
  private final DefinitionCodec codec;
  private final WorkflowValidator validator = new WorkflowValidator();
  private final JobPolicy policy;
  private final Clock clock;
  private final List<WorkflowChangeListener> listeners;

  public WorkflowService(
      WorkflowStore repository,
      DefinitionCodec codec,
      JobPolicy policy,
      Clock clock,
      List<WorkflowChangeListener> listeners) {
    this.repository = repository;
    this.codec = codec;
    this.policy = policy;
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * What {@link #apply} did, or would do on a dry run.
   *
   * @param workflow as stored (or as it would be)
   * @param created there was no such workflow
   * @param changed something was written: false when what was sent is what was stored
   */
  public record Applied(Workflow workflow, boolean created, boolean changed) {}

  /** Creates or replaces the workflow: {@link #apply(String, String, byte[], Format, boolean)}. */
  public Applied apply(String namespace, String name, byte[] body, Format format) {
    return apply(namespace, name, body, format, false);
  }

  /**
   * Creates or replaces the workflow the URL names with the definition in {@code body}. On a dry
   * run every check is made and the answer is the same, but nothing is written and no listener
   * hears of it.
   *
   * @throws MalformedDefinitionException when the body is not YAML or JSON
   * @throws InvalidDefinitionException with every violation, when it breaks any rule or the Job
   *     policy
   * @throws ConflictException when the body's resourceVersion is not the stored one
   */
  public Applied apply(String namespace, String name, byte[] body, Format format, boolean dryRun) {
    List<Violation> violations = new ArrayList<>();
    Workflow parsed = codec.read(body, format, violations);
    Workflow workflow = identify(parsed, namespace, name, violations);
    violations.addAll(validator.validate(workflow, violations));
    // A pass of its own: what the pods may do is a matter of configuration, not of the format.
    violations.addAll(policy.check(workflow));
    if (!violations.isEmpty()) {
      throw new InvalidDefinitionException(violations);
    }
    String expectedVersion = workflow.metadata().resourceVersion();
    Workflow definition = workflow.withMetadata(workflow.metadata().userFields());
    String json = codec.writeJson(definition);
    Function<Optional<StoredWorkflow>, StoredWorkflow> decide =
        current -> {
          checkVersion(current, expectedVersion, namespace, name);
          Instant now = now();
          if (current.isEmpty()) {
            return new StoredWorkflow(namespace, name, UUID.randomUUID(), 1, 1, json, now, now);
          }
          return replace(current.get(), definition, json, now);
        };
    WorkflowStore.Change change =
        dryRun
            ? unwritten(namespace, name, decide)
            : repository.change(namespace, name, decide, this::notifyApplied);
    return new Applied(toWorkflow(change.row()), change.created(), change.changed());
  }

  /**
   * What {@link WorkflowStore#change} would do with {@code decide}, decided on the row as it is
   * now, without locking or writing it.
   */
  private WorkflowStore.Change unwritten(
      String namespace, String name, Function<Optional<StoredWorkflow>, StoredWorkflow> decide) {
    Optional<StoredWorkflow> current = repository.find(namespace, name);
    StoredWorkflow next = decide.apply(current);
    return new WorkflowStore.Change(
        next, current.isEmpty(), current.map(row -> !row.equals(next)).orElse(true));
  }

  public Optional<Workflow> find(String namespace, String name) {
    return repository.find(namespace, name).map(this::toWorkflow);
  }

  public Workflow get(String namespace, String name) {
    return repository
        .find(namespace, name)
        .map(this::toWorkflow)
        .orElseThrow(() -> new WorkflowNotFoundException(namespace, name));
  }

  /** A page of workflows: those after {@code cursor} in (namespace, name) order. */
  public record Page(List<Workflow> items, Optional<WorkflowKey> next) {}

  /** Where a listing stands: the last (namespace, name) returned. */
  public record WorkflowKey(String namespace, String name) {}

  /**
   * A page of the workflows in {@code namespaces} (all when empty) after {@code after}, in
   * (namespace, name) order.
   */
  public Page list(Optional<Set<String>> namespaces, Optional<WorkflowKey> after, int limit) {
    // One more than asked tells whether there is a next page without a second query.
    List<StoredWorkflow> rows =
        repository.list(
            namespaces.orElse(null),
            after.map(WorkflowKey::namespace).orElse(null),
            after.map(WorkflowKey::name).orElse(null),
            limit + 1);
    List<Workflow> items = rows.stream().limit(limit).map(this::toWorkflow).toList();
    Optional<WorkflowKey> next =
        rows.size() > limit
            ? Optional.of(
                new WorkflowKey(items.get(limit - 1).namespace(), items.get(limit - 1).name()))
            : Optional.empty();
    return new Page(items, next);
  }

  public void delete(String namespace, String name) {
    Runnable notifyDeleting = () -> listeners.forEach(l -> l.deleting(namespace, name));
    Runnable notifyDeleted = () -> listeners.forEach(l -> l.deleted(namespace, name));
    if (!repository.delete(namespace, name, notifyDeleting, notifyDeleted)) {
      throw new WorkflowNotFoundException(namespace, name);
    }
    listeners.forEach(l -> l.deleteCommitted(namespace, name));
  }

  /** Sets {@code spec.suspend}; a no-op when it already has that value. */
  public Workflow setSuspended(String namespace, String name, boolean suspend) {
    WorkflowStore.Change change =
        repository.change(
            namespace,
            name,
            current -> {
              StoredWorkflow row =
                  current.orElseThrow(() -> new WorkflowNotFoundException(namespace, name));
              Workflow workflow = codec.readStored(row.definition());
              Workflow changed = workflow.withSpec(workflow.spec().withSuspend(suspend));
              return replace(row, changed, codec.writeJson(changed), now());
            },
            this::notifyApplied);
    return toWorkflow(change.row());
  }

  /** The schedule of a workflow and its next fire times after {@code from}. */
  public record Preview(Workflow workflow, List<Instant> times) {}

  public Preview preview(String namespace, String name, Instant from, int count) {
    Workflow workflow = get(namespace, name);
    String schedule = workflow.spec().schedule();
    List<Instant> times =
        schedule == null
            ? List.of()
            : CronSchedule.parse(schedule).next(from, ZoneId.of(workflow.spec().timeZone()), count);
    return new Preview(workflow, times);
  }

  /** Now, to the microsecond that PostgreSQL keeps, so a response and a later read agree. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * The URL names the workflow; the body may leave name and namespace out, but may not say
   * otherwise.
   */
  private static Workflow identify(
      Workflow workflow, String namespace, String name, List<Violation> violations) {
    WorkflowMetadata metadata = workflow.metadata();
    if (metadata == null) {
      metadata = new WorkflowMetadata(null, null, null, null, null, null, null, null);
    }
    if (metadata.name() != null && !metadata.name().equals(name)) {
      violations.add(
          new Violation(
              "/metadata/name",
              "is \"" + metadata.name() + "\" but the URL names \"" + name + "\""));
    }
    if (metadata.namespace() != null && !metadata.namespace().equals(namespace)) {
      violations.add(
          new Violation(
              "/metadata/namespace",
              "is \"" + metadata.namespace() + "\" but the URL names \"" + namespace + "\""));
    }
    return workflow.withMetadata(metadata.withName(name, namespace));
  }

  private static void checkVersion(
      Optional<StoredWorkflow> current, String expected, String namespace, String name) {
    if (expected == null) {
      return;
    }
    String actual = current.map(row -> Long.toString(row.resourceVersion())).orElse(null);
    if (!expected.equals(actual)) {
      throw new ConflictException(
          actual == null
              ? "workflow \""
                  + name
                  + "\" in namespace \""
                  + namespace
                  + "\" does not exist, so metadata.resourceVersion "
                  + expected
                  + " cannot match; leave it out to create it"
              : "metadata.resourceVersion is "
                  + expected
                  + " but the stored workflow is at "
                  + actual
                  + ": it was changed since you read it; read it again and reapply your change");
    }
  }

  /** The row after replacing its definition; generation counts spec changes, as in Kubernetes. */
  private StoredWorkflow replace(
      StoredWorkflow current, Workflow definition, String json, Instant now) {
    if (current.definition().equals(json)) {
      return current;
    }
    WorkflowSpec currentSpec = codec.readStored(current.definition()).spec();
    boolean specChanged =
        !Objects.equals(codec.writeJson(currentSpec), codec.writeJson(definition.spec()));
    return new StoredWorkflow(
        current.namespace(),
        current.name(),
        current.uid(),
        current.generation() + (specChanged ? 1 : 0),
        current.resourceVersion() + 1,
        json,
        current.createdAt(),
        now);
  }

  private void notifyApplied(WorkflowStore.Change change) {
    Workflow workflow = toWorkflow(change.row());
    listeners.forEach(listener -> listener.applied(workflow));
  }

  private Workflow toWorkflow(StoredWorkflow row) {
    Workflow definition = codec.readStored(row.definition());
    return definition.withMetadata(
        definition
            .metadata()
            .withServerFields(
                row.uid().toString(), row.resourceVersion(), row.generation(), row.createdAt()));
  }
}

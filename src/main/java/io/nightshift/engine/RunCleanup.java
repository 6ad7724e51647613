package io.nightshift.engine;

import io.nightshift.executor.Executor;
import io.nightshift.run.Attempt;
import io.nightshift.run.RunStore;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowChangeListener;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deleted workflow takes its runs with it, and what they left: its running Jobs or processes are
 * stopped and deleted, its ended ones and their logs removed. The attempts are listed inside the
 * delete's transaction, while the runs still exist, and deleted once it has committed, on the
 * {@link Effects} threads: a delete that rolls back leaves every Job in place.
 */
@Singleton
class RunCleanup implements WorkflowChangeListener {

  private final RunStore runs;
  private final Executor executor;
  private final Effects effects;
  private final Map<String, List<Attempt>> doomed = new ConcurrentHashMap<>();

  RunCleanup(RunStore runs, Executor executor, Effects effects) {
    this.runs = runs;
    this.executor = executor;
    this.effects = effects;
  }

  @Override
  public void applied(Workflow workflow) {}

  @Override
  public void deleting(String namespace, String name) {
    doomed.put(namespace + "/" + name, runs.attemptsOf(namespace, name));
  }

  @Override
  public void deleted(String namespace, String name) {}

  @Override
  public void deleteCommitted(String namespace, String name) {
    List<Attempt> attempts = doomed.remove(namespace + "/" + name);
    if (attempts == null) {
      return;
    }
    for (Attempt attempt : attempts) {
      for (String job : JobNames.upTo(attempt)) {
        effects.submit(namespace + "/" + job, () -> executor.delete(namespace, job));
      }
    }
  }
}

package io.nightshift.engine;

import io.nightshift.executor.Executor;
import io.nightshift.store.RunRepository;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowChangeListener;
import jakarta.inject.Singleton;

/**
 * A deleted workflow takes its runs with it, and what they left: its running Jobs or processes are
 * stopped and deleted, its ended ones and their logs removed.
 */
@Singleton
class RunCleanup implements WorkflowChangeListener {

  private final RunRepository runs;
  private final Executor executor;

  RunCleanup(RunRepository runs, Executor executor) {
    this.runs = runs;
    this.executor = executor;
  }

  @Override
  public void applied(Workflow workflow) {}

  @Override
  public void deleting(String namespace, String name) {
    for (RunRepository.Attempt attempt : runs.attemptsOf(namespace, name)) {
      JobNames.upTo(attempt).forEach(job -> executor.delete(namespace, job));
    }
  }

  @Override
  public void deleted(String namespace, String name) {}
}

package io.nightshift.api;

import io.micronaut.security.authentication.Authentication;
import io.nightshift.engine.RunService.RunNotFoundException;
import io.nightshift.engine.RunService.RunView;
import io.nightshift.security.Caller;
import io.nightshift.workflow.WorkflowNotFoundException;

/**
 * A caller confined to some namespaces sees nothing outside them: what it may not see is answered
 * exactly like what does not exist, so a 404 tells it nothing about other teams' workflows. What
 * spans every namespace needs a caller confined to none.
 */
final class Visibility {

  private Visibility() {}

  /** Throws the not-found of the workflow when the caller may not see its namespace. */
  static void workflow(Authentication authentication, String namespace, String name) {
    if (!Caller.of(authentication).sees(namespace)) {
      throw new WorkflowNotFoundException(namespace, name);
    }
  }

  /**
   * The caller, when it sees every namespace: token management and the audit reach across all of
   * them, so a caller confined to some is refused with 403.
   */
  static Caller unscoped(Authentication authentication) {
    Caller caller = Caller.of(authentication);
    if (caller.scoped()) {
      throw new ForbiddenException(
          caller.name() + " is confined to some namespaces; this needs an admin that sees all");
    }
    return caller;
  }

  /** The run, or the not-found of a run that does not exist when the caller may not see it. */
  static RunView run(Authentication authentication, RunView run) {
    if (!Caller.of(authentication).sees(run.run().namespace())) {
      throw new RunNotFoundException(run.run().id());
    }
    return run;
  }
}

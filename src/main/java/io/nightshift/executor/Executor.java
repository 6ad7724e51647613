package io.nightshift.executor;

import io.nightshift.workflow.Step;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Where steps run: a Kubernetes Job per step, or a local process for trying workflows on a laptop.
 * The engine speaks only to this interface.
 */
public interface Executor extends AutoCloseable {

  /**
   * One attempt of one step: its deterministic name, the run it belongs to, its definition, its
   * whole environment, and when the engine decided that it starts ({@code admitted}), from which
   * the executor measures its launch lag.
   */
  record Launch(
      String name,
      String runId,
      String namespace,
      Step step,
      Map<String, String> env,
      Instant admitted) {

    /** The workflow the attempt belongs to, as its injected {@code NIGHTSHIFT_WORKFLOW} says. */
    public String workflow() {
      return env.get("NIGHTSHIFT_WORKFLOW");
    }
  }

  /**
   * How an attempt ended; reason and message say why when it did not succeed. {@code exitCode} is
   * the code its process or failing container exited with, empty when the executor does not know it
   * (the attempt never started, was killed, or left no trace).
   */
  record Result(boolean succeeded, String reason, String message, OptionalInt exitCode) {
    public static Result success() {
      return new Result(true, null, null, OptionalInt.empty());
    }

    public static Result failure(String reason, String message) {
      return new Result(false, reason, message, OptionalInt.empty());
    }

    public Result withExitCode(int code) {
      return new Result(succeeded, reason, message, OptionalInt.of(code));
    }
  }

  /**
   * Starts the attempt; {@code onEnd} is called once, when it ends, on another thread. Launching an
   * attempt that already exists for the same run takes it over instead of starting it twice, so the
   * engine launches again an attempt it recorded but never saw acknowledged.
   *
   * <p>{@code onAccepted} is called, perhaps more than once, once the attempt exists where it runs:
   * its Job was created (or found under its name, this run's, and adopted), or its process was
   * started and recorded on disk. Only an acknowledged attempt that later has no trace is lost.
   */
  void launch(Launch launch, Runnable onAccepted, Consumer<Result> onEnd);

  /**
   * Takes over an attempt launched earlier, perhaps by another node that was leader then: from now
   * on its end is reported to {@code onEnd}, which replaces any earlier callback. The engine calls
   * this for every step it has as Running, so calling it again is cheap and harmless. Returns false
   * when there is no trace of the attempt: it was lost with the node that ran it.
   */
  boolean adopt(Launch launch, Consumer<Result> onEnd);

  /** Stops an attempt and everything it started; nothing when it is not running. */
  void cancel(String namespace, String name);

  /** Removes what an ended attempt left behind (its Job, its log): its run was deleted. */
  void delete(String namespace, String name);

  /**
   * What the attempt has written, when this executor still has it; the last {@code tailLines} lines
   * of it when that is set. At most the last {@code maxBytes} bytes of that (from a line start when
   * one falls in them), so that no log, however large, is held in memory or sent whole.
   */
  Optional<StepLog> logs(String namespace, String name, OptionalInt tailLines, long maxBytes);

  /**
   * The attempt's output as it grows: the first {@link LogCursor#next} gives what was written
   * before (all of it, or its last {@code tailLines} lines; at most the last {@code maxBytes} bytes
   * of that, from a line start), each later one what was written since. An attempt that has not
   * started yet reads as empty until it does. Reading it on any node needs no leadership.
   */
  LogCursor follow(String namespace, String name, OptionalInt tailLines, long maxBytes);

  /** Stops watching; what runs keeps running, for the next leader to take over. */
  @Override
  default void close() {}
}

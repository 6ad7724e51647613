package io.nightshift.engine;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine's calls to the executor run (launch, cancel, delete): after the commit that
 * records them, never on the engine's thread nor inside a transaction, so a slow API server holds
 * up neither. Calls about one attempt run one after another, in the order given (a cancel never
 * overtakes the launch before it); calls about different attempts run side by side.
 */
@Singleton
public class Effects {

  private static final Logger LOG = LoggerFactory.getLogger(Effects.class);
  private static final int LANES = 4;

  private final List<ExecutorService> lanes = new ArrayList<>();

  public Effects() {
    for (int i = 0; i < LANES; i++) {
      lanes.add(
          Executors.newSingleThreadExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "nightshift-effects");
                thread.setDaemon(true);
                return thread;
              }));
    }
  }

  /** Runs {@code effect} after those submitted before for the same {@code attempt}. */
  public void submit(String attempt, Runnable effect) {
    ExecutorService lane = lanes.get(Math.floorMod(attempt.hashCode(), LANES));
    try {
      lane.execute(
          () -> {
            try {
              effect.run();
            } catch (Throwable e) {
              LOG.warn("Executor call for {} failed: {}", attempt, e.toString());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      LOG.info("Not calling the executor for {}: the node is stopping", attempt);
    }
  }

  /** Waits until what was submitted before has run; for tests. */
  public void drain() throws InterruptedException {
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (ExecutorService lane : lanes) {
      done.add(lane.submit(() -> {}));
    }
    for (java.util.concurrent.Future<?> future : done) {
      try {
        future.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    for (ExecutorService lane : lanes) {
      lane.shutdown();
    }
    for (ExecutorService lane : lanes) {
      lane.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

package io.nightshift.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM while open, as the text an operator would read. It stays attached
 * when a starting node resets the logging configuration.
 */
public final class LogCapture implements AutoCloseable, LoggerContextListener {

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
    root.getLoggerContext().addListener(this);
  }

  @Override
  public boolean isResetResistant() {
    return true;
  }

  @Override
  public void onReset(LoggerContext context) {
    root.addAppender(appender);
  }

  @Override
  public void onStart(LoggerContext context) {}

  @Override
  public void onStop(LoggerContext context) {}

  @Override
  public void onLevelChange(Logger logger, Level level) {}

  /** Each event's level, logger, message and stack trace, one string per event. */
  public List<String> lines() {
    List<ILoggingEvent> events;
    // AppenderBase appends under the appender's lock.
    synchronized (appender) {
      events = List.copyOf(appender.list);
    }
    return events.stream()
        .map(
            event ->
                event.getLevel()
                    + " "
                    + event.getLoggerName()
                    + " "
                    + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                        ? ""
                        : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())))
        .toList();
  }

  /** The events whose text contains {@code text}. */
  public List<String> containing(String text) {
    return lines().stream().filter(line -> line.contains(text)).toList();
  }

  @Override
  public void close() {
    root.getLoggerContext().removeListener(this);
    root.detachAppender(appender);
    appender.stop();
  }
}

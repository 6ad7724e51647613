package io.nightshift.console;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a run's steps on a timeline in SVG: one row per step, in the order given, with its name,
 * its status as glyph and word, and a bar from its start to its end.
 *
 * <p>The time axis runs from the earliest start to the latest end, a running step counting as
 * ending {@code now}, and is labelled relative to its start ({@code +0s}, {@code +30s}, {@code
 * +1m}…) at a round step that gives four to six ticks. A step that has not started gets an empty
 * row saying so. Each row's {@code <title>} gives the full name and status, each bar's also its
 * start and duration, since names are cut to fit their column.
 *
 * <p>As with {@link RunGraph}, all user text is escaped and there is no inline style or script.
 * Classes for the stylesheet: {@code gantt}, {@code axis}, {@code tick}, {@code tick-label}, {@code
 * row}, {@code row-name}, {@code row-status}, {@code bar}, {@code status-…} and {@code
 * not-started}. Its id ({@code gantt-title}) is fixed, so a page holds one timeline.
 */
public final class Gantt {

  static final String TITLE_ID = "gantt-title";

  static final int PADDING = 8;
  static final int NAME_WIDTH = 180;
  static final int STATUS_WIDTH = 112;
  static final int CHART_X = PADDING + NAME_WIDTH + STATUS_WIDTH;
  static final int CHART_WIDTH = 560;

  /** Room right of the chart for the last tick's label, which is centred on its tick. */
  static final int RIGHT_PADDING = 36;

  static final int AXIS_HEIGHT = 24;
  static final int ROW_HEIGHT = 24;
  static final int BAR_HEIGHT = 14;
  static final int WIDTH = CHART_X + CHART_WIDTH + RIGHT_PADDING;

  /** What fits in the name and status columns at the console's 12px font. */
  static final int NAME_CHARACTERS = 24;

  static final int STATUS_CHARACTERS = 16;

  /** Shorter runs are drawn on a one-second axis, so a zero-length run divides by nothing. */
  static final Duration SHORTEST_AXIS = Duration.ofSeconds(1);

  /**
   * Round tick spacings, each at most twice the one before, so the first that gives at most six
   * ticks gives at least four (the one before gave seven or more).
   */
  private static final List<Duration> TICK_STEPS =
      List.of(
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          Duration.ofMillis(300),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(3),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(15),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(2),
          Duration.ofMinutes(3),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Duration.ofMinutes(15),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(3),
          Duration.ofHours(6),
          Duration.ofHours(12),
          Duration.ofDays(1),
          Duration.ofDays(2),
          Duration.ofDays(3),
          Duration.ofDays(5),
          Duration.ofDays(7),
          Duration.ofDays(14));

  private static final int MOST_TICKS = 6;

  private Gantt() {}

  /** The timeline of {@code bars} as an SVG element, running bars ending at {@code now}. */
  public static String svg(List<GanttBar> bars, Instant now) {
    Instant first = null;
    Instant last = null;
    for (GanttBar bar : bars) {
      if (bar.start() != null) {
        Instant end = end(bar, now);
        first = first == null || bar.start().isBefore(first) ? bar.start() : first;
        last = last == null || end.isAfter(last) ? end : last;
      }
    }
    Duration span = first == null ? Duration.ZERO : Duration.between(first, last);
    Duration axis = span.compareTo(SHORTEST_AXIS) < 0 ? SHORTEST_AXIS : span;
    int height = AXIS_HEIGHT + bars.size() * ROW_HEIGHT + PADDING;

    StringBuilder svg = new StringBuilder(1024 + 600 * bars.size());
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" role=\"img\"")
        .append(" aria-labelledby=\"")
        .append(TITLE_ID)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" font-size=\"12\"><title id=\"")
        .append(TITLE_ID)
        .append("\">Timeline of ")
        .append(bars.size())
        .append(bars.size() == 1 ? " step" : " steps")
        .append("</title>");
    svg.append("<g class=\"axis\">");
    if (first != null) {
      for (Duration tick : ticks(span)) {
        int x = CHART_X + offset(tick, axis);
        svg.append("<line class=\"tick\" x1=\"")
            .append(x)
            .append("\" y1=\"")
            .append(AXIS_HEIGHT - 4)
            .append("\" x2=\"")
            .append(x)
            .append("\" y2=\"")
            .append(height - PADDING)
            .append("\"/><text class=\"tick-label\" x=\"")
            .append(x)
            .append("\" y=\"14\" text-anchor=\"middle\">+")
            .append(Labels.duration(tick))
            .append("</text>");
      }
    }
    svg.append("</g>");
    for (int row = 0; row < bars.size(); row++) {
      appendRow(svg, bars.get(row), AXIS_HEIGHT + row * ROW_HEIGHT, first, axis, now);
    }
    return svg.append("</svg>").toString();
  }

  private static void appendRow(
      StringBuilder svg, GanttBar bar, int top, Instant first, Duration axis, Instant now) {
    int baseline = top + 16;
    svg.append("<g class=\"row\" data-step=\"")
        .append(Xml.escape(bar.name()))
        .append("\"><title>")
        .append(Xml.escape(bar.name() + " — " + Status.icon(bar.status())))
        .append("</title><text class=\"row-name\" x=\"")
        .append(PADDING)
        .append("\" y=\"")
        .append(baseline)
        .append("\">")
        .append(Xml.escape(Labels.cut(bar.name(), NAME_CHARACTERS)))
        .append("</text><text class=\"row-status ")
        .append(Status.cssClass(bar.status()))
        .append("\" x=\"")
        .append(PADDING + NAME_WIDTH)
        .append("\" y=\"")
        .append(baseline)
        .append("\">")
        .append(Xml.escape(Labels.cut(Status.icon(bar.status()), STATUS_CHARACTERS)))
        .append("</text>");
    if (bar.start() == null) {
      svg.append("<text class=\"not-started\" x=\"")
          .append(CHART_X + 4)
          .append("\" y=\"")
          .append(baseline)
          .append("\">not started</text>");
    } else {
      int x = CHART_X + offset(Duration.between(first, bar.start()), axis);
      int right = CHART_X + offset(Duration.between(first, end(bar, now)), axis);
      svg.append("<rect class=\"bar ")
          .append(Status.cssClass(bar.status()))
          .append("\" x=\"")
          .append(x)
          .append("\" y=\"")
          .append(top + (ROW_HEIGHT - BAR_HEIGHT) / 2)
          .append("\" width=\"")
          // At least two pixels, so a step that took no time still shows.
          .append(Math.max(2, right - x))
          .append("\" height=\"")
          .append(BAR_HEIGHT)
          .append("\" rx=\"3\"><title>")
          .append(Xml.escape(barTitle(bar, first, now)))
          .append("</title></rect>");
    }
    svg.append("</g>");
  }

  /**
   * {@code load — ✓ Succeeded · started 2026-01-01T02:00:03Z (+12s) · took 1m 3s}, or {@code
   * running for …} while it runs.
   */
  static String barTitle(GanttBar bar, Instant first, Instant now) {
    Duration took = Duration.between(bar.start(), end(bar, now));
    return bar.name()
        + " — "
        + Status.icon(bar.status())
        + " · started "
        + bar.start().truncatedTo(ChronoUnit.SECONDS)
        + " (+"
        + Labels.duration(Duration.between(first, bar.start()))
        + ") · "
        + (bar.end() == null ? "running for " : "took ")
        + Labels.duration(took);
  }

  /** Where a bar ends: its end, or {@code now} while it runs; never before it starts. */
  private static Instant end(GanttBar bar, Instant now) {
    Instant end = bar.end() == null ? now : bar.end();
    return end.isBefore(bar.start()) ? bar.start() : end;
  }

  /** Pixels from the chart's left edge to {@code at}, clamped to the chart. */
  private static int offset(Duration at, Duration axis) {
    long millis = Math.max(0, Math.min(at.toMillis(), axis.toMillis()));
    return (int) (millis * CHART_WIDTH / axis.toMillis());
  }

  /**
   * The ticks of an axis {@code span} long, from zero: the smallest round spacing that gives at
   * most six, which gives at least four. Spans under a second are ticked as one second.
   */
  static List<Duration> ticks(Duration span) {
    Duration axis = span.compareTo(SHORTEST_AXIS) < 0 ? SHORTEST_AXIS : span;
    Duration step = null;
    for (Duration candidate : TICK_STEPS) {
      if (axis.toMillis() / candidate.toMillis() + 1 <= MOST_TICKS) {
        step = candidate;
        break;
      }
    }
    if (step == null) {
      // Beyond two weeks a tick: whole days, about five of them.
      long days =
          (axis.toMillis() / 5 + Duration.ofDays(1).toMillis() - 1) / Duration.ofDays(1).toMillis();
      step = Duration.ofDays(days);
    }
    List<Duration> ticks = new ArrayList<>();
    for (Duration tick = Duration.ZERO; tick.compareTo(axis) <= 0; tick = tick.plus(step)) {
      ticks.add(tick);
    }
    return List.copyOf(ticks);
  }
}

package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class GanttTest {

  /** 02:00 UTC, when the nightly run starts. */
  private static final Instant T0 = Instant.parse("2026-01-01T02:00:00Z");

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static List<String> tickLabels(Duration span) {
    return Gantt.ticks(span).stream().map(t -> "+" + Labels.duration(t)).toList();
  }

  private static Element row(Document svg, String name) {
    return Svg.steps(svg).stream()
        .filter(g -> g.getAttribute("data-step").equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static int attr(Element e, String name) {
    return Integer.parseInt(e.getAttribute(name));
  }

  @ParameterizedTest(name = "a {0} run is ticked {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PT0S   | +0s +200ms +400ms +600ms +800ms +1s",
        "PT0.3S | +0s +200ms +400ms +600ms +800ms +1s",
        "PT1.5S | +0s +300ms +600ms +900ms +1.2s +1.5s",
        "PT12S  | +0s +3s +6s +9s +12s",
        "PT90S  | +0s +30s +1m +1m 30s",
        "PT10M  | +0s +2m +4m +6m +8m +10m",
        "PT1H   | +0s +15m +30m +45m +1h",
        "PT25H  | +0s +6h +12h +18h +1d",
        "P30D   | +0s +7d +14d +21d +28d",
        "P100D  | +0s +20d +40d +60d +80d +100d",
      })
  void ticks_fall_at_round_steps(Duration span, String labels) {
    assertThat(String.join(" ", tickLabels(span))).isEqualTo(labels);
  }

  @Test
  void any_span_gets_four_to_six_evenly_spaced_ticks_from_zero() {
    List<Duration> spans = new ArrayList<>();
    for (long millis = 1_000;
        millis < Duration.ofDays(1_000).toMillis();
        millis = millis * 11 / 10 + 7) {
      spans.add(Duration.ofMillis(millis));
    }
    for (Duration span : spans) {
      List<Duration> ticks = Gantt.ticks(span);
      assertThat(ticks).as("%s", span).hasSizeBetween(4, 6).startsWith(Duration.ZERO);
      assertThat(ticks.get(ticks.size() - 1)).as("%s", span).isLessThanOrEqualTo(span);
      Duration step = ticks.get(1);
      for (int i = 1; i < ticks.size(); i++) {
        assertThat(ticks.get(i).minus(ticks.get(i - 1))).isEqualTo(step);
      }
    }
  }

  @Test
  void the_root_is_an_image_labelled_by_its_title() {
    Element root =
        Svg.parse(Gantt.svg(List.of(new GanttBar("a", "Succeeded", T0, at(5))), at(10)))
            .getDocumentElement();

    assertThat(root.getAttribute("role")).isEqualTo("img");
    Element title = Svg.children(root, "title").get(0);
    assertThat(title.getAttribute("id")).isEqualTo(root.getAttribute("aria-labelledby"));
    assertThat(title.getTextContent()).isEqualTo("Timeline of 1 step");
    assertThat(root.getAttribute("viewBox"))
        .isEqualTo("0 0 " + root.getAttribute("width") + " " + root.getAttribute("height"));
  }

  @Test
  void bars_run_from_start_to_end_on_an_axis_from_the_first_start_to_the_last_end() {
    List<GanttBar> bars =
        List.of(
            new GanttBar("extract", "Succeeded", T0, at(30)),
            new GanttBar("transform", "Failed", at(30), at(90)),
            new GanttBar("load", "Pending", null, null));
    Document svg = Svg.parse(Gantt.svg(bars, at(600)));

    Element extract = Svg.children(row(svg, "extract"), "rect").get(0);
    Element transform = Svg.children(row(svg, "transform"), "rect").get(0);
    assertThat(extract.getAttribute("class")).isEqualTo("bar status-succeeded");
    assertThat(attr(extract, "x")).isEqualTo(Gantt.CHART_X);
    assertThat(attr(extract, "width")).isEqualTo(Gantt.CHART_WIDTH / 3);
    assertThat(attr(transform, "x")).isEqualTo(Gantt.CHART_X + Gantt.CHART_WIDTH / 3);
    assertThat(attr(transform, "x") + attr(transform, "width"))
        .isEqualTo(Gantt.CHART_X + Gantt.CHART_WIDTH);
    assertThat(Svg.title(transform))
        .isEqualTo("transform — ✗ Failed · started 2026-01-01T02:00:30Z (+30s) · took 1m");
    assertThat(
            Svg.elements(svg, "text").stream()
                .filter(t -> t.getAttribute("class").equals("tick-label"))
                .map(Element::getTextContent))
        .containsExactly("+0s", "+30s", "+1m", "+1m 30s");
  }

  @Test
  void each_row_names_its_step_and_says_its_status_in_words() {
    Document svg =
        Svg.parse(Gantt.svg(List.of(new GanttBar("extract", "Succeeded", T0, at(30))), at(30)));

    Element row = row(svg, "extract");
    List<Element> texts = Svg.children(row, "text");
    assertThat(texts.get(0).getAttribute("class")).isEqualTo("row-name");
    assertThat(texts.get(0).getTextContent()).isEqualTo("extract");
    assertThat(texts.get(1).getAttribute("class")).isEqualTo("row-status status-succeeded");
    assertThat(texts.get(1).getTextContent()).isEqualTo("✓ Succeeded");
  }

  @Test
  void a_running_step_reaches_now() {
    Document svg =
        Svg.parse(
            Gantt.svg(
                List.of(
                    new GanttBar("done", "Succeeded", T0, at(10)),
                    new GanttBar("busy", "Running", at(10), null)),
                at(40)));

    Element busy = Svg.children(row(svg, "busy"), "rect").get(0);
    assertThat(busy.getAttribute("class")).isEqualTo("bar status-running");
    assertThat(attr(busy, "x") + attr(busy, "width")).isEqualTo(Gantt.CHART_X + Gantt.CHART_WIDTH);
    assertThat(Svg.title(busy)).endsWith("· running for 30s");
  }

  @Test
  void a_step_not_started_is_an_empty_row_that_says_so() {
    Document svg =
        Svg.parse(
            Gantt.svg(
                List.of(
                    new GanttBar("first", "Running", T0, null),
                    new GanttBar("later", "Pending", null, null)),
                at(5)));

    Element later = row(svg, "later");
    assertThat(Svg.children(later, "rect")).isEmpty();
    assertThat(Svg.children(later, "text"))
        .anySatisfy(
            t -> {
              assertThat(t.getAttribute("class")).isEqualTo("not-started");
              assertThat(t.getTextContent()).isEqualTo("not started");
            });
  }

  @Test
  void zero_length_and_missing_times_do_not_divide_by_zero() {
    Document instant =
        Svg.parse(Gantt.svg(List.of(new GanttBar("instant", "Succeeded", T0, T0)), T0));
    assertThat(attr(Svg.children(row(instant, "instant"), "rect").get(0), "width")).isEqualTo(2);

    Document waiting =
        Svg.parse(Gantt.svg(List.of(new GanttBar("waiting", "Pending", null, null)), T0));
    assertThat(Svg.elements(waiting, "line")).isEmpty();

    Document nothing = Svg.parse(Gantt.svg(List.of(), T0));
    assertThat(Svg.title(nothing.getDocumentElement())).isEqualTo("Timeline of 0 steps");
  }

  @Test
  void an_end_before_the_start_or_now_before_the_start_draws_no_negative_width() {
    Document svg =
        Svg.parse(
            Gantt.svg(
                List.of(
                    new GanttBar("skewed", "Succeeded", at(10), at(5)),
                    new GanttBar("future", "Running", at(20), null)),
                at(0)));

    for (Element bar : Svg.elements(svg, "rect")) {
      assertThat(attr(bar, "width")).isGreaterThanOrEqualTo(2);
      assertThat(attr(bar, "x")).isBetween(Gantt.CHART_X, Gantt.CHART_X + Gantt.CHART_WIDTH);
    }
  }

  @Test
  void hostile_names_and_statuses_are_escaped_and_round_trip_exactly() {
    String script = "<script>alert(1)</script>";
    String img = "\"><img src=x onerror=alert(1)>";
    String output =
        Gantt.svg(
            List.of(
                new GanttBar(script, "Succeeded", T0, at(3)),
                new GanttBar(img, img, at(1), null),
                new GanttBar("'&'", "Pending", null, null)),
            at(4));
    Document svg = Svg.parse(output);

    assertThat(output).doesNotContain("<script").doesNotContain("<img").doesNotContain("style=");
    assertThat(Svg.title(Svg.children(row(svg, script), "rect").get(0)))
        .isEqualTo(script + " — ✓ Succeeded · started 2026-01-01T02:00:00Z (+0s) · took 3s");
    Element evil = row(svg, img);
    assertThat(Svg.title(Svg.children(evil, "rect").get(0)))
        .startsWith(img + " — ? " + img + " · ");
    assertThat(Svg.children(evil, "rect").get(0).getAttribute("class"))
        .isEqualTo("bar status-unknown");
    assertThat(Svg.title(row(svg, "'&'"))).isEqualTo("'&' — … Pending");
  }

  @Test
  void a_hundred_steps_stay_small() {
    List<GanttBar> bars = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      bars.add(
          new GanttBar(String.format("process-partition-%03d", i), "Succeeded", at(i), at(i + 60)));
    }
    String output = Gantt.svg(bars, at(200));

    assertThat(Svg.steps(Svg.parse(output))).hasSize(100);
    assertThat(output.getBytes(StandardCharsets.UTF_8).length).isLessThan(60_000);
  }
}

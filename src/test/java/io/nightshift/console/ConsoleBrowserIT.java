package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.Browser;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.RequiresTools;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console in Chromium, along the paths its users take: sign in with a token, find a workflow,
 * run it with a parameter and watch the run end without reloading, read a step's log, cancel a long
 * run, retry a failed one, suspend two workflows at once, sign out. A viewer sees no action;
 * hostile text runs no script; axe finds no serious or critical violation on any page; each view is
 * saved as a 1280×800 screenshot under {@code target/ui-screenshots/}.
 */
@RequiresTools(
    value = {"chromium", "chromedriver"},
    install = "apt-get install chromium chromium-driver")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

  private static final Duration UI = Duration.ofSeconds(20);
  private static final String HOSTILE =
      "<script>window.__xss=1</script>\"><img src=x onerror=\"window.__xss=2\">";

  @TempDir static Path dataDir;
  private static NightshiftNode node;
  private static Browser browser;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(NightshiftNode.quickOnLocal(PostgresFixture.newDatabase(), dataDir));
    define(
        "reports",
        "greeting",
        "0 6 * * *",
        Map.of("who", "world"),
        List.of(
            step("greet", null, "sleep 2; echo hello $WHO"),
            step("archive", "greet", "echo archived")));
    define(
        "reports",
        "long-export",
        "30 1 * * *",
        Map.of(),
        List.of(step("export", null, "sleep 300")));
    define(
        "reports",
        "flaky",
        "45 2 * * *",
        Map.of(),
        List.of(step("fetch", null, "echo failing; exit 3")));
    define(
        "ops", "rotate-logs", "0 4 * * *", Map.of(), List.of(step("rotate", null, "echo rotated")));
    define("ops", "vacuum", "0 5 * * 0", Map.of(), List.of(step("vacuum", null, "echo vacuumed")));
    define(
        "ops",
        "hostile",
        null,
        Map.of("note", HOSTILE),
        List.of(step("say", null, "echo \"$NOTE\"")));
    browser = Browser.desktop();
    WebDriver driver = browser.driver();
    driver.get(url("/sign-in"));
    Object chromeHeight =
        ((JavascriptExecutor) driver)
            .executeScript("return window.outerHeight - window.innerHeight;");
    driver.manage().window().setSize(new Dimension(1280, 800 + ((Number) chromeHeight).intValue()));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  private static Map<String, Object> step(String name, String after, String command) {
    return after == null
        ? Map.of("name", name, "image", "busybox", "command", List.of("sh", "-c", command))
        : Map.of(
            "name",
            name,
            "image",
            "busybox",
            "dependsOn",
            List.of(after),
            "command",
            List.of("sh", "-c", command));
  }

  private static void define(
      String namespace,
      String name,
      String cron,
      Map<String, String> parameters,
      List<Map<String, Object>> steps) {
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    if (cron != null) {
      spec.put("schedule", cron);
      spec.put("timeZone", "Europe/Paris");
    }
    spec.put("parameters", parameters);
    spec.put("steps", steps);
    HttpResponse<String> response =
        node.put(
            "/api/v1/namespaces/" + namespace + "/workflows/" + name,
            "application/json",
            Definitions.json(
                Map.of(
                    "apiVersion",
                    "nightshift.io/v1",
                    "kind",
                    "Workflow",
                    "metadata",
                    Map.of("labels", Map.of("team", namespace)),
                    "spec",
                    spec)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static String url(String path) {
    return node.context().getBean(EmbeddedServer.class).getURL() + path;
  }

  private static WebDriver driver() {
    return browser.driver();
  }

  private static WebElement find(String css) {
    return browser.waitUntil(
        d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null), UI);
  }

  private static void signIn(String token) {
    driver().manage().deleteAllCookies();
    driver().get(url("/"));
    find("#token").sendKeys(token);
    find(".signin button[type=submit]").click();
    find("h1");
  }

  private static String viewerToken() {
    HttpResponse<String> created =
        node.send(
            node.request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"browser-viewer\", \"role\": \"viewer\"}")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }

  /**
   * Saves the page as a screenshot and asserts that axe finds nothing serious or critical on it.
   */
  private static void check(String page) {
    browser.screenshot(page);
    assertThat(browser.accessibility(page))
        .as("serious or critical axe violations on " + page)
        .isEmpty();
  }

  private static String runStatus() {
    return find("#run-status").getText();
  }

  @Test
  @Order(1)
  void an_admin_signs_in_finds_a_workflow_and_runs_it_with_a_parameter() {
    signIn(NightshiftNode.ADMIN_TOKEN);
    assertThat(find("h1").getText()).isEqualTo("Workflows");
    check("workflows");

    WebElement search = find("input[name=q]");
    search.sendKeys("greet");
    find(".filters button[type=submit]").click();
    browser.waitUntil(
        d -> d.findElements(By.cssSelector("tr[data-workflow]")).size() == 1 ? true : null, UI);
    find("a.wf-name").click();
    assertThat(find("h1").getText()).isEqualTo("greeting");
    assertThat(driver().getPageSource()).contains("every day at 06:00 Europe/Paris");
    check("workflow");

    WebElement who = find("input[name='param.who']");
    who.clear();
    who.sendKeys("nightshift");
    find("#run-now").click();
    find("#run-status");
    ((JavascriptExecutor) driver()).executeScript("window.__sameDocument = 'yes';");
    browser.waitUntil(d -> runStatus().contains("Succeeded") ? true : null, Duration.ofSeconds(40));
    assertThat(((JavascriptExecutor) driver()).executeScript("return window.__sameDocument;"))
        .as("the page changed to Succeeded without reloading")
        .isEqualTo("yes");
    check("run");

    find("tr[data-step=greet] a.log-link").click();
    assertThat(find("#log-text").getText()).contains("hello nightshift");
  }

  @Test
  @Order(2)
  void a_long_run_is_cancelled_and_a_failed_one_retried() {
    signIn(NightshiftNode.ADMIN_TOKEN);
    driver().get(url("/workflows/reports/long-export"));
    find("#run-now").click();
    browser.waitUntil(d -> runStatus().contains("Running") ? true : null, UI);
    find("#cancel").click();
    browser.waitUntil(d -> runStatus().contains("Cancelled") ? true : null, UI);

    driver().get(url("/workflows/reports/flaky"));
    find("#run-now").click();
    browser.waitUntil(d -> runStatus().contains("Failed") ? true : null, UI);
    assertThat(driver().getPageSource()).contains("exit code 3");
    find("#retry").click();
    assertThat(find(".notice").getText()).contains("Retrying");
    browser.waitUntil(
        d ->
            driver().getPageSource().contains("attempt") || runStatus().contains("Failed")
                ? true
                : null,
        UI);
  }

  @Test
  @Order(3)
  void an_operator_suspends_two_workflows_in_bulk() {
    signIn(NightshiftNode.ADMIN_TOKEN);
    driver().get(url("/?namespace=ops"));
    for (String key : List.of("ops/rotate-logs", "ops/vacuum")) {
      find("input.select-row[value='" + key + "']").click();
    }
    find("button[name=action][value=suspend]").click();
    assertThat(find(".notice").getText()).isEqualTo("2 workflows suspended");
    for (String name : List.of("rotate-logs", "vacuum")) {
      assertThat(
              Json.parse(node.get("/api/v1/namespaces/ops/workflows/" + name).body())
                  .at("/spec/suspend")
                  .asBoolean())
          .isTrue();
    }
  }

  @Test
  @Order(4)
  void the_cluster_and_audit_pages_show_the_leader_and_who_changed_what() {
    signIn(NightshiftNode.ADMIN_TOKEN);
    driver().get(url("/cluster"));
    assertThat(find("dl.facts").getText()).contains("Fencing token");
    check("cluster");
    driver().get(url("/audit?action=workflow.suspend"));
    assertThat(find("table.audit tbody").getText()).contains("workflow.suspend");
    check("audit");
  }

  @Test
  @Order(5)
  void hostile_text_is_shown_as_text_and_runs_no_script() {
    signIn(NightshiftNode.ADMIN_TOKEN);
    String runId = node.runNow("ops", "hostile");
    driver().get(url("/runs/" + runId + "?step=say"));
    browser.waitUntil(d -> runStatus().contains("Succeeded") ? true : null, UI);
    driver().get(url("/runs/" + runId + "?step=say"));
    assertThat(find("#log-text").getText()).contains("<script>window.__xss=1</script>");
    driver().get(url("/workflows/ops/hostile"));
    assertThat(find("input[name='param.note']").getAttribute("value")).isEqualTo(HOSTILE);
    assertThat(browser.scriptRan("__xss")).as("a script of the workflow's text ran").isFalse();
  }

  @Test
  @Order(6)
  void a_viewer_sees_no_action_and_signs_out() {
    signIn(viewerToken());
    assertThat(driver().findElements(By.cssSelector("button.run-now, #bulk button[name=action]")))
        .isEmpty();
    driver().get(url("/workflows/reports/greeting"));
    assertThat(driver().findElements(By.cssSelector("#run-now"))).isEmpty();
    check("workflow-viewer");
    driver().get(url("/sign-in"));
    driver().get(url("/"));
    find("button.link").click();
    assertThat(find("h1").getText()).isEqualTo("Sign in");
    check("sign-in");
    driver().get(url("/"));
    assertThat(find("h1").getText())
        .as("signed out: back to the sign-in page")
        .isEqualTo("Sign in");
  }

  @Test
  @Order(7)
  void the_workflows_page_works_on_a_phone() {
    try (Browser phone = Browser.phone()) {
      phone.open(url("/sign-in"));
      phone.driver().findElement(By.id("token")).sendKeys(NightshiftNode.ADMIN_TOKEN);
      phone.driver().findElement(By.cssSelector(".signin button[type=submit]")).click();
      phone.waitUntil(
          d -> d.findElements(By.cssSelector("tr[data-workflow]")).isEmpty() ? null : true, UI);
      Object overflow =
          ((JavascriptExecutor) phone.driver())
              .executeScript(
                  "return document.documentElement.scrollWidth <= window.innerWidth + 1;");
      assertThat(overflow)
          .as("the page itself does not scroll sideways; wide tables do")
          .isEqualTo(true);
      phone.screenshot("workflows-phone");
    }
  }
}

package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The harness of the web console's browser tests, proved on a page a node already serves: Swagger
 * UI at {@code /api/docs}, which renders the operations of {@code /api/v1/openapi.yaml} with its
 * own scripts, both without a token. If these pass, a console test failing is about the console.
 */
@RequiresTools(
    value = {"chromium", "chromedriver"},
    install = "apt-get install chromium chromium-driver")
class BrowserHarnessIT {

  private static final Duration RENDERED = Duration.ofSeconds(20);

  private static NightshiftNode node;
  private static Browser browser;

  @BeforeAll
  static void start() {
    node = NightshiftNode.start(NightshiftNode.on(PostgresFixture.newDatabase()));
    browser = Browser.desktop();
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

  private static String url(String path) {
    return node.context().getBean(EmbeddedServer.class).getURL() + path;
  }

  /** Swagger UI's operations once its scripts have fetched the document and rendered them. */
  private static List<WebElement> operations(WebDriver driver) {
    List<WebElement> operations = driver.findElements(By.cssSelector(".opblock"));
    return operations.isEmpty() ? null : operations;
  }

  @Test
  void swagger_ui_renders_the_operations_of_the_served_document_and_a_screenshot_is_saved()
      throws Exception {
    browser.open(url("/api/docs"));

    List<WebElement> operations = browser.waitUntil(BrowserHarnessIT::operations, RENDERED);
    Path screenshot = browser.screenshot("swagger-ui");

    assertThat(
            browser.driver().findElements(By.cssSelector(".opblock-summary-path")).stream()
                .map(path -> path.getDomAttribute("data-path")))
        .as("the paths Swagger UI read from /api/v1/openapi.yaml")
        .contains("/api/v1/workflows");
    assertThat(operations).hasSizeGreaterThan(10);
    assertThat(screenshot).isEqualTo(Path.of("target", "ui-screenshots", "swagger-ui.png"));
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
    // Swagger UI is not ours: what its page logs is printed, not asserted.
    browser.consoleErrors().forEach(error -> System.out.println("console, swagger-ui: " + error));
  }

  @Test
  void axe_core_runs_on_the_rendered_page_and_reports_its_serious_violations() {
    browser.open(url("/api/docs"));
    browser.waitUntil(BrowserHarnessIT::operations, RENDERED);

    // Swagger UI is not ours: its violations are printed, not asserted; the console's will be.
    List<String> violations = browser.accessibility("swagger-ui");

    violations.forEach(violation -> System.out.println("axe, swagger-ui: " + violation));
    assertThat(violations)
        .allSatisfy(line -> assertThat(line).matches(".+ \\((serious|critical)\\): .+ at .+"));
    assertThat(Path.of("target", "ui-accessibility", "swagger-ui.json")).isNotEmptyFile();
  }

  @Test
  void the_console_reports_what_a_content_security_policy_blocked_and_the_payload_never_ran() {
    // A page whose policy allows no script, carrying an inline one that would set a global.
    browser.open(
        "data:text/html,<meta http-equiv='Content-Security-Policy' content=\"script-src 'none'\">"
            + "<script>window.nightshiftXss = 1</script>");

    assertThat(browser.scriptRan("nightshiftXss")).isFalse();
    assertThat(browser.consoleErrors())
        .anySatisfy(
            error ->
                assertThat(error)
                    .contains("inline script violates the following Content Security Policy"));
  }

  @Test
  void a_script_that_sets_its_marker_is_seen_to_have_run() {
    browser.open("data:text/html,<script>window.nightshiftRan = true</script><p>ran</p>");

    assertThat(browser.scriptRan("nightshiftRan")).isTrue();
    assertThat(browser.scriptRan("nightshiftNeverSet")).isFalse();
  }

  @Test
  void the_phone_lays_a_page_out_390_pixels_wide_and_renders_swagger_ui() {
    try (Browser phone = Browser.phone()) {
      phone.open("data:text/html,<meta name='viewport' content='width=device-width'><p>phone</p>");
      Object viewport =
          ((JavascriptExecutor) phone.driver()).executeScript("return window.innerWidth;");
      assertThat(viewport).as("the viewport's width in CSS pixels").isEqualTo(390L);

      phone.open(url("/api/docs"));
      phone.waitUntil(BrowserHarnessIT::operations, RENDERED);
      Path screenshot = phone.screenshot("swagger-ui-phone");

      assertThat(screenshot).isNotEmptyFile();
    }
  }
}

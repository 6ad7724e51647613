package io.nightshift.testsupport;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.deque.html.axecore.selenium.AxeReporter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for tests, driven through the system's chromedriver: the browser a user of
 * the web console has, so what a test sees (a rendered page, a script the Content-Security-Policy
 * blocked, an accessibility violation) is what a user would. Both programs are found on the {@code
 * PATH} and passed to Selenium by path, so Selenium Manager never looks for, or downloads, a driver
 * or a browser of its own; a test class that uses one is marked {@code @RequiresTools(value =
 * {"chromium", "chromedriver"}, ...)}.
 *
 * <p>Screenshots go to {@code target/ui-screenshots/}, axe-core's full reports to {@code
 * target/ui-accessibility/}, where a failed build's artifacts can be read.
 */
public final class Browser implements AutoCloseable {

  /** axe-core's rule tags for WCAG 2.0 levels A and AA. */
  private static final List<String> WCAG_2_A_AA = List.of("wcag2a", "wcag2aa");

  /** The impacts a violation must have to be reported: axe-core's two highest of four. */
  private static final Set<String> REPORTED_IMPACTS = Set.of("serious", "critical");

  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final Path ACCESSIBILITY = Path.of("target", "ui-accessibility");

  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private Browser(Consumer<ChromeOptions> device) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(onPath("chromium").toFile());
    options.addArguments(
        "--headless=new",
        // As root in a container Chromium's sandbox cannot start; the pages are our own.
        "--no-sandbox",
        // A container's /dev/shm is often 64 MB, too small for Chromium's shared memory.
        "--disable-dev-shm-usage");
    device.accept(options);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(onPath("chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
  }

  /**
   * A browser with a 1280×800 window, a laptop's. Headless Chromium still counts its frame in the
   * window, so the page's viewport, and a screenshot, is 1280×657.
   */
  public static Browser desktop() {
    return new Browser(options -> options.addArguments("--window-size=1280,800"));
  }

  /**
   * A browser that emulates a phone held upright: a 390×844 viewport (an iPhone 12 to 14's) at
   * three device pixels per CSS pixel, with touch and a phone's layout, so a page without {@code
   * <meta name="viewport" content="width=device-width">} is laid out 980 pixels wide and shrunk, as
   * a phone shows it. A window alone cannot be made this narrow: headless Chromium's is at least
   * 500 pixels wide.
   */
  public static Browser phone() {
    return new Browser(
        options ->
            options.setExperimentalOption(
                "mobileEmulation",
                Map.of("deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 3.0))));
  }

  public WebDriver driver() {
    return driver;
  }

  /** Loads {@code url} and returns when the page has loaded (its scripts may still be running). */
  public Browser open(URI url) {
    return open(url.toString());
  }

  /** Loads {@code url} and returns when the page has loaded (its scripts may still be running). */
  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  /**
   * Waits up to {@code timeout} for {@code condition} to return neither null nor false, polling it
   * every half second, and returns what it returned; fails with a timeout otherwise.
   */
  public <T> T waitUntil(Function<WebDriver, T> condition, Duration timeout) {
    return new WebDriverWait(driver, timeout).until(condition::apply);
  }

  /**
   * Saves what the window shows to {@code target/ui-screenshots/<name>.png}, replacing an earlier
   * one of that name, and returns its path.
   */
  public Path screenshot(String name) {
    Path file = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Runs axe-core on the page as it is now, against the WCAG 2 A and AA rules, and returns its
   * serious and critical violations, one line each: rule, impact, what to fix, and the first
   * element it failed on. Minor and moderate ones are left to the full report, which goes to {@code
   * target/ui-accessibility/<pageName>.json}. Fails if axe-core itself could not run.
   */
  public List<String> accessibility(String pageName) {
    Results results = new AxeBuilder().withTags(WCAG_2_A_AA).analyze(driver);
    if (results.isErrored()) {
      throw new IllegalStateException(
          "axe-core failed on " + pageName + ": " + results.getErrorMessage(), results.getError());
    }
    try {
      Files.createDirectories(ACCESSIBILITY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AxeReporter.writeResultsToJsonFile(ACCESSIBILITY.resolve(pageName).toString(), results);
    return results.getViolations().stream()
        .filter(rule -> REPORTED_IMPACTS.contains(rule.getImpact()))
        .map(Browser::describe)
        .toList();
  }

  private static String describe(Rule rule) {
    String target =
        rule.getNodes().stream()
            .findFirst()
            .map(CheckedNode::getTarget)
            .map(String::valueOf)
            .orElse("");
    return "%s (%s): %s at %s".formatted(rule.getId(), rule.getImpact(), rule.getHelp(), target);
  }

  /**
   * The browser console's errors (level SEVERE) since the last call: uncaught exceptions, failed
   * loads, and what the Content-Security-Policy blocked ("Executing inline script violates the
   * following Content Security Policy directive ..."). chromedriver hands each entry out once, so a
   * second call returns only newer ones.
   */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * Whether the page has set {@code window[marker]} (to anything but null or undefined): an XSS
   * test's payload sets a global of its own, so this says whether the payload ran.
   */
  public boolean scriptRan(String marker) {
    Object set = driver.executeScript("return window[arguments[0]] != null;", marker);
    return Boolean.TRUE.equals(set);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }

  /** The executable {@code name} in the first directory of the PATH that holds one. */
  private static Path onPath(String name) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " is not on the PATH"));
  }
}

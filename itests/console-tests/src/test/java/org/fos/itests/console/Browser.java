package org.fos.itests.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.Assume;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through Selenium: Debian's {@code chromium} and {@code chromidriver}
 * (system properties {@code fos.chromium} and {@code fos.chromedriver} name others). Without them a
 * browser test is skipped with a message saying so (a JUnit assumption), never passed.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("fos.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("fos.chromedriver", "/usr/bin/chromedriver");
    private static final Duration LOAD = Duration.ofMinutes(1);

    private final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts a browser, or skips the calling test if Chromium or its driver is missing.
     *
     * @return the browser
     * @throws IOException if its profile folder cannot be made
     */
    static Browser open() throws IOException {
        Assume.assumeTrue("browser tests skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium chromium-driver, or set"
                + " -Dfos.chromium)", new File(CHROMIUM).canExecute());
        Assume.assumeTrue("browser tests skipped: no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver, or set"
                + " -Dfos.chromedriver)", new File(CHROMEDRIVER).canExecute());
        Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    /** Loads a page and waits until the document and its scripts have run. */
    Browser load(String url) {
        driver.get(url);
        new WebDriverWait(driver, LOAD).until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    WebDriver driver() {
        return driver;
    }

    /**
     * Returns the browser's console messages since the last call that are errors: uncaught script
     * exceptions and resources that failed to load.
     *
     * @return the messages
     */
    List<String> errors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /**
     * Reads a table the fos pages write: a row a {@code data-key}, a cell a {@code data-col}.
     *
     * @param id the table's id
     * @return the cells' text by column, by row key, in page order
     */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, String>> table(String id) {
        // one script for the whole table: a WebDriver call a cell would cost a round trip each
        List<List<Object>> rows = (List<List<Object>>) ((JavascriptExecutor) driver).executeScript(
                "return Array.prototype.map.call(document.querySelectorAll('#' + arguments[0] + ' tbody tr[data-key]'), function (r) {"
                        + " var cells = {}; r.querySelectorAll('td[data-col]').forEach(function (td) {"
                        + " cells[td.getAttribute('data-col')] = td.innerText.trim(); }); return [r.getAttribute('data-key'), cells]; });",
                id);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (List<Object> row : rows) {
            out.put((String) row.get(0), new LinkedHashMap<>((Map<String, String>) row.get(1)));
        }
        return out;
    }

    /** Waits until a condition on the page holds. */
    void await(String what, Duration timeout, java.util.function.Predicate<WebDriver> condition) {
        new WebDriverWait(driver, timeout).withMessage(what).until(condition::test);
    }

    /** Saves a screenshot as a PNG. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
        try (var walk = Files.walk(profile)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a profile left in target/ is removed by the next clean
        }
    }
}

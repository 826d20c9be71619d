package dev.paddock.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser the web UI's tests drive: Debian's Chromium, headless at 1280×800, through Debian's chromedriver; with
 * axe-core's check of a page and the screenshots the README shows. The web UI's tests and the lab's console test
 * share it, so every page is seen the same way.
 */
public final class HeadlessChromium {

    private HeadlessChromium() {}

    public static WebDriver start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // root in a container: Chromium's sandbox needs user namespaces it may not have
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Runs axe-core in the page: no serious or critical violation of WCAG 2.1 A and AA. */
    public static void checkAccessibility(WebDriver browser, String page) {
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze(browser);
        List<String> grave = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(HeadlessChromium::described).toList();
        assertThat(grave).as("serious or critical axe-core violations on the " + page + " page").isEmpty();
    }

    private static String described(Rule rule) {
        return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at " + rule.getNodes().stream()
                .map(node -> String.valueOf(node.getTarget())).toList();
    }

    /** Writes the page as docs/screenshots/NAME.png, shown in the README. */
    public static void screenshot(WebDriver browser, String name) {
        try {
            Path folder = repositoryRoot().resolve("docs/screenshots");
            Files.createDirectories(folder);
            Files.write(folder.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path at = Path.of("").toAbsolutePath();
        while (at != null && !Files.exists(at.resolve("paddock-server"))) {
            at = at.getParent();
        }
        if (at == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return at;
    }
}

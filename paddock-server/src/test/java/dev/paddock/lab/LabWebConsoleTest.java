package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.ui.HeadlessChromium;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A lab VM's serial console in the web UI: an operator signs in in headless Chromium, opens the VM's page, follows
 * its Console link and sees the guest's output (its heartbeat lines) in the page; keys typed into the console and a
 * line sent from the form reach the guest, whose terminal echoes them back into the page. Its graphical display
 * opens too, through the vendored noVNC; a console another tab holds is taken over.
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabWebConsoleTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final String USER = "lab-operator";
    private static final String PASSWORD = "an operator's password for the lab";
    private static final Duration OPERATION = Duration.ofMinutes(2);
    private static final Duration HEARD = Duration.ofSeconds(60);
    private static String vmId;
    private static WebDriver browser;

    @BeforeAll
    static void createOperatorVmAndBrowser() {
        assertThat(LAB.paddock().post("/api/v1/users", "{\"name\":\"" + USER + "\",\"password\":\"" + PASSWORD
                + "\"}").status()).isEqualTo(201);
        assertThat(LAB.paddock().post("/api/v1/grants", "{\"user\":\"" + USER + "\",\"role\":\"operator\"}")
                .status()).isEqualTo(201);
        JsonNode created = awaitDone(LAB.paddock().post("/api/v1/vms", "{\"name\":\"web-console-1\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"hostId\":\"" + LAB.registered().host(1) + "\"}"));
        vmId = created.get("target").asText();
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (vmId != null) {
            awaitDone(LAB.paddock().delete("/api/v1/vms/" + vmId + "?force=true"));
        }
    }

    @Test
    @Order(1)
    @DisplayName("an operator opens a lab VM's console from its page and sees the guest's output; typed keys and a"
            + " sent line come back as the guest's echo")
    void theConsoleShowsTheGuestsOutputAndTakesKeys() {
        String base = LAB.server().url().toString().replaceAll("/$", "");
        WebDriverWait wait = new WebDriverWait(browser, HEARD);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        browser.get(base + "/vms/" + vmId);
        wait.until(ExpectedConditions.elementToBeClickable(By.name("user"))).sendKeys(USER);
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM web-console-1"));

        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Console"))).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Console of VM web-console-1"));
        By output = By.cssSelector("[data-testid=console-output]");
        wait.until(ExpectedConditions.textMatches(output, java.util.regex.Pattern.compile("heartbeat \\d+")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=console-state]")).getText())
                .startsWith("Connected");

        WebElement screen = browser.findElement(output);
        screen.click();
        screen.sendKeys("paddock-typed" + Keys.ENTER);
        wait.until(ExpectedConditions.textMatches(output, java.util.regex.Pattern.compile("paddock-typed")));
        WebElement line = browser.findElement(By.name("line"));
        line.sendKeys("paddock-line");
        browser.findElement(By.xpath("//button[text()='Send']")).click();
        wait.until(ExpectedConditions.textMatches(output, java.util.regex.Pattern.compile("paddock-line")));
        HeadlessChromium.checkAccessibility(browser, "console");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        HeadlessChromium.screenshot(browser, "console");
    }

    @Test
    @Order(2)
    @DisplayName("the VM's display opens from its page through noVNC and the server's WebSocket bridge, with the"
            + " password the server gives the page")
    void theDisplayConnectsThroughNoVnc() {
        String base = LAB.server().url().toString().replaceAll("/$", "");
        WebDriverWait wait = new WebDriverWait(browser, HEARD);
        browser.get(base + "/vms/" + vmId);
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Display"))).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Display of VM web-console-1"));
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=display-state]"),
                java.util.regex.Pattern.compile("^Connected")));
        WebElement canvas = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=display] canvas")));
        assertThat(Integer.parseInt(canvas.getAttribute("width"))).isPositive();
        assertThat(Integer.parseInt(canvas.getAttribute("height"))).isPositive();
        HeadlessChromium.checkAccessibility(browser, "display");
        HeadlessChromium.screenshot(browser, "display");
    }

    @Test
    @Order(3)
    @DisplayName("a console another tab holds is refused with that likely reason; taking it over connects this tab and"
            + " tells the other one why it closed")
    void aConsoleHeldInAnotherTabIsTakenOver() {
        String base = LAB.server().url().toString().replaceAll("/$", "");
        WebDriverWait wait = new WebDriverWait(browser, HEARD);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        By output = By.cssSelector("[data-testid=console-output]");
        By state = By.cssSelector("[data-testid=console-state]");
        browser.get(base + "/vms/" + vmId + "/console");
        wait.until(ExpectedConditions.or(ExpectedConditions.textMatches(output,
                java.util.regex.Pattern.compile("heartbeat \\d+")), ExpectedConditions.textMatches(state,
                java.util.regex.Pattern.compile("^Not connected"))));
        assertThat(browser.findElement(state).getText()).as(browser.findElement(By.tagName("main")).getText())
                .startsWith("Connected");
        String holder = browser.getWindowHandle();

        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        try {
            browser.get(base + "/vms/" + vmId + "/console");
            assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")))
                    .getText()).isEqualTo("The server did not open the serial console: another client may hold it.");
            browser.findElement(By.xpath("//button[text()='Take it over']")).click();
            wait.until(ExpectedConditions.textMatches(state, java.util.regex.Pattern.compile("^Connected")));
            wait.until(ExpectedConditions.textMatches(output, java.util.regex.Pattern.compile("heartbeat \\d+")));
            String taker = browser.getWindowHandle();

            browser.switchTo().window(holder);
            wait.until(ExpectedConditions.textToBe(state, "Closed: Another client took the console over."));
            browser.switchTo().window(taker).close();
        } finally {
            browser.switchTo().window(holder);
        }
    }

    private static JsonNode awaitDone(LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = LAB.paddock().get("/api/v1/operations/" + id).json();
            return last[0].get("isFinal").asBoolean();
        });
        assertThat(last[0].get("state").asText()).as(last[0].toPrettyString()).isEqualTo("DONE");
        return last[0];
    }
}

package dev.paddock.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's Chromium, headless at 1280×800, driven through chromedriver, against the
 * demo's server (its simulated room of 12 hosts in 2 sites) on loopback. The tests follow one another as a person
 * would: sign in with the one-time password, look at the dashboard, search VMs, create one, migrate it, crash a host
 * and acknowledge the alarm. Each main page is checked by axe-core inside the page (no serious or critical
 * violation) and photographed into {@code docs/screenshots/}.
 */
@Tag("ui")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {

    private static final String PASSWORD = "a new password for the browser test";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path data;

    static PaddockServer server;
    static WebDriver browser;
    static WebDriverWait wait;
    static String base;
    /** The VM the create test makes, which the migrate test then moves. */
    static String createdVmPath;

    @BeforeAll
    static void startDemoAndBrowser() {
        server = PaddockServer.start(ServerConfig.inDirectory(data, "127.0.0.1", 0, ServerConfig.Room.DEMO));
        base = server.url().toString().replaceAll("/$", "");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // root in a container: Chromium's sandbox needs user namespaces it may not have
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, PATIENCE);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aStrangerIsSentToSignInAndTheOneTimePasswordLeadsToChoosingANewOne() {
        browser.get(base + "/");
        wait.until(ExpectedConditions.urlContains("/login"));
        checkAccessibility("sign-in");
        screenshot("sign-in");
        type(By.name("user"), "admin");
        type(By.name("password"), server.firstPassword().orElseThrow());
        browser.findElement(By.cssSelector("form button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Choose a new password"));
        type(By.name("fresh"), PASSWORD);
        type(By.name("again"), PASSWORD);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Dashboard"));
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/");
    }

    @Test
    @Order(2)
    void theDashboardShowsTheDemosTwelveHostsBySiteAndClusterWithTheirHaState() {
        browser.get(base + "/");
        WebElement count = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=host-count]")));

        assertThat(count.getText()).isEqualTo("12");
        assertThat(browser.findElements(By.cssSelector("table.hosts tbody tr"))).hasSize(12);
        assertThat(texts(By.cssSelector("h2"))).contains("Site paris — Production machine room, Paris",
                "Site lyon — Recovery site, Lyon");
        assertThat(texts(By.cssSelector("[data-testid=cluster-ha]"))).hasSize(3)
                .allSatisfy(ha -> assertThat(ha).startsWith("HA on, admitted"));
        assertThat(texts(By.cssSelector("table.hosts .host-name"))).contains("esx-par-01", "esx-lyo-03");
        checkAccessibility("dashboard");
        screenshot("dashboard");
    }

    @Test
    @Order(3)
    void theVmListSearchesByNameOnTheServerAndPagesOn() {
        browser.get(base + "/vms");
        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=vm-count]"), java.util.regex.Pattern.compile(
                "of \\d+ VMs")));
        int all = browser.findElements(By.cssSelector("table.vms tbody tr")).size();
        type(By.name("search"), "BILLING");

        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=vm-count]"),
                java.util.regex.Pattern.compile("^1–\\d of \\d VMs$")));
        List<String> names = texts(By.cssSelector("table.vms tbody th"));
        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(name).contains("billing"));
        assertThat(names.size()).isLessThan(all);
        List<String> fromApi = new java.util.ArrayList<>();
        api("/api/v1/vms?search=billing").get("items").forEach(vm -> fromApi.add(vm.get("name").asText()));
        assertThat(names).isEqualTo(fromApi);
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/vms?search=BILLING");
        checkAccessibility("vms");
        screenshot("vms");
    }

    @Test
    @Order(4)
    void aVmCreatedInThePageIsFollowedUntilItsOperationIsDone() {
        browser.get(base + "/vms/new");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("name")));
        type(By.name("name"), "ui-web-1");
        new Select(browser.findElement(By.name("cluster"))).selectByVisibleText("prod-a");
        replace(By.name("vcpus"), "1");
        replace(By.name("memory"), "512");
        checkAccessibility("vm-create");
        browser.findElement(By.cssSelector("form button[type=submit]")).click();

        patient(60).until(ExpectedConditions.textToBe(
                By.cssSelector("[data-testid=operation-state]"), "done"));
        screenshot("vm-create");
        WebElement open = browser.findElement(By.linkText("Open VM ui-web-1"));
        createdVmPath = URI.create(open.getAttribute("href")).getPath();
        open.click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM ui-web-1"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=vm-state]")))
                .getText()).isEqualTo("running");
    }

    @Test
    @Order(5)
    void aVmMigratedFromItsPageIsShownOnItsNewHostAndTheDeepLinkOpensIt() {
        browser.get(base + createdVmPath);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM ui-web-1"));
        String before = browser.findElement(By.cssSelector("[data-testid=vm-host]")).getText();
        Select target = new Select(browser.findElement(By.name("target")));
        String chosen = target.getOptions().get(1).getText();
        target.selectByVisibleText(chosen);
        browser.findElement(By.xpath("//button[text()='Migrate']")).click();

        patient(90).until(ExpectedConditions.textToBe(
                By.cssSelector("[data-testid=vm-host]"), chosen));
        assertThat(chosen).isNotEqualTo(before);
        JsonNode vm = api("/api/v1" + createdVmPath);
        assertThat(vm.get("hostId").asText()).isEqualTo(chosen);
        checkAccessibility("vm-detail");
        screenshot("vm-detail");
    }

    @Test
    @Order(6)
    void aMigrationTheEngineRefusesShowsTheServersSentenceAndMovesNothing() {
        JsonNode web = api("/api/v1/vms?search=shop-web-01").get("items").get(0);
        String host = web.get("hostId").asText();
        // a host where another VM of its anti-affinity group runs
        JsonNode sibling = api("/api/v1/vms?search=shop-web-02").get("items").get(0);
        browser.get(base + "/vms/" + web.get("id").asText());
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM shop-web-01"));
        new Select(browser.findElement(By.name("target"))).selectByValue(sibling.get("hostId").asText());
        browser.findElement(By.xpath("//button[text()='Migrate']")).click();

        WebElement alert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(alert.getText()).contains("anti-affinity group shop-web");
        assertThat(api("/api/v1/vms/" + web.get("id").asText()).get("hostId").asText()).isEqualTo(host);
    }

    @Test
    @Order(7)
    void aCrashedHostIsShownFencedAndAnAlarmIsAcknowledgedInThePage() throws Exception {
        String crashed = "esx-lyo-03";
        HttpResponse<String> fault = send("POST", "/api/v1/sim/hosts/" + crashed + "/faults", "{\"fault\":\"crash\"}");
        assertThat(fault.statusCode()).isEqualTo(200);
        browser.get(base + "/");
        By health = By.xpath("//tr[th[normalize-space()='" + crashed + "']]/td[3]");
        List<String> seen = new java.util.ArrayList<>();
        patient(120).until(driver -> {
            String now = driver.findElement(health).getText();
            if (seen.isEmpty() || !seen.getLast().equals(now)) {
                seen.add(now);
            }
            return now.equals("fenced");
        });
        // the page redraws every 5 s, so it may or may not catch the host suspect or fencing on its way
        assertThat(seen).endsWith("fenced");
        screenshot("dashboard-host-fenced");

        // an alarm to acknowledge: esx-par-01's CPU is above 1 % in every sample
        HttpResponse<String> threshold = send("POST", "/api/v1/thresholds", "{\"name\":\"busy-par-01\","
                + "\"metric\":\"host.cpu_percent\",\"comparison\":\"above\",\"value\":1,\"scope\":\"host\","
                + "\"scopeId\":\"esx-par-01\"}");
        assertThat(threshold.statusCode()).as(threshold.body()).isEqualTo(201);
        browser.get(base + "/alarms");
        By acknowledge = By.xpath("//button[text()='Acknowledge']");
        patient(120).until(driver -> {
            driver.navigate().refresh();
            return !driver.findElements(acknowledge).isEmpty();
        });
        int waiting = browser.findElements(acknowledge).size();
        checkAccessibility("alarms");
        screenshot("alarms");
        browser.findElement(acknowledge).click();

        wait.until(driver -> driver.findElements(acknowledge).size() == waiting - 1);
        browser.findElement(By.id("open-only")).click();
        wait.until(driver -> texts(By.cssSelector("table.alarms td")).contains("acknowledged by admin"));
        assertThat(api("/api/v1/alarms").findValues("acknowledged").stream().filter(a -> !a.isNull()).toList())
                .singleElement().satisfies(a -> assertThat(a.get("by").asText()).isEqualTo("admin"));
    }

    @Test
    @Order(8)
    void theOperationsPageListsTheWorkDoneAndTheFirstPageLoadIsSmall() throws Exception {
        browser.get(base + "/operations");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table tbody tr")));
        assertThat(texts(By.cssSelector("table tbody th"))).contains("vm.create", "vm.migrate");
        checkAccessibility("operations");
        screenshot("operations");
        browser.get(base + "/hosts");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table tbody tr")));
        checkAccessibility("hosts");

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                        + ".filter(n => n.includes('/ui/'))");
        long compressed = 0;
        for (String url : loaded) {
            compressed += gzipped(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
        }
        assertThat(loaded).anySatisfy(url -> assertThat(url).endsWith("/ui/app.js"));
        assertThat(compressed).as("JavaScript and CSS of the first page load, gzipped").isLessThan(300 * 1024);
    }

    @Test
    @Order(9)
    void aMigrationCancelledFromThePageStopsAndTheVmStaysWhereItWas() throws Exception {
        List<JsonNode> largestFirst = new java.util.ArrayList<>();
        api("/api/v1/vms?limit=1000").get("items").forEach(vm -> {
            if (vm.get("state").asText().equals("RUNNING") && vm.get("clusterId").asText().startsWith("prod-")) {
                largestFirst.add(vm);
            }
        });
        largestFirst.sort(java.util.Comparator.comparingLong(vm -> -vm.get("demand").get("memoryMib").asLong()));
        JsonNode vm = null;
        String target = null;
        for (JsonNode candidate : largestFirst) {
            JsonNode dryRun = Json.mapper().readTree(send("POST", "/api/v1/vms/" + candidate.get("id").asText()
                    + "/migrate?dryRun=true", "{}").body());
            if (dryRun.get("feasible").asBoolean()) {
                vm = candidate;
                target = dryRun.get("host").get("id").asText();
                break;
            }
        }
        assertThat(vm).as("a VM of prod-a or prod-b that may move").isNotNull();
        String id = vm.get("id").asText();
        String host = vm.get("hostId").asText();
        browser.get(base + "/vms/" + id);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM " + vm.get("name").asText()));
        new Select(browser.findElement(By.name("target"))).selectByValue(target);
        browser.findElement(By.xpath("//button[text()='Migrate']")).click();
        // the simulated room copies memory at 1 GiB/s: the largest VM takes many seconds to move
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".operation button"))).click();

        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=operation-state]"), "cancelled"));
        assertThat(browser.findElement(By.cssSelector(".operation .error")).getText()).contains("cancelled");
        assertThat(browser.findElement(By.cssSelector("[data-testid=vm-host]")).getText()).isEqualTo(host);
        assertThat(api("/api/v1/vms/" + id).get("hostId").asText()).isEqualTo(host);
    }

    /** A wait of {@code seconds} that looks again when the page redrew what it was reading. */
    private static WebDriverWait patient(int seconds) {
        WebDriverWait longer = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        longer.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return longer;
    }

    /** Runs axe-core in the page: no serious or critical violation of WCAG 2.1 A and AA. */
    private static void checkAccessibility(String page) {
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze(browser);
        List<String> grave = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(WebUiBrowserTest::described).toList();
        assertThat(grave).as("serious or critical axe-core violations on the " + page + " page").isEmpty();
    }

    private static String described(Rule rule) {
        return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at " + rule.getNodes().stream()
                .map(node -> String.valueOf(node.getTarget())).toList();
    }

    /** Writes the page as docs/screenshots/NAME.png, shown in the README. */
    private static void screenshot(String name) {
        try {
            Path folder = repositoryRoot().resolve("docs/screenshots");
            Files.createDirectories(folder);
            Files.write(folder.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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

    private static void type(By field, String text) {
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(field));
        input.sendKeys(text);
    }

    private static void replace(By field, String text) {
        WebElement input = browser.findElement(field);
        input.clear();
        input.sendKeys(text);
    }

    private static List<String> texts(By selector) {
        return browser.findElements(selector).stream().map(WebElement::getText).toList();
    }

    /** Reads the API as admin (HTTP Basic with the password chosen in the first test). */
    private static JsonNode api(String path) {
        try {
            HttpResponse<String> response = send("GET", path, null);
            assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
            return Json.mapper().readTree(response.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static long gzipped(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.size();
    }
}

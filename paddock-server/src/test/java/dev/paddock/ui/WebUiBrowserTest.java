package dev.paddock.ui;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
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
    private static final Duration PATIENCE = Duration.ofSeconds(45);

    @TempDir
    static Path data;

    static PaddockServer server;
    static WebDriver browser;
    static WebDriverWait wait;
    static String base;
    /** The VM the create test makes, which the migrate test then moves. */
    static String createdVmPath;
    /** The protected VMs the crashed host ran, and the host each then ran on. */
    static java.util.Map<String, String> restartedOn = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void startDemoAndBrowser() {
        server = PaddockServer.start(ServerConfig.inDirectory(data, "127.0.0.1", 0, ServerConfig.Room.DEMO));
        base = server.url().toString().replaceAll("/$", "");
        browser = HeadlessChromium.start();
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
    void theVmListSearchesByNameOnTheServer() {
        browser.get(base + "/vms");
        WebElement count = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=vm-count]")));
        wait.until(driver -> count.getText().matches("\\d+ VMs"));
        int all = Integer.parseInt(count.getText().split(" ")[0]);
        type(By.name("search"), "BILLING");

        wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=vm-count]"),
                java.util.regex.Pattern.compile("^\\d VMs?$")));
        List<String> names = texts(By.cssSelector("table.vms tbody th"));
        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(name).contains("billing"));
        assertThat(names.size()).isLessThan(all);
        List<String> fromApi = new java.util.ArrayList<>();
        api("/api/v1/vms?search=billing").get("items").forEach(vm -> fromApi.add(vm.get("name").asText()));
        assertThat(names).isEqualTo(fromApi);
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/vms?search=BILLING");
        checkAccessibility("vms");
        screenshot("vms-search");
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
    void aCrashedHostIsShownSuspectThenFencedItsVmsRunElsewhereAndAnAlarmIsAcknowledgedInThePage() throws Exception {
        String crashed = "esx-lyo-03";
        List<JsonNode> ran = new java.util.ArrayList<>();
        api("/api/v1/vms?limit=1000").get("items").forEach(vm -> {
            if (vm.get("hostId").asText().equals(crashed) && vm.get("state").asText().equals("RUNNING")) {
                ran.add(vm);
            }
        });
        List<JsonNode> protectedOnes = ran.stream().filter(vm -> vm.get("haPriority").asInt() > 0).toList();
        assertThat(protectedOnes).as("protected VMs running on " + crashed).isNotEmpty();
        browser.get(base + "/");
        // the dashboard follows HA's stream: each move HA decides is drawn as it comes, however short it lasts
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-live=ha] [data-host='" + crashed
                + "']")));
        ((JavascriptExecutor) browser).executeScript("""
                window.healthSeen = [];
                const look = () => {
                  const cell = document.querySelector('[data-host="' + arguments[0] + '"]');
                  if (cell && window.healthSeen.at(-1) !== cell.textContent) window.healthSeen.push(cell.textContent);
                };
                look();
                new MutationObserver(look).observe(document.getElementById('main'),
                    { subtree: true, childList: true, characterData: true });""", crashed);

        HttpResponse<String> fault = send("POST", "/api/v1/sim/hosts/" + crashed + "/faults", "{\"fault\":\"crash\"}");
        assertThat(fault.statusCode()).isEqualTo(200);

        patient(120).until(driver -> "fenced".equals(healthSeen().getLast()));
        assertThat(healthSeen()).startsWith("healthy").containsSubsequence("suspect", "fenced")
                .doesNotContain("isolated");
        By decisions = By.xpath("//table[contains(@class,'ha-activity')]//tr[th[normalize-space()='" + crashed
                + "']]/td[1]");
        wait.until(driver -> texts(decisions).contains("host.fenced"));
        checkAccessibility("dashboard after a crash");
        screenshot("dashboard-host-fenced");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('ha-activity').scrollIntoView()");
        screenshot("dashboard-ha-decisions");

        // each protected VM the host ran now runs on another host, in the VM list as in the API
        for (JsonNode vm : protectedOnes) {
            String name = vm.get("name").asText();
            JsonNode now = api("/api/v1/vms/" + vm.get("id").asText());
            String host = api("/api/v1/hosts/" + now.get("hostId").asText()).get("name").asText();
            assertThat(host).as(name + "'s host").isNotEqualTo(crashed);
            browser.get(base + "/vms?search=" + name);
            By row = By.xpath("//table[contains(@class,'vms')]//tr[th[normalize-space()='" + name + "']]/td");
            wait.until(driver -> driver.findElements(row).size() >= 2);
            assertThat(texts(row).subList(0, 2)).as(name).containsExactly("running", host);
            restartedOn.put(name, host);
        }

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

    @Test
    @Order(10)
    void aRunningVmsConsoleOpensFromItsPageAndTheSimulatedRoomSaysWhyItHasNone() {
        JsonNode vm = api("/api/v1/vms?search=shop-web-01").get("items").get(0);
        browser.get(base + "/vms/" + vm.get("id").asText());
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Console"))).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Console of VM shop-web-01"));
        WebElement alert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(alert.getText()).isEqualTo("VMs of the simulated room have no console.");
        assertThat(browser.findElement(By.cssSelector("[data-testid=console-state]")).getText())
                .isEqualTo("Not connected.");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/vms/" + vm.get("id").asText() + "/console");
        checkAccessibility("console");

        browser.findElement(By.linkText("Display")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Display of VM shop-web-01"));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]"))).getText())
                .isEqualTo("VMs of the simulated room have no console.");
        checkAccessibility("display");
    }

    /** Frames end at '~'; \e, \r, \n, \b and \t stand for their characters. */
    @org.junit.jupiter.params.ParameterizedTest(name = "the console's screen shows {0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            a boot line without its colours          | \\e[0;32m  OK  \\e[0m Started | '  OK   Started'
            an escape sequence cut between frames    | ab\\e[~1mcd                   | abcd
            a line rewritten after a carriage return | 12345\\rab                    | ab345
            a shell's backspaces and overwrite       | login: ab\\b\\bxy              | 'login: xy'
            lines ended by CR LF                     | one\\r\\ntwo                   | one\\ntwo
            a tab to the next stop of eight          | a\\tb                          | 'a       b'
            """)
    @Order(18)
    void theConsolesScreenHonoursWhatABootLogAndAShellUse(String what, String frames, String shown) {
        browser.get(base + "/");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Dashboard"));
        Object text = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const frames = arguments[0];
                import('/ui/console.js').then((m) => {
                  const screen = new m.Screen();
                  frames.split('~').forEach((frame) => screen.feed(frame));
                  done(screen.text());
                });""", unescape(frames));
        assertThat(text).isEqualTo(unescape(shown));
    }

    private static String unescape(String text) {
        return text.replace("\\e", "\u001b").replace("\\r", "\r").replace("\\n", "\n").replace("\\b", "\b")
                .replace("\\t", "\t");
    }

    @Test
    @Order(11)
    void theHaPageShowsEachClustersHostsWithTheirHealthAndHasDecisions() {
        browser.get(base + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("HA"))).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "High availability"));
        By crashed = By.xpath("//table[contains(@class,'ha-hosts')]//tr[th[normalize-space()='esx-lyo-03']]/td[1]");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(crashed)).getText()).isEqualTo("fenced");
        assertThat(browser.findElements(By.cssSelector("table.ha-hosts tbody tr"))).hasSize(12);
        assertThat(texts(By.cssSelector("[data-testid=ha-summary]")).getFirst())
                .isEqualTo("1 host(s) need HA now: esx-lyo-03 fenced.");
        List<String> decisions = texts(By.cssSelector("table.ha-events tbody td:nth-child(2)"));
        List<String> fromApi = new java.util.ArrayList<>();
        api("/api/v1/ha/events?limit=20").get("items").forEach(e -> fromApi.add(e.get("action").asText()));
        assertThat(decisions).isNotEmpty().isEqualTo(fromApi);
        checkAccessibility("ha");
        screenshot("ha");

        // every protected VM, highest priority first, and what HA did for those of the crashed host
        List<JsonNode> protectedVms = new java.util.ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = api("/api/v1/vms?search=&limit=1000" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            page.get("items").forEach(vm -> {
                if (vm.get("haPriority").asInt() > 0) {
                    protectedVms.add(vm);
                }
            });
            cursor = page.path("nextCursor").asText("");
        } while (!cursor.isEmpty());
        protectedVms.sort(java.util.Comparator.<JsonNode>comparingInt(vm -> -vm.get("haPriority").asInt())
                .thenComparing(vm -> vm.get("name").asText()));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.ha-vms tbody tr")));
        assertThat(texts(By.cssSelector("table.ha-vms tbody th")))
                .isEqualTo(protectedVms.stream().map(vm -> vm.get("name").asText()).toList());
        assertThat(texts(By.cssSelector("table.ha-vms tbody td:nth-child(2)")))
                .isEqualTo(protectedVms.stream().map(vm -> vm.get("haPriority").asText()).toList());
        assertThat(restartedOn).isNotEmpty();
        restartedOn.forEach((vm, host) -> {
            By cells = By.xpath("//table[contains(@class,'ha-vms')]//tr[th[normalize-space()='" + vm + "']]/td");
            List<String> row = texts(cells);
            assertThat(row.get(3)).as(vm + " restart").isEqualTo("restarted");
            assertThat(row.get(4)).as(vm + " why").startsWith("from esx-lyo-03 on " + host + ", ");
        });
        assertThat(browser.findElement(By.cssSelector("[data-testid=ha-vm-count]")).getText())
                .startsWith(protectedVms.size() + " of ");
        checkAccessibility("ha with protected VMs");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('ha-vms').scrollIntoView()");
        screenshot("ha-protected-vms");
    }

    @Test
    @Order(12)
    void aVmsHaProtectionIsChangedFromItsPage() {
        browser.get(base + createdVmPath);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM ui-web-1"));
        WebElement enabled = browser.findElement(By.id("ha-enabled"));
        if (!enabled.isSelected()) {
            enabled.click();
        }
        replace(By.name("ha-priority"), "7");
        browser.findElement(By.xpath("//button[text()='Save protection']")).click();

        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=ha-saved]"), "Protected, priority 7."));
        JsonNode ha = api("/api/v1" + createdVmPath + "/ha");
        assertThat(ha.get("priority").asInt()).isEqualTo(7);
        assertThat(ha.get("enabled").asBoolean()).isTrue();
        browser.findElement(By.id("ha-enabled")).click();
        browser.findElement(By.xpath("//button[text()='Save protection']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=ha-saved]"), "Not protected."));
        assertThat(api("/api/v1" + createdVmPath + "/ha").get("enabled").asBoolean()).isFalse();
    }

    @Test
    @Order(13)
    void aVmsAndAHostsUsageIsDrawnAsChartsFromMonitoring() {
        browser.get(base + createdVmPath);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "VM ui-web-1"));
        for (String chart : List.of("cpu", "memory", "disk", "network")) {
            By line = By.cssSelector("[data-testid=chart-" + chart + "] polyline");
            patient(60).until(driver -> driver.findElements(line).stream()
                    .anyMatch(l -> l.getAttribute("points").split(" ").length >= 2));
        }
        String cpu = browser.findElement(By.cssSelector("[data-testid=chart-cpu] svg title")).getAttribute("textContent");
        assertThat(cpu).matches("CPU of ui-web-1 over \\d+ samples: now CPU used \\d+ %; at most \\d+ %\\.");
        checkAccessibility("vm-detail with usage");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('usage').scrollIntoView()");
        screenshot("vm-usage");

        browser.get(base + "/hosts");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("esx-par-01"))).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Host esx-par-01"));
        patient(60).until(driver -> driver.findElements(By.cssSelector("[data-testid=chart-cpu] polyline")).stream()
                .anyMatch(l -> l.getAttribute("points").split(" ").length >= 2));
        String memory = browser.findElement(By.cssSelector("[data-testid=chart-memory] svg title"))
                .getAttribute("textContent");
        assertThat(memory).startsWith("Memory of esx-par-01 over ");
        checkAccessibility("host");
        screenshot("host");
    }

    @Test
    @Order(14)
    void theAuditLogPagesBackwardsAndItsChainIsVerifiedFromThePage() {
        browser.get(base + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Audit"))).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Audit log"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.audit tbody tr")));
        List<String> seqs = texts(By.cssSelector("table.audit tbody th"));
        List<String> fromApi = new java.util.ArrayList<>();
        api("/api/v1/audit?limit=50").get("items").forEach(e -> fromApi.add(e.get("seq").asText()));
        assertThat(seqs).isEqualTo(fromApi);
        assertThat(texts(By.cssSelector("table.audit tbody td:nth-child(4)"))).contains("ha.vm.set");
        browser.findElement(By.xpath("//button[text()='Verify the chain']")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=audit-verified]")))
                .getText()).matches("The chain holds: \\d+ entries, each hashed with the one before\\.");
        checkAccessibility("audit");
        screenshot("audit");
        if (fromApi.size() == 50 && api("/api/v1/audit?offset=50&limit=1").get("items").size() == 1) {
            browser.findElement(By.xpath("//button[text()='Older entries']")).click();
            wait.until(ExpectedConditions.textMatches(By.cssSelector("[data-testid=audit-range]"),
                    java.util.regex.Pattern.compile("^Entries 51–")));
            assertThat(browser.getCurrentUrl()).isEqualTo(base + "/audit?offset=50");
        }
    }

    @Test
    @Order(15)
    void anAdministratorMakesAUserGrantsItARoleAndRemovesTheGrant() {
        browser.get(base + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Users"))).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Users and roles"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.roles tbody tr")));
        assertThat(texts(By.cssSelector("table.roles tbody th"))).contains("administrator", "operator", "auditor",
                "read-only");

        type(By.name("new-user"), "ui-auditor");
        browser.findElement(By.xpath("//button[text()='Create user']")).click();
        String oneTime = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=one-time-password]"))).getText();
        assertThat(oneTime).isNotBlank();
        new Select(browser.findElement(By.name("grant-user"))).selectByVisibleText("ui-auditor");
        new Select(browser.findElement(By.name("grant-role"))).selectByVisibleText("auditor");
        new Select(browser.findElement(By.name("grant-scope"))).selectByVisibleText("site lyon");
        browser.findElement(By.xpath("//button[text()='Grant']")).click();

        By row = By.xpath("//table[contains(@class,'users')]//tr[th[normalize-space()='ui-auditor']]/td[2]");
        wait.until(ExpectedConditions.textToBe(row, "auditor on site lyon"));
        JsonNode user = java.util.stream.StreamSupport.stream(api("/api/v1/users").get("items").spliterator(), false)
                .filter(u -> u.get("name").asText().equals("ui-auditor")).findFirst().orElseThrow();
        assertThat(user.get("mustChangePassword").asBoolean()).isTrue();
        assertThat(user.get("grants").get(0).get("role").asText()).isEqualTo("auditor");
        checkAccessibility("users");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        screenshot("users");

        browser.findElement(By.cssSelector("button[aria-label='Remove grant of auditor to ui-auditor']")).click();
        wait.until(ExpectedConditions.textToBe(row, "none"));
    }

    @Test
    @Order(16)
    void aConsolidationPlanIsMadeFromAnUploadedCsvAndItsMigrationSubmitted() throws Exception {
        // the example's first five servers (and its header)
        List<String> lines = Files.readAllLines(repositoryRoot().resolve("examples/consolidation/servers-200.csv"));
        Path csv = data.resolve("five-servers.csv");
        Files.write(csv, lines.subList(0, 6));
        JsonNode expected = Json.mapper().readTree(send("POST", "/api/v1/consolidation/plans", Json.mapper()
                .writeValueAsString(java.util.Map.of("inventory", String.join("\n", lines.subList(0, 6)) + "\n",
                        "hostModel", "small", "seconds", 1))).body());

        browser.get(base + "/");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Consolidation"))).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Consolidation planner"));
        browser.findElement(By.name("inventory")).sendKeys(csv.toString());
        replace(By.name("model"), "small");
        replace(By.name("seconds"), "1");
        browser.findElement(By.xpath("//button[text()='Plan']")).click();

        By figure = By.xpath("//table[contains(@class,'plan-figures')]//tr[th[normalize-space()='VMs (one per application)']]/td");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(figure)).getText())
                .isEqualTo(expected.get("vms").asText());
        assertThat(browser.findElement(By.xpath("//table[contains(@class,'plan-figures')]//tr[th[normalize-space()="
                + "'Physical servers']]/td")).getText()).isEqualTo("5");
        List<String> vms = texts(By.cssSelector("table.plan-migrations tbody th"));
        List<String> fromApi = new java.util.ArrayList<>();
        expected.get("migrations").forEach(m -> fromApi.add(m.get("vm").asText()));
        assertThat(vms).isEqualTo(fromApi);
        checkAccessibility("consolidation");
        screenshot("consolidation");

        new Select(browser.findElement(By.name("plan-cluster"))).selectByVisibleText("prod-a");
        browser.findElement(By.xpath("//button[text()='Submit the migration']")).click();
        patient(60).until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=operation-state]"), "done"));
        for (String vm : fromApi) {
            JsonNode found = api("/api/v1/vms?search=" + vm).get("items");
            assertThat(found).as("VM " + vm).anySatisfy(v -> {
                assertThat(v.get("name").asText()).isEqualTo(vm);
                assertThat(v.get("clusterId").asText()).isEqualTo("prod-a");
            });
        }
    }

    @Test
    @Order(17)
    void onATabletEachMainPageFitsTheScreensWidth() {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(768, 1024));
        java.util.Map<String, Integer> overflowing = new java.util.LinkedHashMap<>();
        try {
            for (String path : List.of("/", "/vms", "/hosts", "/ha", "/operations", "/alarms", "/audit", "/users",
                    "/consolidation", createdVmPath)) {
                browser.get(base + path);
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
                wait.until(driver -> !driver.findElement(By.tagName("h1")).getText().isEmpty()
                        && driver.findElements(By.cssSelector("[aria-busy=true]")).isEmpty());
                Object overflow = ((JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (((Number) overflow).intValue() > 0) {
                    overflowing.put(path, ((Number) overflow).intValue());
                }
            }
            assertThat(overflowing).as("pages wider than 768 px, by how many pixels").isEmpty();
            browser.get(base + "/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=host-count]")));
            screenshot("dashboard-tablet");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
        }
    }

    @Test
    @Order(18)
    void theVmListDrawsOnlyTheRowsInViewReadsOnFromTheCursorAndTheKeyboardWalksItToTheEnd() {
        List<String> every = new java.util.ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = api("/api/v1/vms?search=&limit=20" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            page.get("items").forEach(vm -> every.add(vm.get("name").asText()));
            cursor = page.path("nextCursor").asText("");
        } while (!cursor.isEmpty());
        browser.get(base + "/vms");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=vm-count]"), every.size() + " VMs"));
        By drawn = By.cssSelector("table.vms tbody tr[aria-rowindex]");

        assertThat(browser.findElement(By.cssSelector("table.vms")).getDomAttribute("aria-rowcount"))
                .isEqualTo(String.valueOf(every.size() + 1));
        assertThat(every.size()).as("VMs in the demo's room by now").isGreaterThan(50);
        List<String> firstDrawn = texts(By.cssSelector("table.vms tbody th"));
        assertThat(firstDrawn.size()).as("rows drawn of " + every.size()).isBetween(10, 40);
        assertThat(firstDrawn).isEqualTo(every.subList(0, firstDrawn.size()));
        checkAccessibility("vms");
        screenshot("vms");

        // the keyboard walks on: End goes to the last row read, and from there the list reads the next page
        browser.findElement(By.cssSelector("table.vms tbody tr[aria-rowindex='2'] a")).sendKeys(Keys.ARROW_DOWN);
        assertThat(focusedRow()).isEqualTo(3);
        patient(30).until(driver -> {
            driver.switchTo().activeElement().sendKeys(Keys.END);
            return focusedRow() == every.size() + 1;
        });
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo(every.getLast());
        browser.switchTo().activeElement().sendKeys(Keys.ARROW_UP);
        assertThat(focusedRow()).isEqualTo(every.size());
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo(every.get(every.size() - 2));
        assertThat(browser.findElements(drawn).size()).as("rows drawn at the end").isLessThan(41);
        assertThat(browser.findElement(By.cssSelector("[data-testid=vm-window]")).getText())
                .endsWith("; " + every.size() + " read");
        List<Integer> indexes = browser.findElements(drawn).stream()
                .map(row -> Integer.parseInt(row.getDomAttribute("aria-rowindex"))).toList();
        List<String> names = texts(By.cssSelector("table.vms tbody th"));
        for (int i = 0; i < indexes.size(); i++) {
            assertThat(names.get(i)).as("row " + indexes.get(i)).isEqualTo(every.get(indexes.get(i) - 2));
        }
        checkAccessibility("vms at the end of the list");

        // scrolled back to the top, the row that had the focus is gone: the list's box keeps the focus, Home goes on
        ((JavascriptExecutor) browser).executeScript("document.querySelector('.vlist').scrollTop = 0");
        wait.until(driver -> "vlist".equals(driver.switchTo().activeElement().getDomAttribute("class")));
        browser.switchTo().activeElement().sendKeys(Keys.HOME);
        assertThat(focusedRow()).isEqualTo(2);
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo(every.getFirst());
    }

    /** The aria-rowindex of the row the keyboard's focus is in. */
    private static int focusedRow() {
        return ((Number) ((JavascriptExecutor) browser).executeScript(
                "return Number(document.activeElement.closest('tr').getAttribute('aria-rowindex'))")).intValue();
    }

    /** Each HA health the page showed the crashed host in, in order (recorded by the page's observer). */
    @SuppressWarnings("unchecked")
    private static List<String> healthSeen() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return window.healthSeen");
    }

    /** A wait of {@code seconds} that looks again when the page redrew what it was reading. */
    private static WebDriverWait patient(int seconds) {
        WebDriverWait longer = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        longer.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return longer;
    }

    private static void checkAccessibility(String page) {
        HeadlessChromium.checkAccessibility(browser, page);
    }

    private static void screenshot(String name) {
        HeadlessChromium.screenshot(browser, name);
    }

    private static Path repositoryRoot() {
        Path at = Path.of("").toAbsolutePath();
        while (at != null && !Files.exists(at.resolve("examples"))) {
            at = at.getParent();
        }
        return java.util.Objects.requireNonNull(at, "no repository root above the working directory");
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

    /**
     * The texts of the elements {@code selector} finds; the dashboard redraws as the server's HA events arrive, so a
     * read that meets a redraw (an element gone stale) reads them again.
     */
    private static List<String> texts(By selector) {
        return new org.openqa.selenium.support.ui.WebDriverWait(browser, PATIENCE)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(driver -> driver.findElements(selector).stream().map(WebElement::getText).toList());
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

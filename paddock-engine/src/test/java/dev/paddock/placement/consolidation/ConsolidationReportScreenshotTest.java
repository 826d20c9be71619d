package dev.paddock.placement.consolidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report of the 200-server example, rendered by headless Chromium, shows its charts. */
class ConsolidationReportScreenshotTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;

    @TempDir
    Path dir;

    /**
     * {@code ./paddock test} installs Debian's chromium and sets PADDOCK_FULL_TEST, so there the browser must be
     * present; a bare {@code mvn test} on a machine without the package skips, saying why.
     */
    private static void requireChromium() {
        if (System.getenv("PADDOCK_FULL_TEST") != null) {
            assertThat(CHROMIUM).as("chromium must be installed for the full test run").isExecutable();
        }
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
    }

    @Test
    void theReportOfTheTwoHundredServerExampleRendersWithItsCharts() throws IOException, InterruptedException {
        requireChromium();
        ConsolidationPlanner.Plan plan = ConsolidationPlanner.plan(
                ServerInventory.parse(Files.readString(ExampleInventoryTest.examples().resolve("servers-200.csv"))),
                HostModel.parse("medium"), 20, Duration.ofSeconds(10), System::nanoTime, 1, 100_000);
        Path html = dir.resolve("report.html");
        Files.writeString(html, ConsolidationReport.html(plan,
                MigrationOperation.of(plan, "consolidated", "host", "test").steps().size()));
        Path png = dir.resolve("report.png");

        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT, html.toUri().toString()));
        Process chromium = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertThat(chromium.waitFor(90, TimeUnit.SECONDS)).as("chromium finished within 90 s").isTrue();
        assertThat(chromium.exitValue()).as(() -> log()).isZero();

        assertThat(png).as(() -> log()).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        // The three charts sit between the summary table and the licences, in the top half of the page.
        assertThat(pixels(image, 0x3b6fb6)).as("CPU bars").isGreaterThan(10_000);
        assertThat(pixels(image, 0xe08a2c)).as("memory bars after").isGreaterThan(10_000);
        assertThat(pixels(image, 0x9fb8dc)).as("peak bars before").isGreaterThan(10_000);
        assertThat(pixels(image, 0x27ae60)).as("power after").isGreaterThan(1_000);
        assertThat(distinctColours(image, 300, 1300)).as("colours in the chart area").isGreaterThan(20);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("chromium.log"));
        } catch (IOException e) {
            return "no chromium log: " + e.getMessage();
        }
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }

    private static int distinctColours(BufferedImage image, int fromY, int toY) {
        Set<Integer> colours = new HashSet<>();
        for (int y = fromY; y < Math.min(toY, image.getHeight()); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }
}

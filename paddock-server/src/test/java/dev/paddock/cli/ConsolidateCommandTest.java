package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolidateCommandTest {
    static final String MEDIUM = "cpu=64000,memory=524288,disk=8000,network=25000,watts=450,cost=12000";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int paddock(String... args) {
        return Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
    }

    /** The repository's 200-server example, found by walking up from the working directory. */
    static Path example() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/consolidation/servers-200.csv");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("examples/consolidation/servers-200.csv not found above "
                + Path.of("").toAbsolutePath());
    }

    private Path csv(String text) throws IOException {
        Path file = dir.resolve("servers.csv");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void planPrintsTheReportAndWritesTheHtmlAndTheOperation() throws IOException {
        Path html = dir.resolve("report.html");
        Path operation = dir.resolve("operation.json");

        assertThat(paddock("consolidate", "plan", example().toString(), "--host-model", MEDIUM, "--headroom", "20",
                "--html", html.toString(), "--operation", operation.toString(), "--seconds", "2")).isZero();

        assertThat(out.toString()).contains("Physical servers                   200", "Hosts with N+1 spare",
                "Power (W)", "windows-server", "later P2V step", "HTML report written to " + html);
        assertThat(Files.readString(html)).startsWith("<!doctype html>").contains("<svg id=\"after\"");
        JsonNode plan = Json.mapper().readTree(operation.toFile());
        assertThat(plan.get("kind").asText()).isEqualTo("consolidate");
        assertThat(plan.get("steps").get(0).get("type").asText()).isEqualTo("RecordVm");
        assertThat(plan.get("steps").get(1).get("type").asText()).isEqualTo("DefineVm");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aPresetNamesTheHostModel() throws IOException {
        Path file = csv("name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps\n"
                + "a,4,10,8,10,10,10\nb,4,10,8,10,10,10\nc,4,10,8,10,10,10\n");

        assertThat(paddock("consolidate", "plan", file.toString(), "--host-model", "small", "--seconds", "1"))
                .isZero();

        assertThat(out.toString()).contains("onto small hosts", "Hosts for the load                 1",
                "Hosts with N+1 spare               2", "Servers saved                      1");
    }

    @Test
    void planWithJsonOutputPrintsThePlanAsTheApiShowsIt() throws IOException {
        Path file = csv("name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps\n"
                + "a,4,10,8,10,10,10\nb,4,10,8,10,10,10\nc,4,10,8,10,10,10\n");

        assertThat(paddock("consolidate", "plan", file.toString(), "--host-model", "small", "--seconds", "1", "-o",
                "json")).isZero();

        JsonNode plan = Json.mapper().readTree(out.toString());
        assertThat(plan.get("serversBefore").asInt()).isEqualTo(3);
        assertThat(plan.get("hostsWithSpare").asInt()).isEqualTo(2);
        assertThat(plan.get("migrations")).hasSize(3);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBadRowIsOneSentenceNamingTheLineAndExitCodeRejected() throws IOException {
        Path file = csv("name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps\n"
                + "a,4,10,8,10,10,10\n\nb,four,10,8,10,10,10\n");

        assertThat(paddock("consolidate", "plan", file.toString(), "--host-model", "medium"))
                .isEqualTo(ExitCode.REJECTED.code());

        assertThat(err.toString().strip()).isEqualTo("paddock: " + file
                + ": line 4: cpu_cores is 'four', not a whole number.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aMissingFileIsRejectedAndABadHostModelIsAUsageError() {
        assertThat(paddock("consolidate", "plan", dir.resolve("nope.csv").toString(), "--host-model", "medium"))
                .isEqualTo(ExitCode.REJECTED.code());
        assertThat(err.toString()).contains("no such file").doesNotContain("Exception");

        assertThat(paddock("consolidate", "plan", "x.csv", "--host-model", "cpu=1,memory=2"))
                .isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("--host-model: disk is missing.");
    }
}

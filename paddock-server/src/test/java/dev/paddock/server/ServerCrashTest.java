package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.security.Secrets;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.DemoRoom;
import dev.paddock.sim.Effects;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedRoom;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole server, as users run it ({@code paddock server}), killed with SIGKILL while a VM is being
 * created through the REST API, then started again on the same store and simulated room: the operation
 * must finish, exactly once, with no step repeated with effect.
 *
 * <p>The room's define and start calls are made slow (a fault kept in the room's state file), so that the
 * kill lands inside the step the test names.
 */
class ServerCrashTest {

    private static final Duration SLOW = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token = Secrets.strong().token();

    @TempDir
    Path data;

    @ParameterizedTest(name = "killed while step {0} ({1}) runs")
    @CsvSource({"1, define", "2, start"})
    void aServerKilledMidOperationFinishesItOnceAfterRestart(int step, String what) throws Exception {
        prepareSlowRoom();
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);

        Process first = startServer(port);
        String operationId;
        try {
            awaitUp(base);
            JsonNode accepted = send(base, "POST", "/api/v1/vms",
                    "{\"name\":\"crash-" + step + "\",\"clusterId\":\"prod-a\",\"vcpus\":1,\"memoryMib\":512}");
            operationId = accepted.path("id").asText();
            assertThat(operationId).isNotBlank();
            await(base, "/api/v1/operations/" + operationId,
                    op -> op.path("steps").path(step).path("state").asText().equals("RUNNING"));
        } finally {
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Process second = startServer(port);
        String vmId;
        try {
            awaitUp(base);
            JsonNode done = await(base, "/api/v1/operations/" + operationId,
                    op -> op.path("state").asText().matches("DONE|FAILED|CANCELLED|ROLLED_BACK"));
            assertThat(done.path("state").asText()).isEqualTo("DONE");
            for (JsonNode s : done.path("steps")) {
                assertThat(s.path("state").asText()).as("step %s", s.path("description").asText()).isEqualTo("DONE");
            }
            vmId = done.path("target").asText();
            JsonNode vm = await(base, "/api/v1/vms/" + vmId, v -> v.path("state").asText().equals("RUNNING"));
            assertThat(vm.path("name").asText()).isEqualTo("crash-" + step);
            assertThat(countNamed(base, "crash-" + step)).isEqualTo(1);
        } finally {
            second.destroy();
            if (!second.waitFor(30, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }

        try (RealTimeClock clock = new RealTimeClock();
                SimulatedHypervisor room = RoomFile.load(roomFile(), clock)) {
            Effects effects = room.effects(vmId);
            assertThat(effects.defined()).as("times the domain was really defined").isEqualTo(1);
            assertThat(effects.started()).as("times the domain was really started").isEqualTo(1);
            assertThat(effects.destroyed() + effects.undefined()).isZero();
        }
    }

    private Path roomFile() {
        return data.resolve("sim-room.json");
    }

    /** The demo room, with slow define and start calls, saved where the server will find it. */
    private void prepareSlowRoom() {
        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedRoom room = RoomFile.openDemo(roomFile(), clock, 2026);
            try (SimulatedHypervisor sim = room.hypervisor()) {
                sim.inject(new Fault.SlowCalls(CallKind.DEFINE, SLOW));
                sim.inject(new Fault.SlowCalls(CallKind.START, SLOW));
            }
        }
    }

    private Process startServer(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.paddock.Main", "server", "--plain-http",
                "--port", String.valueOf(port),
                "--room", "demo",
                "--data", data.toString(),
                "--db", "jdbc:h2:file:" + data.resolve("paddock")));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PADDOCK_ADMIN_TOKEN", token);
        return builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()))
                .start();
    }

    private void awaitUp(URI base) throws Exception {
        await(base, "/api/v1/hosts", hosts -> hosts.path("items").size() > 0);
    }

    private JsonNode await(URI base, String path, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = send(base, "GET", path, null);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("gave up waiting on " + path + "; last answer: " + last + "; server log in " + data);
    }

    private JsonNode send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readTree(response.body());
    }

    private int countNamed(URI base, String name) throws Exception {
        int count = 0;
        for (JsonNode vm : send(base, "GET", "/api/v1/vms?limit=1000", null).path("items")) {
            if (vm.path("name").asText().equals(name)) {
                count++;
            }
        }
        return count;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

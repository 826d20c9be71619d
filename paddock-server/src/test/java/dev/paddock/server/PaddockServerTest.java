package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole server built from its configuration: the demo room, and what survives a restart. */
class PaddockServerTest {

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theDemoRoomComesUpWithItsHostsAndRunningVms() throws Exception {
        try (PaddockServer server = PaddockServer.start(demo())) {
            assertThat(get(server, "/api/v1/hosts").get("total").asInt()).isEqualTo(4);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> states(server).stream()
                    .filter("RUNNING"::equals).count() == 6);
            assertThat(get(server, "/api/v1/operations").get("items"))
                    .allSatisfy(op -> assertThat(op.get("state").asText()).isEqualTo("DONE"));
        }
    }

    @Test
    void aRestartKeepsTheInventoryAndTheRoomWithoutSeedingTwice() throws Exception {
        try (PaddockServer first = PaddockServer.start(demo())) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> states(first).stream()
                    .filter("RUNNING"::equals).count() == 6);
        }

        try (PaddockServer second = PaddockServer.start(demo())) {
            assertThat(get(second, "/api/v1/vms").get("total").asInt()).isEqualTo(6);
            assertThat(get(second, "/api/v1/operations").get("total").asInt()).isEqualTo(6);
            assertThat(second.parts().hypervisor().isConnected("node-1")).isTrue();
            assertThat(states(second)).containsOnly("RUNNING");
        }
    }

    @Test
    void anEmptyRoomServesAnEmptyInventory() throws Exception {
        try (PaddockServer server = PaddockServer.start(
                ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.EMPTY))) {
            assertThat(get(server, "/api/v1/hosts").get("total").asInt()).isZero();
            assertThat(get(server, "/api/v1/vms").get("total").asInt()).isZero();
        }
    }

    private ServerConfig demo() {
        return ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.DEMO);
    }

    private List<String> states(PaddockServer server) throws IOException, InterruptedException {
        List<String> states = new ArrayList<>();
        get(server, "/api/v1/vms").get("items").forEach(vm -> states.add(vm.get("state").asText()));
        return states;
    }

    private JsonNode get(PaddockServer server, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }
}

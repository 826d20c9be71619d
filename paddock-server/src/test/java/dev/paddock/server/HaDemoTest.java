package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.security.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo server comes up with HA armed: every simulated host has the room's BMC as fence device. */
class HaDemoTest {

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token = Secrets.strong().token();

    private HttpResponse<String> get(PaddockServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(URI.create(path)))
                .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyDemoHostIsArmedAndFencedByTheSimulatedRoomsBmcs() throws Exception {
        try (PaddockServer server = PaddockServer.start(
                ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.DEMO).withAdministratorToken(token))) {
            JsonNode status = Json.mapper().readTree(get(server, "/api/v1/ha/status").body());

            assertThat(status.get("hosts")).hasSize(12).allSatisfy(host -> {
                assertThat(host.get("armed").asBoolean()).isTrue();
                assertThat(host.get("health").asText()).isEqualTo("HEALTHY");
            });
            JsonNode fence = Json.mapper().readTree(get(server, "/api/v1/hosts/esx-par-01/fence").body());
            assertThat(fence.get("agent").asText()).isEqualTo("fence_sim");
            assertThat(fence.get("options").get("plug").asText()).isEqualTo("esx-par-01");
            assertThat(fence.get("options").get("password").asText()).isEqualTo("(set)");
            assertThat(get(server, "/metrics").body()).contains("paddock_ha_fence_failures_total",
                    "paddock_ha_detect_seconds");
        }
    }
}

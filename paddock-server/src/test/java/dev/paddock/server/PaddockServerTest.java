package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.security.Secrets;
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
    private final String token = Secrets.strong().token();

    @Test
    void theDemoRoomComesUpWithItsHostsConnectedAndItsVmsRunning() throws Exception {
        try (PaddockServer server = PaddockServer.start(demo())) {
            JsonNode hosts = get(server, "/api/v1/hosts");
            assertThat(hosts.get("total").asInt()).isEqualTo(12);
            hosts.get("items").forEach(host -> assertThat(server.parts().hypervisor()
                    .isConnected(host.get("id").asText())).isTrue());
            assertThat(get(server, "/api/v1/clusters").get("total").asInt()).isEqualTo(3);
            assertThat(states(server)).hasSizeGreaterThan(50).containsOnly("RUNNING");
        }
    }

    @Test
    void aVmCreatedInTheDemoRoomRunsAndSurvivesARestart() throws Exception {
        int before;
        try (PaddockServer first = PaddockServer.start(demo())) {
            assertThat(first.firstPassword()).hasValueSatisfying(password -> assertThat(password).hasSize(20));
            before = states(first).size();
            HttpResponse<String> created = post(first, "/api/v1/vms",
                    "{\"name\":\"test-1\",\"clusterId\":\"prod-a\",\"vcpus\":2,\"memoryMib\":4096}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            String operation = created.headers().firstValue("Location").orElseThrow();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(first, operation).get("state").asText().equals("DONE"));
        }

        try (PaddockServer second = PaddockServer.start(demo())) {
            assertThat(second.firstPassword()).as("the one-time password is shown on the first start only").isEmpty();
            assertThat(states(second)).hasSize(before + 1).containsOnly("RUNNING");
            assertThat(get(second, "/api/v1/operations").get("total").asInt()).isEqualTo(1);
        }
    }

    @Test
    void anEmptyRoomServesAnEmptyInventory() throws Exception {
        try (PaddockServer server = PaddockServer.start(
                ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.EMPTY)
                        .withAdministratorToken(token))) {
            assertThat(get(server, "/api/v1/hosts").get("total").asInt()).isZero();
            assertThat(get(server, "/api/v1/vms").get("total").asInt()).isZero();
        }
    }

    @Test
    void withoutAuthenticationTheServerAnswersWithoutCredentialsAndOnlyOnLoopback() throws Exception {
        ServerConfig config = ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.EMPTY);
        try (PaddockServer shipped = PaddockServer.start(config)) {
            assertThat(anonymous(shipped, "/api/v1/vms").statusCode()).isEqualTo(401);
        }
        try (PaddockServer open = PaddockServer.start(config.withoutAuthenticationOnLoopback())) {
            HttpResponse<String> vms = anonymous(open, "/api/v1/vms");
            assertThat(vms.statusCode()).as(vms.body()).isEqualTo(200);
            assertThat(anonymous(open, "/api/v1/users/me").body()).contains("\"name\":\"admin\"");
        }

        assertThat(config.authenticate()).isTrue();
        for (String host : List.of("0.0.0.0", "::", "192.0.2.7")) {
            assertThatThrownBy(() -> ServerConfig.inDirectory(directory, host, 0, ServerConfig.Room.EMPTY)
                    .withoutAuthenticationOnLoopback())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a server without authentication listens on a loopback address only, not on " + host);
        }
    }

    private HttpResponse<String> anonymous(PaddockServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ServerConfig demo() {
        return ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.DEMO).withAdministratorToken(token);
    }

    private List<String> states(PaddockServer server) throws IOException, InterruptedException {
        List<String> states = new ArrayList<>();
        get(server, "/api/v1/vms?limit=1000").get("items").forEach(vm -> states.add(vm.get("state").asText()));
        return states;
    }

    private JsonNode get(PaddockServer server, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private HttpResponse<String> post(PaddockServer server, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console routes' refusals, on the simulated room (whose VMs have none): each a problem+json sentence, and for
 * the WebSocket routes before the upgrade. The consoles themselves are held by the lab test (LabConsoleTest).
 */
class ConsoleApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    @DisplayName("an unknown VM has no console: 404 on every console route, the WebSockets before the upgrade")
    void unknownVm() {
        for (TestServer.Reply reply : new TestServer.Reply[] {server.get("/api/v1/vms/nope/console/vnc"),
                server.post("/api/v1/vms/nope/console/vnc/password", "")}) {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(detail(reply.body())).isEqualTo("No VM has id 'nope'.");
        }
        assertThat(refusedUpgrade("/api/v1/vms/nope/console/serial")).isEqualTo("404 No VM has id 'nope'.");
        assertThat(refusedUpgrade("/api/v1/vms/nope/console/vnc/ws")).isEqualTo("404 No VM has id 'nope'.");
    }

    @Test
    @DisplayName("a VM of the simulated room has no console: 409 with one sentence, not a 500")
    void simulatedRoom() {
        String id = server.createVm("sim-1", 1, 512);
        String sentence = "VMs of the simulated room have no console.";

        TestServer.Reply display = server.get("/api/v1/vms/" + id + "/console/vnc");
        assertThat(display.status()).isEqualTo(409);
        assertThat(detail(display.body())).isEqualTo(sentence);
        TestServer.Reply rotated = server.post("/api/v1/vms/" + id + "/console/vnc/password", "");
        assertThat(rotated.status()).isEqualTo(409);
        assertThat(detail(rotated.body())).isEqualTo(sentence);
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/serial")).isEqualTo("409 " + sentence);
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/serial", java.util.Optional.empty()))
                .startsWith("401 This request needs credentials");
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/vnc/ws", java.util.Optional.of("Bearer wrong")))
                .startsWith("401 ");
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/serial?force=true")).isEqualTo("409 " + sentence);
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/vnc/ws")).isEqualTo("409 " + sentence);
    }

    @Test
    @DisplayName("a VM that does not run has no console open: 409 saying so, before the upgrade")
    void stoppedVm() {
        String id = server.createVm("sim-2", 1, 512);
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop", ""));
        String sentence = "VM 'sim-2' is not running; its consoles open only while it runs.";

        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/serial")).isEqualTo("409 " + sentence);
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/serial", java.util.Optional.empty()))
                .startsWith("401 This request needs credentials");
        assertThat(refusedUpgrade("/api/v1/vms/" + id + "/console/vnc/ws", java.util.Optional.of("Bearer wrong")))
                .startsWith("401 ");
        TestServer.Reply display = server.get("/api/v1/vms/" + id + "/console/vnc");
        assertThat(display.status()).isEqualTo(409);
        assertThat(detail(display.body())).isEqualTo(sentence);
    }

    /** Opens a WebSocket that the server must refuse; answers the refusal's status and problem detail. */
    private String refusedUpgrade(String path) {
        return refusedUpgrade(path, java.util.Optional.of("Bearer " + server.adminToken));
    }

    private String refusedUpgrade(String path, java.util.Optional<String> authorization) {
        URI uri = URI.create("ws://" + server.url().getAuthority() + path);
        var builder = HttpClient.newHttpClient().newWebSocketBuilder();
        authorization.ifPresent(value -> builder.header("Authorization", value));
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> builder
                .buildAsync(uri, new WebSocket.Listener() {}).join());
        assertThat(refused).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        var response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
        return response.statusCode() + " " + detail(String.valueOf(response.body()));
    }

    private static String detail(String body) {
        try {
            JsonNode problem = Json.mapper().readTree(body);
            return problem.path("detail").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError("not problem+json: " + body, e);
        }
    }
}

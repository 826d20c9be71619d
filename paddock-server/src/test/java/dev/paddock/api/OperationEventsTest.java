package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /operations/{id}/events streams the operation at each change and ends when it is final. */
class OperationEventsTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRunningOperationIsStreamedUntilItIsDone() throws Exception {
        String vm = server.createVm("slow-stopper", 1, 512);
        TestServer.Reply stop = server.post("/api/v1/vms/" + vm + "/stop?timeoutSeconds=30", "");
        String id = stop.json().get("id").asText();

        CompletableFuture<List<String>> stream = http.sendAsync(events(id), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> response.body().collect(Collectors.toList()));
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            server.clock.advance(Duration.ofSeconds(1));
            return stream.isDone();
        });

        List<JsonNode> operations = stream.get().stream().filter(line -> line.startsWith("data:"))
                .map(line -> parse(line.substring("data:".length()).trim())).toList();
        assertThat(stream.get()).contains("event: operation");
        assertThat(operations).isNotEmpty();
        assertThat(operations.getLast().get("state").asText()).isEqualTo("DONE");
        assertThat(operations).allSatisfy(op -> assertThat(op.get("id").asText()).isEqualTo(id));
    }

    @Test
    void aFinishedOperationIsSentOnceAndTheStreamEnds() throws Exception {
        String vm = server.createVm("quick", 1, 512);
        String id = server.get("/api/v1/operations").json().get("items").get(0).get("id").asText();

        HttpResponse<String> response = http.send(events(id), HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.body().lines().filter(line -> line.startsWith("data:"))).hasSize(1);
        assertThat(response.body()).contains(vm);
    }

    @Test
    void anUnknownOperationIsA404ProblemNotAStream() throws Exception {
        HttpResponse<String> response = http.send(events("nope"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private HttpRequest events(String id) {
        return HttpRequest.newBuilder(server.url().resolve("/api/v1/operations/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + server.adminToken).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}

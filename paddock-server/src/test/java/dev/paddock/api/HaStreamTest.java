package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /ha/stream: HA's status, then its latest decisions, then each new one as it is written, resumed after the
 * last one a reader got.
 */
class HaStreamTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Stream<String>> open = new CopyOnWriteArrayList<>();

    /** One server-sent event: its name, id (empty when it has none) and data. */
    record Event(String name, String id, JsonNode data) {}

    @AfterEach
    void closeStreams() {
        open.forEach(Stream::close);
    }

    @Test
    void aReaderGetsTheStatusThenTheLatestDecisionsThenEachNewOneButNoOtherAuditEntry() {
        put("/api/v1/clusters/cluster-1/ha", "{\"detectionWindowSeconds\":30}");

        List<Event> events = follow(null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);

        assertThat(events.getFirst().name()).isEqualTo("status");
        assertThat(events.getFirst().data().get("hosts").findValuesAsText("hostId")).containsExactly("host-1", "host-2");
        assertThat(events.get(1).name()).isEqualTo("decision");
        assertThat(events.get(1).data().get("action").asText()).isEqualTo("ha.cluster.set");
        assertThat(events.get(1).id()).isEqualTo(events.get(1).data().get("seq").asText());
        assertThat(events.getFirst().data().get("latestDecision").asLong()).isEqualTo(events.get(1).data().get("seq")
                .asLong());

        server.createVm("web-1", 1, 512);
        server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"enter\"}");

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e.data().path("action").asText().equals("ha.maintenance.enter")));
        assertThat(events.subList(1, events.size())).allSatisfy(e -> {
            assertThat(e.name()).isEqualTo("decision");
            assertThat(e.data().get("action").asText()).startsWith("ha.");
        });
        assertThat(server.get("/api/v1/audit").body()).contains("vm.create");
    }

    @Test
    void aReaderThatReconnectsGetsOnlyTheDecisionsAfterTheLastOneItGot() {
        put("/api/v1/clusters/cluster-1/ha", "{\"detectionWindowSeconds\":30}");
        long seen = server.get("/api/v1/ha/events?limit=1").json().get("items").get(0).get("seq").asLong();
        server.post("/api/v1/hosts/host-2/maintenance", "{\"action\":\"enter\"}");

        List<Event> events = follow(Long.toString(seen));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);

        assertThat(events.getFirst().name()).isEqualTo("status");
        assertThat(events.getFirst().data().get("hosts").findValuesAsText("health")).containsExactly("HEALTHY",
                "MAINTENANCE");
        assertThat(events.subList(1, events.size())).extracting(e -> e.data().get("action").asText())
                .containsExactly("ha.maintenance.enter");
    }

    @Test
    void aLastEventIdThatIsNoSeqIsA400ProblemNotAStream() throws Exception {
        HttpResponse<String> response = http.send(request("yesterday"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private void put(String path, String json) {
        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.url().resolve(path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    /** The events the stream sends, gathered as they come by a thread of the client's. */
    private List<Event> follow(String lastEventId) {
        List<Event> events = new CopyOnWriteArrayList<>();
        http.sendAsync(request(lastEventId), HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
            Stream<String> lines = response.body();
            open.add(lines);
            String[] name = {""};
            String[] id = {""};
            try {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring("event:".length()).strip();
                    } else if (line.startsWith("id:")) {
                        id[0] = line.substring("id:".length()).strip();
                    } else if (line.startsWith("data:")) {
                        events.add(new Event(name[0], id[0], parse(line.substring("data:".length()).strip())));
                        name[0] = "";
                        id[0] = "";
                    }
                });
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        return events;
    }

    private HttpRequest request(String lastEventId) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.url().resolve("/api/v1/ha/stream"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + server.adminToken);
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        return builder.GET().build();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}

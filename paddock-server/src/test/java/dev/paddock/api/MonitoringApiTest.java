package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Monitoring over the simulated room, its clock moved by hand between sampling rounds: usage through REST and
 * {@code /metrics}, a threshold that raises an alarm once and clears it, its notices reaching a webhook on loopback,
 * and bad thresholds and channels refused with a sentence, nothing stored.
 */
class MonitoringApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;
    HttpServer receiver;
    final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            notices.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void close() {
        receiver.stop(0);
    }

    /** A sampling round every 10 s of the simulated clock. */
    private void rounds(int count) {
        for (int i = 0; i < count; i++) {
            server.clock.advance(Duration.ofSeconds(10));
            server.monitoring.round();
        }
    }

    @Test
    void aRunningVmsUsageIsReadThroughRestAsItsLatestSampleAndASeries() {
        String id = server.createVm("busy", 2, 1024);
        rounds(8);

        JsonNode usage = server.get("/api/v1/vms/" + id + "/usage?from=10m").json();

        assertThat(usage.get("name").asText()).isEqualTo("busy");
        assertThat(usage.get("kind").asText()).isEqualTo("vm");
        double cpu = usage.get("latest").get("cpu").asDouble();
        assertThat(cpu).isBetween(0.01, 1.0);
        assertThat(usage.get("latest").get("memoryBytes").asLong()).isEqualTo(1024L << 20);
        assertThat(usage.get("latest").get("memoryUsedBytes").asLong()).isBetween(1L, 1024L << 20);
        assertThat(usage.get("points")).hasSizeBetween(6, 8);
        assertThat(usage.get("points").get(0).get("diskReadRate").asDouble()).isPositive();

        JsonNode coarse = server.get("/api/v1/vms/" + id + "/usage?from=10m&step=1m").json();
        assertThat(coarse.get("points")).hasSizeBetween(1, 3);

        JsonNode host = server.get("/api/v1/hosts/host-1/usage").json();
        JsonNode other = server.get("/api/v1/hosts/host-2/usage").json();
        assertThat(List.of(host, other)).anySatisfy(h -> assertThat(h.get("latest").get("cpu").asDouble())
                .isGreaterThan(0.02));

        // every host's latest sample in one answer, the same as each host's own
        JsonNode all = server.get("/api/v1/usage/hosts").json();
        assertThat(all.get("items")).hasSize(2);
        for (JsonNode item : all.get("items")) {
            JsonNode own = item.get("id").asText().equals("host-1") ? host : other;
            assertThat(item.get("name").asText()).isEqualTo(own.get("name").asText());
            assertThat(item.get("latest")).isEqualTo(own.get("latest"));
        }
    }

    @Test
    void metricsCarryEachVmsUsageUnderItsNamesAndADeletedVmsSeriesDisappear() {
        String id = server.createVm("scraped", 1, 512);
        rounds(2);

        String metrics = server.get("/metrics").body();
        assertThat(metrics).containsPattern("paddock_vm_cpu_usage_ratio\\{cluster=\"prod\",host=\"h[12]\",site=\"room-a\","
                + "vm=\"scraped\"} 0\\.[0-9]+")
                .containsPattern("paddock_vm_disk_read_bytes_total\\{cluster=\"prod\",host=\"h[12]\",site=\"room-a\","
                        + "vm=\"scraped\"} [0-9.E]+")
                .contains("paddock_vm_network_receive_bytes_total{", "paddock_vm_memory_used_bytes{",
                        "paddock_host_cpu_usage_ratio{cluster=\"prod\",host=\"h1\",site=\"room-a\"}");

        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop?force=true", ""));
        server.awaitFinal(server.delete("/api/v1/vms/" + id));
        rounds(1);

        assertThat(server.get("/metrics").body()).doesNotContain("vm=\"scraped\"");
    }

    @Test
    void aThresholdRaisesOneAlarmAfterItsDurationNotifiesAndClearsItWhenTheConditionStops() {
        String id = server.createVm("watched", 1, 512);
        assertThat(server.post("/api/v1/channels", "{\"name\":\"ops\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hook\"}").status()).isEqualTo(201);
        TestServer.Reply created = server.post("/api/v1/thresholds", "{\"name\":\"vm-busy\",\"metric\":\"vm.cpu_percent\","
                + "\"comparison\":\"above\",\"value\":0,\"durationSeconds\":30,\"scope\":\"vm\",\"scopeId\":\"watched\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("condition").asText()).isEqualTo("vm.cpu_percent > 0 for 30 s");

        rounds(3);
        assertThat(thresholdAlarms()).as("pending for less than 30 s").isEmpty();
        rounds(5);
        List<JsonNode> alarms = thresholdAlarms();
        assertThat(alarms).as("raised once, not again while it holds").hasSize(1);
        JsonNode alarm = alarms.getFirst();
        assertThat(alarm.get("kind").asText()).isEqualTo("threshold.vm.cpu_percent");
        assertThat(alarm.get("subjectId").asText()).isEqualTo(id);
        assertThat(alarm.get("message").asText()).startsWith("vm watched: ").endsWith(" % CPU, threshold vm-busy"
                + " (vm.cpu_percent > 0 for 30 s)");
        assertThat(alarm.hasNonNull("cleared")).isFalse();

        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop?force=true", ""));
        rounds(2);

        JsonNode cleared = server.get("/api/v1/alarms/" + alarm.get("id").asText()).json();
        assertThat(cleared.get("cleared").get("reason").asText())
                .isEqualTo("cleared: vm watched has no reading, threshold vm-busy (vm.cpu_percent > 0 for 30 s) no"
                        + " longer holds");
        assertThat(thresholdAlarms()).hasSize(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> notices.size() == 2);
        assertThat(notices.get(0)).contains("\"kind\":\"alarm.raised\"", "\"subjectId\":\"" + id + "\"");
        assertThat(notices.get(1)).contains("\"kind\":\"alarm.cleared\"");
        assertThat(server.get("/metrics").body()).contains("paddock_notifications_total{outcome=\"delivered\"} 2.0",
                "paddock_notifications_total{outcome=\"failed\"} 0.0");
        assertThat(server.get("/api/v1/audit").body()).contains("threshold.create", "channel.create");
    }

    @Test
    void removingAThresholdClearsTheAlarmItHolds() {
        server.createVm("held", 1, 512);
        server.post("/api/v1/thresholds", "{\"name\":\"any-cpu\",\"metric\":\"vm.cpu_percent\",\"comparison\":\"above\","
                + "\"value\":0}");
        rounds(2);
        assertThat(thresholdAlarms()).hasSize(1);

        assertThat(server.delete("/api/v1/thresholds/any-cpu").status()).isEqualTo(204);

        assertThat(thresholdAlarms().getFirst().get("cleared").get("reason").asText())
                .isEqualTo("cleared: threshold any-cpu (vm.cpu_percent > 0 for 0 s) was removed");
        assertThat(server.get("/api/v1/thresholds").json().get("items")).isEmpty();
    }

    private List<JsonNode> thresholdAlarms() {
        List<JsonNode> found = new java.util.ArrayList<>();
        server.get("/api/v1/alarms").json().get("items").forEach(alarm -> {
            if (alarm.get("kind").asText().startsWith("threshold.")) {
                found.add(alarm);
            }
        });
        return found;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        an unknown metric | {"name":"t","metric":"vm.cpu","comparison":"above","value":90} | Field 'metric' must be one of host.cpu_percent,
        a negative duration | {"name":"t","metric":"host.cpu_percent","comparison":"above","value":90,"durationSeconds":-5} | Field 'durationSeconds' must be between 0 and 604800 s; got -5.
        a VM that does not exist | {"name":"t","metric":"vm.cpu_percent","comparison":"above","value":90,"scope":"vm","scopeId":"ghost"} | Field 'scopeId' names no VM: 'ghost'.
        a datastore metric on a host | {"name":"t","metric":"datastore.free_percent","comparison":"below","value":10,"scope":"host","scopeId":"h1"} | A host scope holds no datastore for metric datastore.free_percent.
        a comparison that is neither | {"name":"t","metric":"host.cpu_percent","comparison":"over","value":90} | Field 'comparison' must be 'above' or 'below'; got 'over'.
        """)
    void aBadThresholdIsRefusedWithASentenceAndNothingIsStored(String what, String body, String sentence) {
        TestServer.Reply reply = server.post("/api/v1/thresholds", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).startsWith(sentence);
        assertThat(server.get("/api/v1/thresholds").json().get("items")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a malformed recipient | {"name":"m","kind":"email","smtpHost":"127.0.0.1","from":"paddock@room.test","to":["ops at room"]} | Field 'to' holds 'ops at room', which is no e-mail address (user@domain).
        a malformed sender | {"name":"m","kind":"email","smtpHost":"127.0.0.1","from":"<>","to":["ops@room.test"]} | Field 'from' holds '<>', which is no e-mail address (user@domain).
        a webhook URL without scheme | {"name":"w","kind":"webhook","url":"hooks.room.test/paddock"} | Field 'url' must be an http:// or https:// URL with a host; got 'hooks.room.test/paddock'.
        a webhook URL of another scheme | {"name":"w","kind":"webhook","url":"ftp://hooks.room.test/"} | Field 'url' must be an http:// or https:// URL with a host; got 'ftp://hooks.room.test/'.
        a kind that is neither | {"name":"w","kind":"sms","url":"http://hooks.room.test/"} | Field 'kind' must be 'webhook' or 'email'; got 'sms'.
        """)
    void aBadChannelIsRefusedWithASentenceAndNothingIsStored(String what, String body, String sentence) {
        TestServer.Reply reply = server.post("/api/v1/channels", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo(sentence);
        assertThat(server.get("/api/v1/channels").json().get("items")).isEmpty();
    }

    @Test
    void aChannelsTestReportsDeliveryOrTheSentenceThatSaysWhyNot() {
        server.post("/api/v1/channels", "{\"name\":\"ops\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hook\"}");
        server.post("/api/v1/channels", "{\"name\":\"gone\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/missing\"}");

        JsonNode delivered = server.post("/api/v1/channels/ops/test", "").json();
        JsonNode refused = server.post("/api/v1/channels/gone/test", "").json();

        assertThat(delivered.get("delivered").asBoolean()).isTrue();
        assertThat(notices).singleElement().asString().contains("\"kind\":\"channel.test\"");
        assertThat(refused.get("delivered").asBoolean()).isFalse();
        assertThat(refused.get("detail").asText()).isEqualTo("The webhook http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/missing answered HTTP 404.");
    }

    @Test
    void anEmailChannelsPasswordIsNeverShown() {
        TestServer.Reply created = server.post("/api/v1/channels", "{\"name\":\"mail\",\"kind\":\"email\","
                + "\"smtpHost\":\"smtp.room.test\",\"startTls\":true,\"from\":\"paddock@room.test\","
                + "\"to\":[\"ops@room.test\"],\"username\":\"paddock\",\"password\":\"hunter2\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("smtpPort").asInt()).isEqualTo(587);
        assertThat(created.body()).doesNotContain("hunter2");
        assertThat(server.get("/api/v1/channels").body()).doesNotContain("hunter2");
    }
}

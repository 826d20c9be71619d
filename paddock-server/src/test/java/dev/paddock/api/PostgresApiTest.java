package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.store.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API on PostgreSQL: the store's constraints surface as the same problems as on H2. */
class PostgresApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.on(() -> TestDatabases.postgres("api_test"));

    TestServer server;

    @Test
    void aVmIsCreatedListedAndDeleted() {
        String id = server.createVm("pg-vm", 2, 2048);

        assertThat(server.get("/api/v1/vms").json().get("items").get(0).get("name").asText()).isEqualTo("pg-vm");
        assertThat(server.awaitFinal(server.delete("/api/v1/vms/" + id + "?force=true")).get("state").asText())
                .isEqualTo("DONE");
        assertThat(server.get("/api/v1/vms/" + id).status()).isEqualTo(404);
    }

    @Test
    void aDuplicateNameIsA409() {
        server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\"}");

        TestServer.Reply again = server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\"}");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).isEqualTo("A network named 'lan' already exists.");
    }

    @Test
    void thresholdsTheirAlarmsAndChannelsAreKeptOnPostgres() {
        server.createVm("pg-watched", 1, 512);
        String threshold = "{\"name\":\"any-cpu\",\"metric\":\"vm.cpu_percent\",\"comparison\":\"above\",\"value\":0}";
        assertThat(server.post("/api/v1/thresholds", threshold).status()).isEqualTo(201);
        assertThat(server.post("/api/v1/thresholds", threshold).status()).isEqualTo(409);
        assertThat(server.post("/api/v1/channels", "{\"name\":\"mail\",\"kind\":\"email\",\"smtpHost\":"
                + "\"smtp.room.test\",\"from\":\"paddock@room.test\",\"to\":[\"ops@room.test\"],\"username\":\"u\","
                + "\"password\":\"p\"}").status()).isEqualTo(201);
        for (int round = 0; round < 2; round++) {
            server.clock.advance(java.time.Duration.ofSeconds(10));
            server.monitoring.round();
        }
        String alarm = server.get("/api/v1/alarms").json().get("items").get(0).get("id").asText();

        assertThat(server.delete("/api/v1/thresholds/any-cpu").status()).isEqualTo(204);

        assertThat(server.get("/api/v1/alarms/" + alarm).json().get("cleared").get("reason").asText())
                .isEqualTo("cleared: threshold any-cpu (vm.cpu_percent > 0 for 0 s) was removed");
        assertThat(server.get("/api/v1/channels/mail").json().get("to").get(0).asText()).isEqualTo("ops@room.test");
        assertThat(server.notifications.channels().password(server.get("/api/v1/channels/mail").json().get("id")
                .asText())).contains("p");
    }
}

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
}

package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.licensing.LicenceKeeper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Licences set through REST, honoured by creates and migrations, bound by the licence keeper, shown with their use. */
class LicenceApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void aLicenceIsSetListedWithItsUseAndReplaced() {
        TestServer.Reply made = server.post("/api/v1/licences", "{\"name\":\"win\",\"metric\":\"vm\","
                + "\"entitlement\":2,\"sites\":[\"site-1\"]}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        create("w1", "host-1", "win");

        JsonNode listed = server.get("/api/v1/licences").json().get("items").get(0);
        assertThat(listed.get("name").asText()).isEqualTo("win");
        assertThat(listed.get("inUse").asInt()).isEqualTo(1);
        assertThat(listed.get("entitlement").asInt()).isEqualTo(2);
        assertThat(server.put("/api/v1/licences/win", "{\"metric\":\"vm\",\"entitlement\":5}").status())
                .isEqualTo(200);
        assertThat(server.get("/api/v1/licences/win").json().get("sites")).isEmpty();
    }

    @Test
    void aVmBeyondTheEntitlementIsRefusedWithTheSentence() {
        server.post("/api/v1/licences", "{\"name\":\"win\",\"metric\":\"vm\",\"entitlement\":1}");
        create("w1", "host-1", "win");

        TestServer.Reply second = server.post("/api/v1/vms", "{\"name\":\"w2\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"licences\":[\"win\"]}");

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("detail").asText()).contains("licence win covers 1 VMs and 1 run with it");
    }

    @Test
    void aLicenceBoundToItsHostDoesNotMoveAgainWithinItsDays() {
        server.post("/api/v1/licences", "{\"name\":\"sql\",\"metric\":\"host-core\",\"relocationDays\":90}");
        String id = create("db", "host-1", "sql");
        try (LicenceKeeper keeper = new LicenceKeeper(server.store, java.time.Clock.systemUTC(),
                Duration.ofMinutes(1))) {
            keeper.round();
        }
        JsonNode binding = server.get("/api/v1/licences/sql").json().get("bindings").get(0);
        assertThat(binding.get("vm").asText()).isEqualTo("db");
        assertThat(binding.get("host").asText()).isEqualTo("h1");

        TestServer.Reply moved = server.post("/api/v1/vms/" + id + "/migrate", "{\"hostId\":\"host-2\"}");

        assertThat(moved.status()).isEqualTo(409);
        assertThat(moved.json().get("detail").asText()).contains("licence sql of the VM was bound to host h1 on")
                .contains("and may be reassigned once in 90 days: not before");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "win | {\"metric\":\"socket\"} | Field 'metric' is 'vm' (each VM that carries it) or 'host-core' (every core"
                + " of each host running one), not 'socket'.",
        "win | {\"metric\":\"vm\",\"sites\":[\"atlantis\"]} | Field 'sites[0]' names no site: 'atlantis'.",
        "win | {\"metric\":\"vm\",\"relocationDays\":-1} | Field 'relocationDays' must be between 0 and 3650 days;"
                + " got -1.",
        "bad name! | {\"metric\":\"vm\"} | A licence name takes letters, digits, '-', '_' and '.' (at most 64), not"
                + " 'bad name!'."})
    void aLicenceThatCannotBeIsA422AndNothingIsStored(String name, String body, String sentence) {
        TestServer.Reply reply = server.post("/api/v1/licences", "{\"name\":\"" + name + "\"," + body.substring(1));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo(sentence);
        assertThat(server.get("/api/v1/licences").json().get("items")).isEmpty();
    }

    @Test
    void aSecondLicenceOfANameIsA409AndAChangeOfNoLicenceA404() {
        server.post("/api/v1/licences", "{\"name\":\"win\",\"metric\":\"vm\"}");

        assertThat(server.post("/api/v1/licences", "{\"name\":\"win\",\"metric\":\"vm\"}").status()).isEqualTo(409);
        assertThat(server.put("/api/v1/licences/nothing", "{\"metric\":\"vm\"}").status()).isEqualTo(404);
    }

    private String create(String name, String host, String licence) {
        JsonNode done = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"hostId\":\"" + host + "\",\"licences\":[\"" + licence + "\"]}"));
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        return done.get("target").asText();
    }
}

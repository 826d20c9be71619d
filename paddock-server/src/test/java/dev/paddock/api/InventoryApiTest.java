package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sites, clusters, hosts, networks and datastores: created with 201 and a Location, then read back. */
class InventoryApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void aCreatedSiteIsAt201sLocation() {
        TestServer.Reply created = server.post("/api/v1/sites", "{\"name\":\"dr\",\"description\":\"recovery\"}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode site = server.get(created.location()).json();
        assertThat(site.get("name").asText()).isEqualTo("dr");
        assertThat(site.get("description").asText()).isEqualTo("recovery");
        assertThat(server.get("/api/v1/sites").json().get("total").asInt()).isEqualTo(2);
    }

    @Test
    void aClusterNeedsAnExistingSiteAndDefaultsToHaOn() {
        TestServer.Reply created = server.post("/api/v1/clusters", "{\"siteId\":\"site-1\",\"name\":\"dev\"}");
        TestServer.Reply orphan = server.post("/api/v1/clusters", "{\"siteId\":\"mars\",\"name\":\"dev\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("haEnabled").asBoolean()).isTrue();
        assertThat(orphan.status()).isEqualTo(422);
        assertThat(orphan.json().get("detail").asText()).isEqualTo("Field 'siteId' names no site: 'mars'.");
    }

    @Test
    void aHostIsAddedWithTheCapacityItsHypervisorReports() {
        TestServer.Reply created = server.post("/api/v1/hosts",
                "{\"clusterId\":\"cluster-1\",\"name\":\"h3\",\"uri\":\"sim://spare\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode host = server.get(created.location()).json();
        assertThat(host.get("state").asText()).isEqualTo("CONNECTED");
        assertThat(host.get("capacity").get("memoryMib").asLong()).isEqualTo(TestServer.HOST_CAPACITY.memoryMib());
        assertThat(server.hypervisor.isConnected(host.get("id").asText())).isTrue();
    }

    @Test
    void aHostNameIsUnique() {
        TestServer.Reply reply = server.post("/api/v1/hosts",
                "{\"clusterId\":\"cluster-1\",\"name\":\"h1\",\"uri\":\"sim://spare\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("A host named 'h1' already exists.");
    }

    @Test
    void anEmptyHostIsDeletedAndAHostWithVmsIsA409() {
        server.createVm("resident", 1, 512);

        TestServer.Reply busy = server.delete("/api/v1/hosts/host-1");
        TestServer.Reply empty = server.delete("/api/v1/hosts/host-2");

        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().get("detail").asText()).isEqualTo("Host 'h1' still holds 1 VM; move or delete them first.");
        assertThat(empty.status()).isEqualTo(204);
        assertThat(server.get("/api/v1/hosts/host-2").status()).isEqualTo(404);
        assertThat(server.hypervisor.isConnected("host-2")).isFalse();
    }

    @Test
    void networksAndDatastoresAreCreatedOnASite() {
        TestServer.Reply network = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"storage\",\"vlan\":42,\"isolated\":true}");
        TestServer.Reply datastore = server.post("/api/v1/datastores",
                "{\"siteId\":\"site-1\",\"name\":\"nfs-1\",\"shared\":true,\"capacityGib\":2000,"
                        + "\"hostIds\":[\"host-1\",\"host-2\"]}");

        assertThat(network.status()).isEqualTo(201);
        assertThat(server.get(network.location()).json().get("vlan").asInt()).isEqualTo(42);
        assertThat(datastore.status()).as(datastore.body()).isEqualTo(201);
        assertThat(server.get(datastore.location()).json().get("freeGib").asLong()).isEqualTo(2000);
    }

    @Test
    void aDatastoreCannotHaveMoreFreeThanCapacity() {
        TestServer.Reply reply = server.post("/api/v1/datastores",
                "{\"siteId\":\"site-1\",\"name\":\"x\",\"capacityGib\":10,\"freeGib\":11}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).contains("Field 'freeGib' must be between 0 and 10");
    }

    @Test
    void unknownIdsOfEveryKindAre404s() {
        for (String collection : new String[] {"sites", "clusters", "hosts", "networks", "datastores", "vms",
                "operations"}) {
            TestServer.Reply reply = server.get("/api/v1/" + collection + "/zz");
            assertThat(reply.status()).as(collection).isEqualTo(404);
            assertThat(reply.json().get("detail").asText()).as(collection).endsWith("has id 'zz'.");
        }
    }
}

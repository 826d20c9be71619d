package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consolidation over HTTP: the plan as JSON and as the report page, bad rows named, and the migration submitted onto
 * the test cluster's two hosts (8 vCPUs, 16 GiB each) as an operation that defines every VM where the plan put it.
 */
class ConsolidationApiTest {

    /** Host model equal to the test hosts, so a plan for it fits them. */
    static final String TEST_HOSTS = "cpu=8000,memory=16384,disk=500,network=10000,watts=300,cost=5000";
    static final String HEADER = "name,cpu_cores,cpu_util_pct,cpu_avg_pct,memory_gib,memory_util_pct,disk_gib,"
            + "network_mbps,applications,anti_affinity,licences,watts,cost\n";
    static final String INVENTORY = HEADER
            + "web-1,4,40,20,8,50,40,100,nginx,no,rhel,180,2500\n"
            + "app-1,4,50,25,8,50,40,100,erp;reports,no,rhel,200,3000\n"
            + "db-1,4,60,30,8,50,80,200,postgres,no,,220,3500\n";

    @TempDir
    Path directory;

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private static String request(String inventory, String hostModel, String clusterId, boolean execute) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("inventory", inventory).put("hostModel", hostModel)
                .put("seconds", 1);
        if (clusterId != null) {
            body.put("clusterId", clusterId);
        }
        if (execute) {
            body.put("execute", true);
        }
        return body.toString();
    }

    @Test
    void thePlanSaysHowManyHostsAndWhereEachApplicationGoes() {
        TestServer.Reply reply = server.post("/api/v1/consolidation/plans", request(INVENTORY, TEST_HOSTS, null,
                false));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode plan = reply.json();
        assertThat(plan.get("serversBefore").asInt()).isEqualTo(3);
        assertThat(plan.get("vms").asInt()).as("one VM per application").isEqualTo(4);
        assertThat(plan.get("hostsWithSpare").asInt()).isEqualTo(plan.get("hostsForLoad").asInt() + 1);
        assertThat(plan.get("wattsBefore").asLong()).isEqualTo(600);
        assertThat(plan.get("migrations")).extracting(m -> m.get("application").asText())
                .containsExactlyInAnyOrder("nginx", "erp", "reports", "postgres");
        assertThat(plan.has("operation")).isFalse();
        assertThat(server.get("/api/v1/operations").json().get("items")).isEmpty();
    }

    @Test
    void theReportPageIsServedToABrowser() {
        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/consolidation/plans"))
                .header("Content-Type", "application/json").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(request(INVENTORY, TEST_HOSTS, null, false))));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/html");
        assertThat(reply.body()).contains("<svg").contains("app-1-reports");
    }

    @Test
    void aBadRowIsNamedAndNothingIsPlanned() {
        TestServer.Reply reply = server.post("/api/v1/consolidation/plans", request(HEADER
                + "web-1,4,40,20,8,50,40,100,nginx,no,rhel,180,2500\n"
                + "app-1,four,50,25,8,50,40,100,erp,no,rhel,200,3000\n", TEST_HOSTS, null, false));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asText()).contains("line 3").contains("cpu_cores");
    }

    @Test
    void anUnknownHostModelIsRefusedWithThePresets() {
        TestServer.Reply reply = server.post("/api/v1/consolidation/plans", request(INVENTORY, "huge", null, false));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).contains("hostModel").contains("medium");
    }

    @Test
    void aServerLargerThanTheHostModelIsNamed() {
        String tiny = "cpu=2000,memory=8192,disk=100,network=1000,watts=100,cost=1000";

        TestServer.Reply reply = server.post("/api/v1/consolidation/plans", request(INVENTORY, tiny, null, false));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).contains("server db-1");
    }

    @Test
    void executingDefinesEveryVmOnTheClusterHostThePlanChose() {
        TestServer.Reply reply = server.post("/api/v1/consolidation/plans", request(INVENTORY, TEST_HOSTS,
                "cluster-1", true));

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        assertThat(reply.location()).startsWith("/api/v1/operations/");
        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        JsonNode vms = server.get("/api/v1/vms?limit=100").json().get("items");
        assertThat(vms).extracting(vm -> vm.get("name").asText())
                .as("a server of one application keeps its name; one of several is split per application")
                .containsExactlyInAnyOrder("web-1", "app-1-erp", "app-1-reports", "db-1");
        for (JsonNode migration : reply.json().get("migrations")) {
            String expectedHost = "host-" + migration.get("host").asInt();
            JsonNode vm = findVm(vms, migration.get("vm").asText());
            assertThat(vm.get("hostId").asText()).isEqualTo(expectedHost);
            assertThat(vm.get("state").asText()).isEqualTo("STOPPED");
            assertThat(server.hypervisor.domain(expectedHost, vm.get("id").asText())).isPresent();
        }
    }

    @Test
    void executingWithoutAClusterOrOntoTooFewHostsIsRefused() {
        TestServer.Reply noCluster = server.post("/api/v1/consolidation/plans", request(INVENTORY, TEST_HOSTS, null,
                true));
        assertThat(noCluster.status()).isEqualTo(422);
        assertThat(noCluster.json().get("detail").asText()).contains("clusterId");

        String small = "cpu=3000,memory=6000,disk=500,network=1000,watts=100,cost=1000";
        TestServer.Reply tooFew = server.post("/api/v1/consolidation/plans", request(INVENTORY, small, "cluster-1",
                true));
        assertThat(tooFew.status()).isEqualTo(409);
        assertThat(tooFew.json().get("detail").asText()).contains("cluster cluster-1 has 2");
        assertThat(server.get("/api/v1/vms").json().get("items")).isEmpty();
    }

    @Test
    void theCommandLineSubmitsThePlanAndFollowsIt() throws Exception {
        Path csv = directory.resolve("servers.csv");
        java.nio.file.Files.writeString(csv, INVENTORY);
        java.io.StringWriter out = new java.io.StringWriter();

        int status = dev.paddock.cli.Cli.run(new String[] {"consolidate", "submit", csv.toString(), "--host-model",
                TEST_HOSTS, "--cluster", "cluster-1", "--seconds", "1", "--wait"}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()), java.util.Map.of("PADDOCK_URL",
                        server.url().toString(), "PADDOCK_TOKEN", server.adminToken));

        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("4 VMs from 3 servers onto 1 hosts of cluster cluster-1");
        assertThat(server.get("/api/v1/vms").json().get("items")).hasSize(4);
    }

    private static JsonNode findVm(JsonNode vms, String name) {
        for (JsonNode vm : vms) {
            if (vm.get("name").asText().equals(name)) {
                return vm;
            }
        }
        throw new AssertionError("no VM " + name + " in " + vms);
    }
}

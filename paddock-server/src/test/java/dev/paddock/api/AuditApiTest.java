package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.cli.Cli;
import dev.paddock.cli.ExitCode;
import dev.paddock.json.Json;
import dev.paddock.store.AuditForgery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit log through HTTP and the command line: changes carry their before and after (secrets redacted), the
 * export is JSON lines, and {@code paddock audit verify} names the first entry someone with the database but
 * without the key changed, removed or rewrote.
 */
class AuditApiTest {

    private static final String PASSWORD = "Bmc-Pa55-q7";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    record Run(int status, String out, String err) {}

    private Run paddock(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));
        return new Run(status, out.toString(), err.toString());
    }

    private TestServer.Reply put(String path, String json) {
        return server.send(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The newest entry of {@code action}. */
    private JsonNode newest(String action) {
        for (JsonNode entry : server.get("/api/v1/audit?limit=1000").json().get("items")) {
            if (entry.get("action").asText().equals(action)) {
                return entry;
            }
        }
        throw new AssertionError("no audit entry " + action);
    }

    @Test
    void changesCarryTheirBeforeAndAfterWithSecretsRedacted() {
        assertThat(put("/api/v1/hosts/host-1/fence", "{\"agent\":\"fence_ipmilan\",\"options\":{\"ip\":\"10.0.0.11\","
                + "\"password\":\"first-" + PASSWORD + "\"}}").status()).isEqualTo(200);
        assertThat(put("/api/v1/hosts/host-1/fence", "{\"agent\":\"fence_ipmilan\",\"options\":{\"ip\":\"10.0.0.12\","
                + "\"password\":\"" + PASSWORD + "\"}}").status()).isEqualTo(200);
        JsonNode set = newest("ha.fence.configured").get("change");
        assertThat(set.at("/before/options/ip").asText()).isEqualTo("10.0.0.11");
        assertThat(set.at("/after/options/ip").asText()).isEqualTo("10.0.0.12");
        assertThat(set.at("/after/options/password").asText()).isEqualTo("(set)");
        assertThat(server.delete("/api/v1/hosts/host-1/fence").status()).isEqualTo(204);
        JsonNode removed = newest("ha.fence.removed").get("change");
        assertThat(removed.at("/before/agent").asText()).isEqualTo("fence_ipmilan");
        assertThat(removed.get("after").isNull()).isTrue();

        String vm = server.createVm("web-1", 1, 512);
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/stop?force=true", ""));
        server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"vcpus\":2}"));
        JsonNode reconfigured = newest("vm.reconfigure").get("change");
        assertThat(reconfigured.at("/before/demand/cpuMillicores").asLong()).isEqualTo(1000);
        assertThat(reconfigured.at("/after/demand/cpuMillicores").asLong()).isEqualTo(2000);

        String host = server.post("/api/v1/hosts", "{\"clusterId\":\"cluster-1\",\"name\":\"h3\",\"uri\":\"sim://spare\"}")
                .json().get("id").asText();
        assertThat(server.delete("/api/v1/hosts/" + host).status()).isEqualTo(204);
        assertThat(newest("host.delete").at("/change/before/name").asText()).isEqualTo("h3");

        String network = server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"backend\"}").json()
                .get("id").asText();
        assertThat(server.delete("/api/v1/networks/" + network).status()).isEqualTo(204);
        assertThat(newest("network.delete").at("/change/before/name").asText()).isEqualTo("backend");

        String datastore = server.post("/api/v1/datastores", "{\"siteId\":\"site-1\",\"name\":\"old\",\"capacityGib\":10}")
                .json().get("id").asText();
        assertThat(server.delete("/api/v1/datastores/" + datastore).status()).isEqualTo(204);
        assertThat(newest("datastore.delete").at("/change/before/name").asText()).isEqualTo("old");

        String export = paddock("audit", "export").out();
        assertThat(export).contains("\"change\":{\"before\"").doesNotContain(PASSWORD);
        assertThat(server.get("/api/v1/audit?limit=1000").body()).doesNotContain(PASSWORD);
        assertThat(paddock("audit", "verify").out()).startsWith("The audit log holds: every entry holds");
    }

    @Test
    void theExportIsJsonLinesOldestFirstFromASeqOrAnInstant() throws Exception {
        for (int window = 10; window <= 12; window++) {
            assertThat(put("/api/v1/clusters/cluster-1/ha", "{\"detectionWindowSeconds\":" + window + "}").status())
                    .isEqualTo(200);
        }
        TestServer.Reply all = server.get("/api/v1/audit/export");

        assertThat(all.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : all.body().split("\n")) {
            lines.add(Json.mapper().readTree(line));
        }
        assertThat(lines).extracting(line -> line.get("seq").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(lines.get(1).get("previousHash").asText()).isEqualTo(lines.get(0).get("hash").asText());
        assertThat(lines).allSatisfy(line -> assertThat(line.get("chain").asInt()).isEqualTo(2));
        assertThat(server.get("/api/v1/audit/export?since=2").body().split("\n")).hasSize(2);
        String at = lines.get(2).get("at").asText();
        assertThat(paddock("audit", "export", "--since", at).out().split("\n")).hasSize(1);
        assertThat(Json.mapper().readTree(paddock("audit", "export", "-o", "json", "--since", "3").out())).hasSize(1);
        TestServer.Reply wrong = server.get("/api/v1/audit/export?since=yesterday");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("detail").asText()).contains("'since' must be an entry's seq or an instant");
    }

    /** Five entries through the API: the cluster's detection window set five times. */
    private void fiveEntries() {
        for (int window = 10; window <= 14; window++) {
            assertThat(put("/api/v1/clusters/cluster-1/ha", "{\"detectionWindowSeconds\":" + window + "}").status())
                    .isEqualTo(200);
        }
    }

    private void assertVerifyNames(long seq, String fault, String sentence) {
        JsonNode verdict = server.get("/api/v1/audit/verify").json();
        assertThat(verdict.get("intact").asBoolean()).isFalse();
        assertThat(verdict.get("firstBrokenSeq").asLong()).isEqualTo(seq);
        assertThat(verdict.get("fault").asText()).isEqualTo(fault);
        Run run = paddock("audit", "verify");
        assertThat(run.status()).isEqualTo(ExitCode.TAMPERED.code());
        assertThat(run.err().strip()).startsWith("paddock: The audit log does not hold: " + sentence).doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void anEditedRowIsNamedByVerify() throws Exception {
        fiveEntries();
        AuditForgery.sql(server.dataSource(), "UPDATE audit SET actor = 'nobody' WHERE seq = 3");

        assertVerifyNames(3, "EDITED", "entry 3 was changed after it was written");
    }

    @Test
    void aDeletedRowIsNamedByVerify() throws Exception {
        fiveEntries();
        AuditForgery.sql(server.dataSource(), "DELETE FROM audit WHERE seq = 4");

        assertVerifyNames(4, "MISSING", "entry 4 is missing");
    }

    @Test
    void aChainRecomputedWithPlainSha256IsNamedByVerify() throws Exception {
        fiveEntries();
        AuditForgery.sql(server.dataSource(), "UPDATE audit SET detail = 'nothing' WHERE seq = 2");
        AuditForgery.recomputePlain(server.dataSource(), 1, Long.MAX_VALUE);

        assertVerifyNames(1, "UNKEYED", "entry 1 has an unkeyed hash where the chain is keyed");
    }

    @Test
    void anIntactLogVerifiesWithExitZero() {
        fiveEntries();

        Run run = paddock("audit", "verify");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("The audit log holds: every entry holds (5, keyed from entry 1).\n");
    }
}

package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backup schedules through the API on the simulated room: made, listed, changed and deleted; refused with a sentence
 * when they name what is not there; and run, by hand or by the controller's clock, as backup operations whose
 * outcome each VM's line shows (the simulated hosts refuse the backup itself, so the outcome there is a failure with
 * the host's sentence).
 */
class BackupScheduleApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final String SCHEDULES = "/api/v1/backup-schedules";

    TestServer server;

    @BeforeEach
    void aRepository() {
        TestServer.Reply made = server.post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\""
                + server.backupRoot().resolve("main") + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
    }

    @Test
    @DisplayName("a schedule is made, listed, read by name, disabled, given another interval and deleted")
    void lifecycle() {
        String web = server.createVm("web", 1, 256);

        TestServer.Reply made = server.post(SCHEDULES, "{\"name\":\"nightly\",\"repository\":\"main\",\"vms\":"
                + "[\"web\"],\"interval\":\"daily 01:30 Europe/Paris\",\"keepLast\":7,\"keepDaily\":14}");

        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.location()).endsWith(SCHEDULES + "/" + made.json().get("id").asText());
        JsonNode schedule = made.json();
        assertThat(schedule.get("repository").asText()).isEqualTo("main");
        assertThat(schedule.get("interval").asText()).isEqualTo("daily 01:30 Europe/Paris");
        assertThat(schedule.get("vms")).extracting(JsonNode::asText).containsExactly(web);
        assertThat(schedule.get("keepLast").asInt()).isEqualTo(7);
        assertThat(schedule.get("keepWeekly").asInt()).isZero();
        assertThat(schedule.get("enabled").asBoolean()).isTrue();
        assertThat(schedule.get("owner").asText()).isEqualTo("admin");
        assertThat(schedule.get("nextRound").asText()).endsWith(":30:00Z");
        assertThat(schedule.get("covered")).singleElement().satisfies(vm -> {
            assertThat(vm.get("vmName").asText()).isEqualTo("web");
            assertThat(vm.get("outcome").isNull()).isTrue();
        });
        assertThat(server.get(SCHEDULES).json().get("items")).hasSize(1);
        assertThat(server.get(SCHEDULES + "/nightly").json().get("id")).isEqualTo(schedule.get("id"));

        JsonNode disabled = server.patch(SCHEDULES + "/nightly", "{\"enabled\":false}").json();
        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        assertThat(disabled.get("nextRound").isNull()).isTrue();
        TestServer.Reply changed = server.patch(SCHEDULES + "/nightly", "{\"enabled\":true,\"interval\":\"30m\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("interval").asText()).isEqualTo("every 30m");
        assertThat(changed.json().get("enabled").asBoolean()).isTrue();

        assertThat(server.delete(SCHEDULES + "/nightly").status()).isEqualTo(204);
        assertThat(detail(server.get(SCHEDULES + "/nightly"), 404)).contains("No backup schedule");
        assertThat(server.get(SCHEDULES).json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("what is not there, or out of bounds, is refused with a sentence and nothing is made")
    void refusals() {
        server.createVm("web", 1, 256);
        String good = "{\"name\":\"s\",\"repository\":\"main\",\"clusters\":[\"prod\"],\"interval\":\"every 1h\"";

        assertThat(detail(server.post(SCHEDULES, good.replace("every 1h", "every 10s") + "}"), 422))
                .isEqualTo("Field 'interval': a backup interval is from 15 s to 31 days, not 10s.");
        assertThat(detail(server.post(SCHEDULES, good.replace("every 1h", "daily 01:30 Mars/Olympus") + "}"), 422))
                .contains("'Mars/Olympus' is no time zone");
        assertThat(detail(server.post(SCHEDULES, good.replace("\"main\"", "\"nowhere\"") + "}"), 422))
                .isEqualTo("Field 'repository' names no backup repository: 'nowhere'.");
        assertThat(detail(server.post(SCHEDULES, good + ",\"vms\":[\"web\",\"ghost\"]}"), 422))
                .isEqualTo("Field 'vms' names no VM: 'ghost'.");
        assertThat(detail(server.post(SCHEDULES, good.replace("\"prod\"", "\"staging\"") + "}"), 422))
                .isEqualTo("Field 'clusters' names no cluster: 'staging'.");
        assertThat(detail(server.post(SCHEDULES, good + ",\"groups\":[\"db-pair\"]}"), 422))
                .contains("affinity group no VM is in: 'db-pair'");
        assertThat(detail(server.post(SCHEDULES, good.replace("\"clusters\":[\"prod\"],", "") + "}"), 422))
                .startsWith("Say what the schedule backs up");
        assertThat(detail(server.post(SCHEDULES, good + ",\"keepLast\":-1}"), 422)).contains("keepLast");
        assertThat(detail(server.post(SCHEDULES, good + ",\"keepLast\":0,\"keepDaily\":0}"), 422))
                .contains("keeps at least one restore point");
        assertThat(detail(server.post(SCHEDULES, good + ",\"every\":\"day\"}"), 400)).contains("every");
        assertThat(server.get(SCHEDULES).json().get("items")).isEmpty();

        assertThat(server.post(SCHEDULES, good + "}").status()).isEqualTo(201);
        assertThat(detail(server.post(SCHEDULES, good + "}"), 409)).contains("named 's' already exists");
        assertThat(detail(server.patch(SCHEDULES + "/s", "{}"), 422)).contains("'enabled' or 'interval'");
        assertThat(detail(server.patch(SCHEDULES + "/s", "{\"interval\":\"every 5s\"}"), 422)).contains("15 s");
        assertThat(server.get(SCHEDULES + "/s").json().get("interval").asText()).isEqualTo("every 1h");
        assertThat(detail(server.post(SCHEDULES + "/nope/run", ""), 404)).contains("nope");
        assertThat(detail(server.delete(SCHEDULES + "/nope"), 404)).contains("nope");
    }

    @Test
    @DisplayName("run now submits a backup operation for each covered VM; its failure on a simulated host is recorded")
    void runNowRecordsTheOutcome() {
        String datastore = nfsDatastore();
        JsonNode created = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"db\",\"vcpus\":1,\"memoryMib\":"
                + "256,\"disks\":[{\"datastore\":\"" + datastore + "\",\"sizeGib\":1}]}"));
        assertThat(created.get("state").asText()).as(created.toString()).isEqualTo("DONE");
        server.createVm("diskless", 1, 256);
        assertThat(server.post(SCHEDULES, "{\"name\":\"all\",\"repository\":\"main\",\"clusters\":[\"prod\"],"
                + "\"interval\":\"daily 02:00\",\"enabled\":false}").status()).isEqualTo(201);

        TestServer.Reply run = server.post(SCHEDULES + "/all/run", "");

        assertThat(run.status()).as(run.body()).isEqualTo(202);
        JsonNode items = run.json().get("items");
        assertThat(items).extracting(item -> item.get("vmName").asText()).containsExactly("db", "diskless");
        assertThat(items.get(0).get("outcome").asText()).isEqualTo("RUNNING");
        String operation = items.get(0).get("operation").asText();
        assertThat(items.get(1).get("outcome").asText()).isEqualTo("FAILED");
        assertThat(items.get(1).get("message").asText()).contains("has no qcow2 disk to back up");
        JsonNode ended = awaitFinal(operation);
        assertThat(ended.get("kind").asText()).isEqualTo("vm.backup");
        assertThat(ended.get("owner").asText()).isEqualTo("admin");
        assertThat(ended.get("state").asText()).isNotEqualTo("DONE");

        server.schedules().tick();

        JsonNode db = server.get(SCHEDULES + "/all").json().get("covered").get(0);
        assertThat(db.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(db.get("operation").asText()).isEqualTo(operation);
        assertThat(db.get("message").asText()).contains("no disk data to back up");
        assertThat(db.get("lastSuccess").isNull()).isTrue();
    }

    @Test
    @DisplayName("the controller's round submits a backup for a covered running VM when its time comes")
    void aScheduledRound() {
        String web = server.createVm("web", 1, 256);
        assertThat(server.post(SCHEDULES, "{\"name\":\"often\",\"repository\":\"main\",\"vms\":[\"" + web + "\"],"
                + "\"interval\":\"every 15s\"}").status()).isEqualTo(201);

        server.schedules().tick();

        JsonNode vm = server.get(SCHEDULES + "/often").json().get("covered").get(0);
        assertThat(vm.get("outcome").asText()).as(vm.toString()).isEqualTo("FAILED");
        assertThat(vm.get("message").asText()).contains("has no qcow2 disk to back up");
        assertThat(server.get(SCHEDULES + "/often").json().get("lastRound").isNull()).isFalse();
    }

    private JsonNode awaitFinal(String operation) {
        List<JsonNode> last = new ArrayList<>(List.of(server.get("/api/v1/operations/" + operation).json()));
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            last.set(0, server.get("/api/v1/operations/" + operation).json());
            return last.get(0).get("isFinal").asBoolean();
        });
        return last.get(0);
    }

    /** An NFS datastore on both hosts, whose volumes are qcow2 disks a backup would read; its id. */
    private String nfsDatastore() {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40L << 30);
        JsonNode operation = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":"
                + "\"netfs\",\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"));
        String id = operation.get("target").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/api/v1/datastores/" + id).json().get("hostIds").size() == 2);
        return id;
    }

    private static String detail(TestServer.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        return reply.json().get("detail").asText();
    }
}

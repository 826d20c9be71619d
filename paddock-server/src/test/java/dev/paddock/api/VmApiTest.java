package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.model.VmState;
import dev.paddock.sim.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The VM verbs of the API: each answers 202 with the operation, whose plan does what the verb says. */
class VmApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void creatingAVmAnswers202WithTheOperationAndItsLocation() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"web-1\",\"vcpus\":2,\"memoryMib\":2048}");

        assertThat(reply.status()).isEqualTo(202);
        JsonNode operation = reply.json();
        assertThat(reply.location()).isEqualTo("/api/v1/operations/" + operation.get("id").asText());
        assertThat(operation.get("kind").asText()).isEqualTo("vm.create");
        assertThat(operation.get("href").asText()).isEqualTo(reply.location());
        assertThat(server.awaitFinal(reply).get("state").asText()).isEqualTo("DONE");
        JsonNode vm = server.get("/api/v1/vms/" + operation.get("target").asText()).json();
        assertThat(vm.get("name").asText()).isEqualTo("web-1");
        assertThat(vm.get("demand").get("cpuMillicores").asLong()).isEqualTo(2000);
        assertThat(vm.get("demand").get("memoryMib").asLong()).isEqualTo(2048);
        assertThat(vm.get("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aCreatePlanRecordsThenDefinesThenStartsOnTheChosenHost() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"db\",\"vcpus\":1,\"memoryMib\":1024}");
        JsonNode operation = server.awaitFinal(reply);
        String id = operation.get("target").asText();

        assertThat(server.steps(operation)).containsExactly("record VM db in inventory", "define db on host-1",
                "start VM " + id + " on host-1");
        assertThat(server.hypervisor.domain("host-1", id)).hasValueSatisfying(
                domain -> assertThat(domain.state()).isEqualTo(dev.paddock.model.VmState.RUNNING));
    }

    @Test
    void aVmCreatedWithAWatchdogHasTheDeviceItsHungGuestIsStoppedByWhenTheActionSaysSo() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"guarded\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"hostId\":\"host-1\",\"watchdog\":{\"action\":\"poweroff\"}}");
        String id = server.awaitFinal(reply).get("target").asText();
        JsonNode watchdog = server.get("/api/v1/vms/" + id).json().get("watchdog");
        assertThat(watchdog.get("model").asText()).isEqualTo("I6300ESB");
        assertThat(watchdog.get("action").asText()).isEqualTo("POWEROFF");

        server.hypervisor.inject(new Fault.GuestHang("h1", id, Duration.ofSeconds(30)));
        server.clock.advance(Duration.ofSeconds(30));

        assertThat(server.hypervisor.domain("host-1", id)).hasValueSatisfying(
                domain -> assertThat(domain.state()).isEqualTo(VmState.STOPPED));
    }

    @Test
    void aVmCreatedWithoutAWatchdogHangsUnseen() {
        String id = server.awaitFinal(server.post("/api/v1/vms",
                "{\"name\":\"plain\",\"vcpus\":1,\"memoryMib\":512,\"hostId\":\"host-1\"}")).get("target").asText();
        assertThat(server.get("/api/v1/vms/" + id).json().get("watchdog").isNull()).isTrue();

        server.hypervisor.inject(new Fault.GuestHang("h1", id, Duration.ofSeconds(30)));
        server.clock.advance(Duration.ofSeconds(30));

        assertThat(server.hypervisor.domain("host-1", id)).hasValueSatisfying(
                domain -> assertThat(domain.state()).isEqualTo(VmState.RUNNING));
    }

    @Test
    void createWithStartFalseOnlyDefines() {
        JsonNode operation = server.awaitFinal(
                server.post("/api/v1/vms", "{\"name\":\"cold\",\"vcpus\":1,\"memoryMib\":512,\"start\":false}"));
        String id = operation.get("target").asText();

        assertThat(server.steps(operation)).hasSize(2);

        assertThat(server.get("/api/v1/vms/" + id).json().get("state").asText()).isEqualTo("STOPPED");
    }

    @Test
    void theFirstHostWithRoomIsChosenUnlessTheRequestNamesOne() {
        String big = server.createVm("big", 6, 12_000);
        String next = server.createVm("next", 4, 8_000);
        String pinned = server.awaitFinal(server.post("/api/v1/vms",
                "{\"name\":\"pinned\",\"hostId\":\"host-2\",\"vcpus\":1,\"memoryMib\":512}")).get("target")
                .asText();

        assertThat(hostOf(big)).isEqualTo("host-1");
        assertThat(hostOf(next)).as("host-1 has only 2 vCPUs left").isEqualTo("host-2");
        assertThat(hostOf(pinned)).isEqualTo("host-2");
    }

    @Test
    void aVmNoHostHasRoomForIsA409() {
        server.createVm("a", 8, 16_000);
        server.createVm("b", 8, 16_000);

        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"c\",\"vcpus\":1,\"memoryMib\":1024}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("No host of cluster 'prod' has room for VM 'c': h1:"
                + " not enough cpu (millicores): needs 1000, 0 free; h2: not enough cpu (millicores): needs 1000, 0 free.");
    }

    @Test
    void aNamedHostWithoutRoomIsA409ThatSaysWhatIsShort() {
        server.awaitFinal(
                server.post("/api/v1/vms", "{\"name\":\"a\",\"hostId\":\"host-1\",\"vcpus\":2,\"memoryMib\":16000}"));

        TestServer.Reply reply = server.post("/api/v1/vms",
                "{\"name\":\"b\",\"hostId\":\"host-1\",\"vcpus\":1,\"memoryMib\":1024}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .isEqualTo("Host 'h1' has no room for VM 'b': not enough memory (MiB): needs 1024, 384 free.");
    }

    @Test
    void stopIsGracefulByDefaultAndImmediateWithForce() {
        String gentle = server.createVm("gentle", 1, 512);
        String rough = server.createVm("rough", 1, 512);

        JsonNode graceful = server.awaitFinal(server.post("/api/v1/vms/" + gentle + "/stop?timeoutSeconds=30", ""));
        JsonNode forced = server.awaitFinal(server.post("/api/v1/vms/" + rough + "/stop?force=true", ""));

        assertThat(server.steps(graceful)).containsExactly("shut down VM " + gentle + " on " + hostOf(gentle));
        assertThat(graceful.get("steps").get(0).get("log").asText()).contains("guest " + gentle + " shut down");
        assertThat(server.steps(forced)).containsExactly("power off VM " + rough + " on " + hostOf(rough));
        assertThat(server.get("/api/v1/vms/" + gentle).json().get("state").asText()).isEqualTo("STOPPED");
        assertThat(server.get("/api/v1/vms/" + rough).json().get("state").asText()).isEqualTo("STOPPED");
    }

    @Test
    void stoppingAStoppedVmIsA409AndStartingItAgainWorks() {
        String id = server.createVm("cycle", 1, 512);
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop?force=true", ""));

        assertThat(server.post("/api/v1/vms/" + id + "/stop", "").status()).isEqualTo(409);
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/start", ""));
        assertThat(server.get("/api/v1/vms/" + id).json().get("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void deleteWithForcePowersOffUndefinesAndForgets() {
        String id = server.createVm("doomed", 1, 512);

        JsonNode operation = server.awaitFinal(server.delete("/api/v1/vms/" + id + "?force=true"));

        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("power off VM " + id + " on host-1",
                "undefine VM " + id + " on host-1", "remove VM " + id + " from inventory");
        assertThat(server.get("/api/v1/vms/" + id).status()).isEqualTo(404);
        assertThat(server.hypervisor.domain("host-1", id)).isEmpty();
    }

    @Test
    void aNameIsTakenWhileItsCreateIsStillRunning(@TestServerExtension.Inline TestServer held) {
        ((InlineOperations) held.operations).hold();
        assertThat(held.post("/api/v1/vms", "{\"name\":\"slow\",\"vcpus\":1,\"memoryMib\":512}").status())
                .isEqualTo(202);

        assertThat(held.post("/api/v1/vms", "{\"name\":\"slow\",\"vcpus\":1,\"memoryMib\":512}").status())
                .isEqualTo(409);
    }

    @Test
    void vmsArePagedAndTheLimitIsCapped() {
        for (int i = 0; i < 5; i++) {
            server.createVm("vm-" + i, 1, 256);
        }

        JsonNode page = server.get("/api/v1/vms?offset=1&limit=2").json();
        JsonNode capped = server.get("/api/v1/vms?limit=50000").json();

        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("total").asLong()).isEqualTo(5);
        assertThat(page.get("offset").asInt()).isEqualTo(1);
        assertThat(capped.get("limit").asInt()).isEqualTo(1000);
        assertThat(capped.get("items")).hasSize(5);
    }

    @Test
    void cancellingARunningOperationAnswersWithItAndAFinalOneIsA409(@TestServerExtension.Inline TestServer held) {
        ((InlineOperations) held.operations).hold();
        String running = held.post("/api/v1/vms", "{\"name\":\"x\",\"vcpus\":1,\"memoryMib\":512}").json()
                .get("id").asText();

        TestServer.Reply cancelled = held.post("/api/v1/operations/" + running + "/cancel", "");
        TestServer.Reply again = held.post("/api/v1/operations/" + running + "/cancel", "");

        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("CANCELLED");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("is already cancelled");
    }

    @Test
    void operationsAreListedNewestFirst() {
        server.createVm("first", 1, 256);
        server.createVm("second", 1, 256);

        JsonNode items = server.get("/api/v1/operations").json().get("items");

        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("progress").asDouble()).isEqualTo(1.0);
        assertThat(server.get("/api/v1/vms/" + items.get(0).get("target").asText()).json().get("name").asText())
                .isEqualTo("second");
    }

    private String hostOf(String vmId) {
        return server.get("/api/v1/vms/" + vmId).json().get("hostId").asText();
    }

    @Test
    void everyVmVerbIsWrittenToTheAuditLogWithItsOperation() {
        String id = server.createVm("audited", 1, 512);
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop?force=true", ""));
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/start", ""));
        server.awaitFinal(server.delete("/api/v1/vms/" + id + "?force=true"));

        java.util.List<String> lines = new java.util.ArrayList<>();
        server.get("/api/v1/audit").json().get("items").forEach(entry -> lines.add(entry.get("action").asText() + " "
                + entry.get("subjectId").asText() + ": " + entry.get("detail").asText()));

        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).startsWith("vm.create " + id + ": create VM audited on host h1 (operation ");
        assertThat(lines.get(2)).startsWith("vm.stop " + id + ": power off VM audited (operation ");
        assertThat(lines.get(1)).startsWith("vm.start " + id + ": start VM audited (operation ");
        assertThat(lines.get(0)).startsWith("vm.delete " + id + ": delete VM audited (operation ");
        assertThat(server.get("/api/v1/audit/verify").json().get("intact").asBoolean()).isTrue();
    }
}

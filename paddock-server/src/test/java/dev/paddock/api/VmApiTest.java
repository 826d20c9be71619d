package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.operation.Step;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM verbs of the API: each answers 202 with the operation, whose plan does what the verb says. */
class VmApiTest {

    @TempDir
    Path directory;

    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(directory);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void creatingAVmAnswers202WithTheOperationAndItsLocation() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"web-1\",\"vcpus\":2,\"memoryMib\":2048}");

        assertThat(reply.status()).isEqualTo(202);
        JsonNode operation = reply.json();
        assertThat(reply.location()).isEqualTo("/api/v1/operations/" + operation.get("id").asText());
        assertThat(operation.get("kind").asText()).isEqualTo("vm.create");
        assertThat(operation.get("href").asText()).isEqualTo(reply.location());
        assertThat(server.get(reply.location()).json().get("state").asText()).isEqualTo("DONE");
        JsonNode vm = server.get("/api/v1/vms/" + operation.get("target").asText()).json();
        assertThat(vm.get("name").asText()).isEqualTo("web-1");
        assertThat(vm.get("demand").get("cpuMillicores").asLong()).isEqualTo(2000);
        assertThat(vm.get("demand").get("memoryMib").asLong()).isEqualTo(2048);
        assertThat(vm.get("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aCreatePlanRecordsThenDefinesThenStartsOnTheChosenHost() {
        server.post("/api/v1/vms", "{\"name\":\"db\",\"vcpus\":1,\"memoryMib\":1024}");

        assertThat(server.operations.plans().getFirst().steps())
                .extracting(step -> step.getClass().getSimpleName())
                .containsExactly("RecordVm", "DefineVm", "StartVm");
    }

    @Test
    void createWithStartFalseOnlyDefines() {
        String id = server.post("/api/v1/vms", "{\"name\":\"cold\",\"vcpus\":1,\"memoryMib\":512,\"start\":false}")
                .json().get("target").asText();

        assertThat(server.get("/api/v1/vms/" + id).json().get("state").asText()).isEqualTo("STOPPED");
    }

    @Test
    void theFirstHostWithRoomIsChosenUnlessTheRequestNamesOne() {
        String big = server.createVm("big", 6, 12_000);
        String next = server.createVm("next", 4, 8_000);
        String pinned = server.post("/api/v1/vms",
                "{\"name\":\"pinned\",\"hostId\":\"host-2\",\"vcpus\":1,\"memoryMib\":512}").json().get("target")
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
        assertThat(reply.json().get("detail").asText()).contains("No host of cluster 'prod' has 1 vCPUs and 1024 MiB");
    }

    @Test
    void aNamedHostWithoutRoomIsA409ThatSaysWhatIsShort() {
        server.post("/api/v1/vms", "{\"name\":\"a\",\"hostId\":\"host-1\",\"vcpus\":2,\"memoryMib\":16000}");

        TestServer.Reply reply = server.post("/api/v1/vms",
                "{\"name\":\"b\",\"hostId\":\"host-1\",\"vcpus\":1,\"memoryMib\":1024}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .isEqualTo("Host 'h1' has 384 MiB of memory free; VM 'b' needs 1024.");
    }

    @Test
    void stopIsGracefulByDefaultAndImmediateWithForce() {
        String gentle = server.createVm("gentle", 1, 512);
        String rough = server.createVm("rough", 1, 512);

        assertThat(server.post("/api/v1/vms/" + gentle + "/stop?timeoutSeconds=30", "").status()).isEqualTo(202);
        assertThat(server.post("/api/v1/vms/" + rough + "/stop?force=true", "").status()).isEqualTo(202);

        assertThat(server.operations.plans().get(2).steps()).containsExactly(new Step.ShutdownVm("host-1", gentle, 30));
        assertThat(server.operations.plans().get(3).steps()).containsExactly(new Step.DestroyVm("host-1", rough));
        assertThat(server.get("/api/v1/vms/" + gentle).json().get("state").asText()).isEqualTo("STOPPED");
    }

    @Test
    void stoppingAStoppedVmIsA409AndStartingItAgainWorks() {
        String id = server.createVm("cycle", 1, 512);
        server.post("/api/v1/vms/" + id + "/stop", "");

        assertThat(server.post("/api/v1/vms/" + id + "/stop", "").status()).isEqualTo(409);
        assertThat(server.post("/api/v1/vms/" + id + "/start", "").status()).isEqualTo(202);
        assertThat(server.get("/api/v1/vms/" + id).json().get("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void deleteWithForcePowersOffUndefinesAndForgets() {
        String id = server.createVm("doomed", 1, 512);

        TestServer.Reply reply = server.delete("/api/v1/vms/" + id + "?force=true");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(server.operations.plans().getLast().steps()).containsExactly(
                new Step.DestroyVm("host-1", id), new Step.UndefineVm("host-1", id), new Step.ForgetVm(id));
        assertThat(server.get("/api/v1/vms/" + id).status()).isEqualTo(404);
    }

    @Test
    void aNameIsTakenWhileItsCreateIsStillRunning() {
        server.operations.hold();
        assertThat(server.post("/api/v1/vms", "{\"name\":\"slow\",\"vcpus\":1,\"memoryMib\":512}").status())
                .isEqualTo(202);

        assertThat(server.post("/api/v1/vms", "{\"name\":\"slow\",\"vcpus\":1,\"memoryMib\":512}").status())
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
    void cancellingARunningOperationAnswersWithItAndAFinalOneIsA409() {
        server.operations.hold();
        String running = server.post("/api/v1/vms", "{\"name\":\"x\",\"vcpus\":1,\"memoryMib\":512}").json()
                .get("id").asText();

        TestServer.Reply cancelled = server.post("/api/v1/operations/" + running + "/cancel", "");
        TestServer.Reply again = server.post("/api/v1/operations/" + running + "/cancel", "");

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
}

package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.cli.Cli;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration and evacuation reachable by users: the engine chooses (or checks) the target and claims it, and a VM
 * that fits nowhere is a 409 whose detail is the engine's sentence.
 */
class MigrationApiTest {

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
    void aMigrationWithoutAHostGoesWhereTheEngineChoosesAndWithOneGoesThere() {
        String web = created("web", 2, "host-1");

        JsonNode away = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", ""));
        assertThat(away.get("kind").asText()).isEqualTo("vm.migrate");
        assertThat(away.get("state").asText()).isEqualTo("DONE");
        assertThat(hostOf(web)).isEqualTo("host-2");
        assertThat(server.hypervisor.domain("host-2", web)).isPresent();

        JsonNode back = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h1\"}"));
        assertThat(back.get("state").asText()).isEqualTo("DONE");
        assertThat(hostOf(web)).isEqualTo("host-1");
    }

    @Test
    void aMigrationToNowhereIsA409WithTheEnginesSentenceAndNoOperation() {
        String web = created("web", 2, "host-1");
        created("big", 7, "host-2");
        int operations = operationCount();

        TestServer.Reply reply = server.post("/api/v1/vms/" + web + "/migrate", "");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .isEqualTo("No host of cluster 'prod' has room for VM 'web': h2: not enough cpu (millicores): needs"
                        + " 2000, 1000 free.")
                .isEqualTo(engineSentence(web));
        assertThat(operationCount()).isEqualTo(operations);
        assertThat(server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h1\"}").status()).isEqualTo(409);
    }

    @Test
    void enteringMaintenanceMigratesTheHostsRunningVmsAway() {
        String web = created("web", 2, "host-1");
        String db = created("db", 3, "host-1");

        JsonNode state = server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"enter\"}").json();

        assertThat(state.get("changed").asBoolean()).isTrue();
        TestServer.Reply evacuation = new TestServer.Reply(202, "", state.get("operation").asText(),
                server.get(state.get("operation").asText()).body());
        JsonNode operation = server.awaitFinal(evacuation);
        assertThat(operation.get("kind").asText()).isEqualTo("host.evacuate");
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(hostOf(web)).isEqualTo("host-2");
        assertThat(hostOf(db)).isEqualTo("host-2");
        assertThat(server.get("/api/v1/hosts/host-1").json().get("state").asText()).isEqualTo("MAINTENANCE");
        JsonNode again = server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"enter\"}").json();
        assertThat(again.get("changed").asBoolean()).isFalse();
        assertThat(again.path("operation").isTextual()).as("nothing is evacuated twice").isFalse();
    }

    @Test
    void aHostWhoseVmFitsNowhereElseStaysOutOfMaintenanceWithTheEnginesSentence() {
        String web = created("web", 2, "host-1");
        created("big", 7, "host-2");

        TestServer.Reply reply = server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"enter\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo(engineSentence(web) + " Move or stop it first, or"
                + " enter maintenance with powerOffUnmovable to shut it down.");
        assertThat(server.get("/api/v1/hosts/host-1").json().get("state").asText()).isEqualTo("CONNECTED");
        assertThat(hostOf(web)).isEqualTo("host-1");
    }

    @Test
    void enteringMaintenanceWhenAskedShutsDownTheVmsThatFitNowhereElseAndMovesTheRest() {
        String web = created("web", 2, "host-1");
        String small = created("small", 1, "host-1");
        created("big", 7, "host-2");

        TestServer.Reply reply = server.post("/api/v1/hosts/host-1/maintenance",
                "{\"action\":\"enter\",\"powerOffUnmovable\":true}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String location = reply.json().get("operation").asText();
        JsonNode operation = server.awaitFinal(new TestServer.Reply(202, "", location, server.get(location).body()));
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.steps(operation)).last().asString().startsWith("shut down VM " + web);
        assertThat(hostOf(small)).isEqualTo("host-2");
        assertThat(server.get("/api/v1/vms/" + web).json().get("state").asText()).isEqualTo("STOPPED");
        assertThat(server.get("/api/v1/hosts/host-1").json().get("state").asText()).isEqualTo("MAINTENANCE");
    }

    @Test
    void theCommandLineMigratesAVmByName() {
        String web = created("web", 2, "host-1");
        StringWriter out = new StringWriter();

        int status = Cli.run(new String[] {"vm", "migrate", "web", "--host", "h2", "--wait"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()), Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));

        assertThat(status).as(out.toString()).isZero();
        assertThat(hostOf(web)).isEqualTo("host-2");
    }

    @Test
    void aDryRunOfAMigrationSaysWhereAndWhyAndMovesNothing() {
        String web = created("web", 2, "host-1");
        int operations = operationCount();

        JsonNode answer = server.post("/api/v1/vms/" + web + "/migrate?dryRun=true", "").json();

        assertThat(answer.get("action").asText()).isEqualTo("migrate");
        assertThat(answer.get("feasible").asBoolean()).isTrue();
        assertThat(answer.get("host").get("name").asText()).isEqualTo("h2");
        assertThat(answer.get("ruledOut")).isEmpty();
        assertThat(answer.path("sentence").isTextual()).isFalse();
        assertThat(operationCount()).isEqualTo(operations);
        assertThat(hostOf(web)).isEqualTo("host-1");

        created("big", 7, "host-2");
        JsonNode nowhere = server.post("/api/v1/vms/" + web + "/migrate?dryRun=true", "").json();

        assertThat(nowhere.get("feasible").asBoolean()).isFalse();
        assertThat(nowhere.path("host").isObject()).isFalse();
        assertThat(nowhere.get("sentence").asText()).isEqualTo(engineSentence(web))
                .isEqualTo(server.post("/api/v1/vms/" + web + "/migrate", "").json().get("detail").asText());
        assertThat(nowhere.get("ruledOut")).hasSize(1);
        assertThat(nowhere.get("ruledOut").get(0).get("name").asText()).isEqualTo("h2");
        assertThat(nowhere.get("ruledOut").get(0).get("reason").asText())
                .isEqualTo("not enough cpu (millicores): needs 2000, 1000 free");
    }

    @Test
    void aDryRunOfACreateAnswersWhatTheCreateWouldAndCreatesNothing() {
        created("web", 2, "host-1");
        created("big", 7, "host-2");
        int operations = operationCount();
        String tooBig = "{\"name\":\"x\",\"vcpus\":7,\"memoryMib\":1024}";

        JsonNode refused = server.post("/api/v1/vms?dryRun=true", tooBig).json();

        assertThat(refused.get("feasible").asBoolean()).isFalse();
        assertThat(refused.get("ruledOut")).extracting(r -> r.get("name").asText()).containsExactly("h1", "h2");
        assertThat(operationCount()).isEqualTo(operations);
        assertThat(refused.get("sentence").asText())
                .isEqualTo(server.post("/api/v1/vms", tooBig).json().get("detail").asText());

        JsonNode fits = server.post("/api/v1/vms?dryRun=true", "{\"name\":\"y\",\"vcpus\":1,\"memoryMib\":512}")
                .json();
        assertThat(fits.get("feasible").asBoolean()).isTrue();
        assertThat(fits.get("host").get("name").asText()).isIn("h1", "h2");
        assertThat(operationCount()).isEqualTo(operations);
        assertThat(server.get("/api/v1/vms").json().get("items")).extracting(v -> v.get("name").asText())
                .doesNotContain("x", "y");
    }

    @Test
    void theCommandLinesDryRunPrintsTheAnswerAndExitsFiveWhenItWouldBeRefused() {
        created("web", 2, "host-1");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Cli.run(new String[] {"vm", "migrate", "web", "--to", "h2", "--dry-run"}, new PrintWriter(out),
                new PrintWriter(err), Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("migrate web: would go to h2");
        created("big", 7, "host-2");
        StringWriter refusedOut = new StringWriter();
        StringWriter refusedErr = new StringWriter();
        int refused = Cli.run(new String[] {"vm", "migrate", "web", "--dry-run"}, new PrintWriter(refusedOut),
                new PrintWriter(refusedErr), Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));
        assertThat(refused).isEqualTo(5);
        assertThat(refusedOut.toString()).contains("RULED OUT").contains("h2");
        assertThat(refusedErr.toString().strip()).startsWith("paddock: No host of cluster 'prod' has room for VM 'web'");
    }

    @Test
    void aVmOnALocalPoolMovesWithItsDiskToTheTargetsPoolOfTheSameName() {
        String web = onLocalDisk("web", "h1", "h2");

        JsonNode moved = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}"));

        assertThat(moved.get("state").asText()).as(moved.toString()).isEqualTo("DONE");
        assertThat(server.steps(moved)).containsExactly(
                "create qcow2 volume web-root.qcow2 of 1024 MiB in pool local on host-2",
                "migrate VM " + web + " from host-1 to host-2 with its disks root",
                "delete volume web-root.qcow2 from pool local on host-1");
        assertThat(hostOf(web)).isEqualTo("host-2");
        assertThat(server.store.vm(web).orElseThrow().disks().getFirst().datastoreId())
                .isEqualTo(localDatastoreOf("host-2"));
        assertThat(server.hypervisor.volumes("host-2", "local")).extracting(v -> v.name())
                .containsExactly("web-root.qcow2");
        assertThat(server.hypervisor.volumes("host-1", "local")).isEmpty();
    }

    @Test
    void aFailedStorageMigrationLeavesNoVolumeOnTheTarget() {
        String web = onLocalDisk("web", "h1", "h2");
        server.hypervisor.inject(new dev.paddock.sim.Fault.FailingCalls(dev.paddock.sim.CallKind.MIGRATE, 1));

        JsonNode failed = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}"));

        assertThat(failed.get("state").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.get("steps").get(0).get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(server.hypervisor.volumes("host-2", "local")).isEmpty();
        assertThat(server.hypervisor.volumes("host-1", "local")).extracting(v -> v.name())
                .containsExactly("web-root.qcow2");
        assertThat(hostOf(web)).isEqualTo("host-1");
        assertThat(server.store.vm(web).orElseThrow().disks().getFirst().datastoreId())
                .isEqualTo(localDatastoreOf("host-1"));
    }

    @Test
    void aVolumeThatARunningDomainUsesIsNeverDeleted() {
        String web = onLocalDisk("web", "h1");
        Vm vm = server.store.vm(web).orElseThrow();
        server.hypervisor.define("host-1", dev.paddock.hypervisor.DomainBuilder.specOf(vm, server.store.room()));
        dev.paddock.operation.OperationView submitted = server.operations.submit(
                new dev.paddock.operation.plan.OperationPlan("volume.delete", web, "test", java.util.List.of(
                        new dev.paddock.operation.plan.Step.DeleteVolume("host-1", "local", "web-root.qcow2"))));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> server.operations.get(submitted.id()).orElseThrow().state().isFinal());

        dev.paddock.operation.OperationView ended = server.operations.get(submitted.id()).orElseThrow();
        assertThat(ended.state().name()).isEqualTo("FAILED");
        assertThat(ended.error()).hasValueSatisfying(error -> assertThat(error).endsWith("volume web-root.qcow2 of"
                + " pool local is a disk of domain " + web + ", which runs on host-1: not deleted"));
        assertThat(server.hypervisor.volumes("host-1", "local")).extracting(v -> v.name())
                .containsExactly("web-root.qcow2");
    }

    @Test
    void aTargetWithoutTheLocalPoolIsRefusedWithTheEnginesSentence() {
        String web = onLocalDisk("web", "h1");
        int operations = operationCount();

        TestServer.Reply reply = server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Host 'h2' has no room for VM 'web': datastore"
                + " local of disk root is not reachable from the host, which has no local pool local to copy it to.");
        assertThat(operationCount()).isEqualTo(operations);
    }

    @Test
    void aVolumeOfThatNameOnTheTargetIsNeverOverwritten() {
        String web = onLocalDisk("web", "h1", "h2");
        server.hypervisor.createVolume("host-2", "local", "web-root.qcow2", 64, "qcow2");

        TestServer.Reply reply = server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Host 'h2' already has a volume 'web-root.qcow2'"
                + " in pool 'local': disk 'root' of VM 'web' cannot be copied over it.");
        assertThat(hostOf(web)).isEqualTo("host-1");
    }

    @Test
    void aLinkedCloneMovesOnlyWhenItsImageIsOnTheTarget() {
        String web = onLocalDisk("web", "h1", "h2");
        server.hypervisor.createVolume("host-1", "local", "debian.qcow2", 512, "qcow2");
        server.hypervisor.deleteVolume("host-1", "local", "web-root.qcow2");
        server.hypervisor.cloneVolume("host-1", "local", "web-root.qcow2", "debian.qcow2", true, 1L << 30, p -> {});
        Vm vm = server.store.vm(web).orElseThrow();
        dev.paddock.model.Disk plain = vm.disks().getFirst();
        server.store.put(vm.withDisks(java.util.List.of(new dev.paddock.model.Disk(plain.name(),
                plain.datastoreId(), 1, plain.volume(), "qcow2", false, java.util.Optional.of("img-1"), true))));

        TestServer.Reply refused = server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Host 'h2' has no image 'debian.qcow2' (volume"
                + " 'debian.qcow2') in pool 'local', which disk 'root' of VM 'web' is a linked clone of: copy the"
                + " image there first.");

        server.hypervisor.createVolume("host-2", "local", "debian.qcow2", 512, "qcow2");
        JsonNode moved = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}"));

        assertThat(moved.get("state").asText()).as(moved.toString()).isEqualTo("DONE");
        assertThat(server.steps(moved).getFirst())
                .isEqualTo("make linked clone web-root.qcow2 of debian.qcow2 in pool local on host-2");
        assertThat(server.hypervisor.volumes("host-2", "local")).filteredOn(v -> v.name().equals("web-root.qcow2"))
                .singleElement().satisfies(v -> assertThat(v.backingStore()).isPresent());
    }

    /**
     * A running VM on host-1 whose one disk is the volume web-root.qcow2 of the local directory pool "local", made
     * through the API on {@code hosts} (one local datastore per host), once discovery has seen each pool started.
     */
    private String onLocalDisk(String name, String... hosts) {
        JsonNode made = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"local\",\"type\":\"dir\","
                + "\"source\":{\"path\":\"/var/lib/paddock/local\"},\"hosts\":" + json(hosts) + "}"));
        assertThat(made.get("state").asText()).as(made.toString()).isEqualTo("DONE");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> server.store
                .datastores().stream().filter(d -> !d.hostIds().isEmpty()).count() == hosts.length);
        String id = created(name, 2, "host-1");
        server.hypervisor.createVolume("host-1", "local", name + "-root.qcow2", 1024, "qcow2");
        Vm vm = server.store.vm(id).orElseThrow();
        server.store.put(vm.withDisks(java.util.List.of(dev.paddock.model.Disk.empty("root",
                localDatastoreOf("host-1"), 1, name + "-root.qcow2"))));
        return id;
    }

    private String localDatastoreOf(String hostId) {
        return server.store.datastores().stream().filter(d -> d.hostIds().contains(hostId)).findFirst()
                .orElseThrow().id();
    }

    private static String json(String... values) {
        return java.util.Arrays.stream(values).map(v -> "\"" + v + "\"").collect(
                java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** What the engine says of the VM, moved off its host, in the room as the store holds it. */
    private String engineSentence(String vmId) {
        Room room = server.store.room();
        Vm vm = room.vm(vmId).orElseThrow();
        Placement answer = PlacementEngine.balancing().place(room, Claims.NONE, vm,
                host -> !host.id().equals(vm.hostId().orElseThrow()));
        return ((Placement.Unplaceable) answer).explain(room, vm);
    }

    private String created(String name, int vcpus, String hostId) {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":" + vcpus
                + ",\"memoryMib\":1024,\"hostId\":\"" + hostId + "\"}");
        server.awaitFinal(reply);
        return reply.json().get("target").asText();
    }

    private String hostOf(String vmId) {
        return server.get("/api/v1/vms/" + vmId).json().get("hostId").asText();
    }

    private int operationCount() {
        return server.get("/api/v1/operations").json().get("total").asInt();
    }
}

package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimHostStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement claims what it decides: creates sent all at once through the real HTTP API, on a simulated room,
 * never take the same room twice. Either a create is refused at submission (409, the engine's sentence) or it
 * runs; none fails later for want of room, and no host is ever above its capacity.
 */
class PlacementClaimsApiTest {

    static final Cluster CLUSTER = new Cluster("cluster-1", TestServer.SITE.id(), "prod", true, 0);
    static final int HOSTS = 10;
    static final int CLIENTS = 32;

    @TempDir
    Path directory;

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.ha.close();
            server.close();
        }
    }

    @Test
    void twoHundredCreatesAtOnceOnRoomForTwoHundredAllRunAndNoHostIsEverOvercommitted() throws Exception {
        server = TestServer.withRoom(directory, CLUSTER, hosts(20));

        Burst burst = burst(200);

        assertThat(burst.refused()).isEmpty();
        assertThat(burst.accepted()).hasSize(200);
        assertThat(finalStates(burst.accepted())).containsOnly("DONE").hasSize(200);
        assertThat(burst.overcommitted()).as("a host above its capacity while the creates ran").isEmpty();
        assertThat(runningDomains()).isEqualTo(200);
    }

    @Test
    void twoHundredCreatesAtOnceOnRoomForOneHundredFiftyRunOneHundredFiftyAndRefuseFiftyAtSubmission()
            throws Exception {
        server = TestServer.withRoom(directory, CLUSTER, hosts(15));

        Burst burst = burst(200);

        assertThat(burst.accepted()).hasSize(150);
        assertThat(finalStates(burst.accepted())).as("no create fails later at its start step")
                .containsOnly("DONE").hasSize(150);
        assertThat(burst.refused()).hasSize(50).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(409));
        assertThat(burst.overcommitted()).isEmpty();
        assertThat(runningDomains()).isEqualTo(150);
        Room room = server.store.room();
        for (TestServer.Reply reply : burst.refused()) {
            String detail = reply.json().get("detail").asText();
            String name = detail.replaceAll("^.*has room for VM '([^']+)'.*$", "$1");
            assertThat(detail).as("the 409's detail is the engine's sentence").isEqualTo(engineSentence(room, name));
        }
    }

    @Test
    void createsAndTheRestartsOfACrashedHostTogetherNeverOvercommitAndEveryRefusalIsA409AtSubmission()
            throws Exception {
        server = TestServer.withRoom(directory, CLUSTER, hosts(15));
        for (Host host : server.store.room().hosts()) {
            server.ha.settings().putFenceDevice(host.id(), SimulatedFenceAgent.deviceFor(host.name()));
        }
        server.ha.settings().putTuning(CLUSTER.id(), new HaSettings.ClusterTuning(false, Duration.ofSeconds(1)));
        for (int i = 0; i < 10; i++) {
            server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"db-" + i + "\",\"hostId\":\"host-h01\","
                    + "\"vcpus\":1,\"memoryMib\":256,\"haPriority\":100}"));
        }
        server.ha.start();

        Burst burst = burst(200, () -> server.hypervisor.inject(new Fault.HostCrash("h01")));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> failovers().stream()
                .anyMatch(op -> op.get("isFinal").asBoolean()));
        assertThat(burst.overcommitted()).as("a host above its capacity while creates and restarts ran").isEmpty();
        assertThat(burst.refused()).isNotEmpty().allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(409);
            assertThat(reply.json().get("detail").asText()).startsWith("No host of cluster 'prod' has room for VM");
        });
        for (TestServer.Reply reply : burst.accepted()) {
            assertThat(failures(server.get(reply.location()).json())).as("a create that failed later for want of room")
                    .doesNotContain("free");
        }
        for (JsonNode failover : failovers()) {
            assertThat(failures(failover)).as("a restart that failed for want of room").doesNotContain("free");
        }
        assertThat(overcommittedHosts()).isEmpty();
    }

    /** The operation's error and the logs of its failed steps. */
    static String failures(JsonNode operation) {
        StringBuilder text = new StringBuilder(operation.path("error").asText(""));
        operation.path("steps").forEach(step -> {
            if (step.path("state").asText().equals("FAILED")) {
                text.append('\n').append(step.path("log").asText(""));
            }
        });
        return text.toString();
    }

    List<JsonNode> failovers() {
        List<JsonNode> found = new ArrayList<>();
        server.get("/api/v1/operations?limit=500").json().path("items").forEach(op -> {
            if (op.get("kind").asText().equals("host.failover")) {
                found.add(op);
            }
        });
        return found;
    }

    /** What the placement engine says of a new VM of one vCPU named {@code name} in the room as it ended. */
    static String engineSentence(Room room, String name) {
        Vm vm = new Vm("x", name, CLUSTER.id(), Optional.empty(), Resources.of(1_000, 256, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
        Placement answer = PlacementEngine.balancing().place(room, Claims.NONE, vm);
        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
        return ((Placement.Unplaceable) answer).explain(room, vm);
    }

    /** The creates' answers, split, and every moment a sampler saw a host above its capacity. */
    record Burst(List<TestServer.Reply> accepted, List<TestServer.Reply> refused, List<String> overcommitted) {}

    /** {@code count} creates of one vCPU and 256 MiB, released together from {@link #CLIENTS} clients. */
    Burst burst(int count) throws Exception {
        return burst(count, () -> { });
    }

    /** The same, with {@code meanwhile} done once the creates are on their way. */
    Burst burst(int count, Runnable meanwhile) throws Exception {
        List<String> overcommitted = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                overcommitted.addAll(overcommittedHosts());
                Thread.onSpinWait();
            }
        });
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestServer.Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String body = "{\"name\":\"vm-" + i + "\",\"vcpus\":1,\"memoryMib\":256}";
                replies.add(clients.submit(() -> {
                    go.await();
                    return server.post("/api/v1/vms", body);
                }));
            }
            go.countDown();
            Thread.sleep(50);
            meanwhile.run();
            List<TestServer.Reply> accepted = new ArrayList<>();
            List<TestServer.Reply> refused = new ArrayList<>();
            for (Future<TestServer.Reply> reply : replies) {
                TestServer.Reply answer = reply.get(60, TimeUnit.SECONDS);
                (answer.status() == 202 ? accepted : refused).add(answer);
            }
            awaitAllFinal(accepted);
            return new Burst(accepted, refused, List.copyOf(overcommitted));
        } finally {
            sampling.set(false);
            sampler.join();
            clients.shutdownNow();
        }
    }

    /** Hosts whose running domains ask more cpu or memory than the host has, as the simulator holds them. */
    List<String> overcommittedHosts() {
        List<String> over = new ArrayList<>();
        for (SimHostStatus host : server.hypervisor.hosts()) {
            long cpu = 0;
            long memory = 0;
            for (DomainInfo domain : server.hypervisor.domainsOn(host.hostname())) {
                if (domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED) {
                    cpu += domain.vcpus() * 1_000L;
                    memory += domain.memoryMib();
                }
            }
            if (cpu > host.capacity().cpuMillicores() || memory > host.capacity().memoryMib()) {
                over.add(host.hostname() + ": " + cpu + " millicores, " + memory + " MiB");
            }
        }
        return over;
    }

    void awaitAllFinal(List<TestServer.Reply> accepted) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> finalStates(accepted).stream().noneMatch(s -> s.equals("PENDING") || s.equals("RUNNING")));
    }

    List<String> finalStates(List<TestServer.Reply> accepted) {
        List<String> states = new ArrayList<>();
        for (TestServer.Reply reply : accepted) {
            JsonNode operation = server.get(reply.location()).json();
            states.add(operation.get("state").asText());
        }
        return states;
    }

    int runningDomains() {
        int running = 0;
        for (SimHostStatus host : server.hypervisor.hosts()) {
            running += (int) server.hypervisor.domainsOn(host.hostname()).stream()
                    .filter(d -> d.state() == VmState.RUNNING).count();
        }
        return running;
    }

    /** {@link #HOSTS} hosts of {@code vcpus} vCPUs and memory to spare, so cpu is what runs out. */
    static List<Host> hosts(int vcpus) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            String name = String.format("h%02d", i);
            hosts.add(new Host("host-" + name, CLUSTER.id(), name, "sim://" + name,
                    Resources.of(vcpus * 1_000L, 65_536, 500, 10_000), HostState.CONNECTED, PowerState.ON, Set.of()));
        }
        return hosts;
    }
}

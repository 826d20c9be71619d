package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.PaddockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VM whose disk is a volume of h1's local directory pool moves live, with its disk, to h2's local pool of the same
 * name, asked through the REST API: the guest's heartbeat keeps ticking through the copy and the switch-over, the
 * volume ends in h2's pool and is gone from h1's. A migration to h3, which does not carry the VM's network, is
 * refused with the placement engine's sentence.
 *
 * <p>How the VM is made: the API creates it (stopped) with its NIC on a network of h1 and h2, so that Paddock gives
 * it its MAC; its disk volume is made in h1's pool through the port, and the VM is then recorded with that disk,
 * defined and started by the server's own operation steps, as {@link LabPaddock#seed} does, since the API's create
 * does not take disks yet.
 */
@Tag("lab")
class LabStorageMigrationTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final Duration OPERATION = Duration.ofSeconds(120);
    /** The server's inventory resync (every 30 s) records where each pool is started. */
    private static final Duration RESYNC = Duration.ofSeconds(75);
    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (\\d+)");
    private static final Pattern DOWNTIME = Pattern.compile("downtime (\\d+) ms");
    private static final long POLL_MILLIS = 50;

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static LabPaddock.Registered lab;
    /** What the test made, deleted after it in this order: VMs, then datastores, then networks. */
    private static final List<String> vms = new ArrayList<>();
    private static final List<String> datastores = new ArrayList<>();
    private static final List<String> networks = new ArrayList<>();

    private static String network;
    private static Map<String, Datastore> local;

    /** A network of h1 and h2 (not h3), and the local pool "local" on h1 and h2. */
    @BeforeAll
    static void networkAndLocalPools() {
        server = LAB.server();
        paddock = LAB.paddock();
        lab = LAB.registered();
        network = network("mig-" + UUID.randomUUID().toString().substring(0, 8), lab.host(1), lab.host(2));
        local = localDatastores("local", lab.host(1), lab.host(2));
    }

    /** The VM, its volumes, the local datastores (their pools) and the network go, in that order. */
    @AfterAll
    static void removeWhatTheTestMade() {
        List<String> made = new ArrayList<>(vms);
        made.addAll(datastores);
        made.addAll(networks);
        for (String path : made) {
            LabPaddock.Reply reply = paddock.delete(path);
            if (reply.status() == 202) {
                String operation = "/api/v1/operations/" + reply.json().get("id").asText();
                LabAwait.until(path + " deleted", OPERATION, () -> paddock.get(operation).json().get("isFinal")
                        .asBoolean());
            }
        }
    }

    @Test
    @DisplayName("a VM on h1's local pool moves live with its disk to h2's pool of that name; h3 without its network is refused")
    void aVmMovesWithItsLocalDisk() throws Exception {
        Hypervisor hypervisor = server.parts().hypervisor();
        Vm vm = runningOnLocalDisk("local-" + UUID.randomUUID().toString().substring(0, 8), network,
                local.get(lab.host(1)));
        Path console = LAB.lab().shared().resolve(vm.id() + ".console.log");
        LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(90),
                () -> beats(console).size() >= 2);

        LabPaddock.Reply refused = paddock.post("/api/v1/vms/" + vm.id() + "/migrate",
                "{\"hostId\":\"" + lab.host(3) + "\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Host 'h3' has no room for VM '" + vm.name()
                + "': network " + network + " of NIC " + vm.nics().getFirst().mac() + " is not carried by the host.");

        ConcurrentSkipListMap<Long, Long> arrivals = new ConcurrentSkipListMap<>();
        Thread watcher = Thread.ofPlatform().name("console-watch").daemon().start(() -> watch(console, arrivals));
        try {
            LabAwait.until("two beats timed before the migration", Duration.ofSeconds(30),
                    () -> arrivals.size() >= 3);
            long asked = System.nanoTime() / 1_000_000;
            LabPaddock.Reply accepted = paddock.post("/api/v1/vms/" + vm.id() + "/migrate",
                    "{\"hostId\":\"" + lab.host(2) + "\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String operation = "/api/v1/operations/" + accepted.json().get("id").asText();
            LabAwait.until("the migration done", OPERATION, () -> paddock.get(operation).json().get("isFinal")
                    .asBoolean());
            long ended = System.nanoTime() / 1_000_000;
            JsonNode done = paddock.get(operation).json();
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
            long beatAtEnd = arrivals.lastKey();
            LabAwait.until("three beats after the migration", Duration.ofSeconds(30),
                    () -> arrivals.lastKey() >= beatAtEnd + 3);

            long downtime = downtimeMillis(done);
            List<Long> gaps = gaps(arrivals);
            // one beat: the guest's longest interval while no migration ran, before it was asked or after it ended
            long beat = quietGaps(arrivals, asked, ended).stream().mapToLong(Long::longValue).max().orElseThrow();
            long largest = gaps.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("storage migration: downtime %d ms, beat %d ms, largest gap %d ms, gaps %s%n",
                    downtime, beat, largest, gaps);
            assertThat(largest).as("largest gap between beats (ms), gaps " + gaps)
                    .isLessThanOrEqualTo(downtime + beat + 2 * POLL_MILLIS);
            assertThat(consecutive(arrivals)).as("every beat counted, none lost or repeated").isTrue();
        } finally {
            watcher.interrupt();
        }

        assertThat(hypervisor.domain(lab.host(2), vm.id())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain(lab.host(1), vm.id())).isEmpty();
        JsonNode moved = paddock.get("/api/v1/vms/" + vm.id()).json();
        assertThat(moved.get("hostId").asText()).isEqualTo(lab.host(2));
        assertThat(moved.get("disks").get(0).get("datastoreId").asText()).isEqualTo(local.get(lab.host(2)).id());
        String volume = vm.disks().getFirst().volume();
        assertThat(hypervisor.volumes(lab.host(2), "local")).extracting(VolumeFacts::name).contains(volume);
        assertThat(hypervisor.volumes(lab.host(1), "local")).extracting(VolumeFacts::name).doesNotContain(volume);
        long last = beats(console).getLast();
        LabAwait.until("a heartbeat on h2 after the migration", Duration.ofSeconds(30),
                () -> beats(console).getLast() > last);
        hypervisor.deleteVolume(lab.host(2), "local", volume);
    }

    @Test
    @DisplayName("a storage migration capped to 1 MiB/s shows progress, and a cancel rolls it back: the VM and its volume on h1, nothing on h2")
    void aCancelledStorageMigrationLeavesNothingOnTheTarget() {
        Hypervisor hypervisor = server.parts().hypervisor();
        Vm vm = runningOnLocalDisk("slow-" + UUID.randomUUID().toString().substring(0, 8), network,
                local.get(lab.host(1)));
        String volume = vm.disks().getFirst().volume();
        Path console = LAB.lab().shared().resolve(vm.id() + ".console.log");
        LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(90),
                () -> beats(console).size() >= 2);

        LabPaddock.Reply accepted = paddock.post("/api/v1/vms/" + vm.id() + "/migrate",
                "{\"hostId\":\"" + lab.host(2) + "\",\"bandwidthMibps\":1}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String operation = "/api/v1/operations/" + accepted.json().get("id").asText();
        LabAwait.until("progress reported by the running migration", Duration.ofSeconds(60), () -> {
            double progress = paddock.get(operation).json().get("progress").asDouble();
            return progress > 0 && progress < 1 && hypervisor.volumes(lab.host(2), "local").stream()
                    .anyMatch(v -> v.name().equals(volume));
        });
        LabPaddock.Reply cancelled = paddock.post(operation + "/cancel", "");

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        LabAwait.until("the migration stopped", OPERATION, () -> paddock.get(operation).json().get("isFinal")
                .asBoolean());
        JsonNode ended = paddock.get(operation).json();
        // the cancel aborted libvirt's job; the volume made on h2 was undone, so the operation ends rolled back
        assertThat(ended.get("state").asText()).as(ended.toString()).isEqualTo("ROLLED_BACK");
        assertThat(ended.get("steps").get(0).get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(ended.get("error").asText()).contains("canceled by client");
        assertThat(hypervisor.domain(lab.host(1), vm.id())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain(lab.host(2), vm.id())).isEmpty();
        assertThat(hypervisor.volumes(lab.host(2), "local")).extracting(VolumeFacts::name).doesNotContain(volume);
        assertThat(hypervisor.volumes(lab.host(1), "local")).extracting(VolumeFacts::name).contains(volume);
        JsonNode home = paddock.get("/api/v1/vms/" + vm.id()).json();
        assertThat(home.get("hostId").asText()).isEqualTo(lab.host(1));
        assertThat(home.get("disks").get(0).get("datastoreId").asText()).isEqualTo(local.get(lab.host(1)).id());
        long last = beats(console).getLast();
        LabAwait.until("a heartbeat on h1 after the cancel", Duration.ofSeconds(30),
                () -> beats(console).getLast() > last);
        paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
        LabAwait.until("VM " + vm.name() + " deleted", OPERATION, () -> hypervisor.domain(lab.host(1), vm.id())
                .isEmpty());
        hypervisor.deleteVolume(lab.host(1), "local", volume);
    }

    /** An isolated network made through the API on the hosts (ids); its name. */
    private static String network(String name, String... hostIds) {
        LabPaddock.Reply accepted = paddock.post("/api/v1/networks", "{\"siteId\":\"" + siteId() + "\",\"name\":\""
                + name + "\",\"hosts\":[\"" + String.join("\",\"", hostIds) + "\"]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
        String id = "";
        for (JsonNode made : paddock.get("/api/v1/networks").json().get("items")) {
            if (made.get("name").asText().equals(name)) {
                id = made.get("id").asText();
            }
        }
        networks.add("/api/v1/networks/" + id);
        return name;
    }

    /**
     * A local dir pool of that name on each host, made through the API (one datastore per host), once the server's
     * resync has seen each started: the datastores by host id.
     */
    private static Map<String, Datastore> localDatastores(String pool, String... hostIds) {
        LabPaddock.Reply accepted = paddock.post("/api/v1/datastores", "{\"name\":\"" + pool + "\",\"type\":\"dir\","
                + "\"source\":{\"path\":\"/var/lib/libvirt/paddock-" + pool + "\"},\"hosts\":[\""
                + String.join("\",\"", hostIds) + "\"]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
        Map<String, Datastore> byHost = new java.util.HashMap<>();
        LabAwait.until("each host's local datastore seen started", RESYNC, () -> {
            byHost.clear();
            for (Datastore datastore : server.parts().store().datastores()) {
                if (datastore.type().equals("dir") && !datastore.shared()
                        && pool.equals(datastore.pools().values().stream().findFirst().orElse(""))) {
                    datastore.hostIds().forEach(host -> byHost.put(host, datastore));
                }
            }
            return byHost.keySet().containsAll(List.of(hostIds));
        });
        byHost.values().stream().distinct().forEach(d -> datastores.add("/api/v1/datastores/" + d.id()));
        return Map.copyOf(byHost);
    }

    /**
     * The VM made by the API (stopped, its NIC on the network, on h1), then given a 64 MiB qcow2 volume of h1's local
     * pool as its disk and started, by the server's operation steps.
     */
    private static Vm runningOnLocalDisk(String name, String network, Datastore local) {
        LabPaddock.Reply accepted = paddock.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"hostId\":\"" + lab.host(1) + "\",\"start\":false,\"nics\":[{\"network\":\""
                + network + "\"}]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
        String id = accepted.json().get("target").asText();
        vms.add("/api/v1/vms/" + id + "?force=true");
        String volume = name + "-root.qcow2";
        server.parts().hypervisor().createVolume(lab.host(1), "local", volume, 64, "qcow2");
        Vm made = server.parts().store().vm(id).orElseThrow();
        Vm vm = made.withDisks(List.of(Disk.empty("root", local.id(), 1, volume)));
        OperationView run = server.parts().operations().submit(new OperationPlan("vm.create", id, "lab-test",
                List.of(new Step.RecordVm(vm), new Step.DefineVm(lab.host(1), DomainBuilder.specOf(vm,
                        server.parts().store().room())), new Step.StartVm(lab.host(1), id))));
        awaitDone(run.id());
        return vm;
    }

    private static String siteId() {
        return paddock.get("/api/v1/sites").json().get("items").get(0).get("id").asText();
    }

    private static void awaitDone(String operationId) {
        String path = "/api/v1/operations/" + operationId;
        LabAwait.until("operation " + operationId + " final", OPERATION,
                () -> paddock.get(path).json().get("isFinal").asBoolean());
        JsonNode operation = paddock.get(path).json();
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
    }

    /** Every beat the console log holds, in order. */
    private static List<Long> beats(Path console) {
        List<Long> beats = new ArrayList<>();
        try {
            if (!Files.exists(console)) {
                return beats;
            }
            Matcher matcher = HEARTBEAT.matcher(Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1));
            while (matcher.find()) {
                beats.add(Long.parseLong(matcher.group(1)));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return beats;
    }

    /**
     * Until interrupted, notes when (monotonic ms) each beat first shows in the console log, from the first beat
     * written after the watch began.
     */
    private static void watch(Path console, Map<Long, Long> arrivals) {
        java.util.Set<Long> before = new java.util.HashSet<>(beats(console));
        while (!Thread.currentThread().isInterrupted()) {
            List<Long> beats = beats(console);
            long now = System.nanoTime() / 1_000_000;
            for (long beat : beats) {
                if (!before.contains(beat)) {
                    arrivals.putIfAbsent(beat, now);
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The time between each beat's arrival and the next's. */
    private static List<Long> gaps(ConcurrentSkipListMap<Long, Long> arrivals) {
        List<Long> times = new ArrayList<>(arrivals.values());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }

    /** The gaps between beats that both arrived before {@code from}, or both after {@code to}. */
    private static List<Long> quietGaps(ConcurrentSkipListMap<Long, Long> arrivals, long from, long to) {
        List<Long> times = new ArrayList<>(arrivals.values());
        List<Long> quiet = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) <= from || times.get(i - 1) >= to) {
                quiet.add(times.get(i) - times.get(i - 1));
            }
        }
        return quiet;
    }

    private static boolean consecutive(ConcurrentSkipListMap<Long, Long> arrivals) {
        return arrivals.lastKey() - arrivals.firstKey() == arrivals.size() - 1;
    }

    /** The downtime libvirt reported for the completed job, as the migration step logged it. */
    private static long downtimeMillis(JsonNode operation) {
        for (JsonNode step : operation.get("steps")) {
            Matcher matcher = DOWNTIME.matcher(step.path("log").asText());
            if (matcher.find()) {
                return Long.parseLong(matcher.group(1));
            }
        }
        throw new AssertionError("no migration step logged its downtime: " + operation);
    }
}

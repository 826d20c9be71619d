package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.drs.BalancingController;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.server.PaddockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Balancing and power saving on real lab hosts: a real Paddock server over the lab's three libvirt hosts (shared
 * datastore, HA on, each host fenced by fence_ipmilan against its BMC). The controller's rounds run as its timer
 * would run them (every 5 minutes in production), one after the other here.
 *
 * <p>A burst of CPU: guests with a records disk append fsync'd records as fast as they can, which keeps a core of
 * QEMU busy each (TCG); three of them start on h1. Their heartbeats on their root disks keep counting across their
 * live migration.
 */
@Tag("lab")
class LabBalancingTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(3));

    private static final Duration LONG = Duration.ofSeconds(180);

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static LabPaddock.Registered lab;
    private final List<String> made = new ArrayList<>();

    @BeforeAll
    static void parts() {
        server = LAB.server();
        paddock = LAB.paddock();
        lab = LAB.registered();
    }

    /** Every host back on, out of maintenance and healthy; the test's VMs deleted; balancing and power saving off. */
    @AfterEach
    void restore() {
        paddock.put("/api/v1/clusters/" + lab.clusterId() + "/balancing", "{\"mode\":\"off\"}");
        paddock.put("/api/v1/clusters/" + lab.clusterId() + "/power-saving", "{\"mode\":\"off\"}");
        for (String id : made) {
            paddock.delete("/api/v1/vms/" + id + "?force=true");
        }
        // a host powered on answers first, and only then leaves maintenance: armed while still silent, HA would fence it
        for (int n = 1; n <= 3; n++) {
            if (LAB.lab().power(n) == Lab.Power.OFF) {
                LAB.lab().powerOn(n);
            }
        }
        for (int n = 1; n <= 3; n++) {
            String host = lab.host(n);
            LabAwait.until("h" + n + " answering", LONG, () -> !paddock.get("/api/v1/hosts/" + host).json()
                    .get("state").asText().equals("DISCONNECTED"));
            paddock.post("/api/v1/hosts/" + host + "/maintenance", "{\"action\":\"exit\"}");
        }
        for (int n = 1; n <= 3; n++) {
            String host = lab.host(n);
            LabAwait.until("h" + n + " connected and healthy", LONG, () ->
                    paddock.get("/api/v1/hosts/" + host).json().get("state").asText().equals("CONNECTED")
                            && paddock.health(host).equals("HEALTHY"));
        }
        for (String id : made) {
            LabAwait.until("VM " + id + " deleted", Duration.ofSeconds(60),
                    () -> paddock.get("/api/v1/vms/" + id).status() == 404);
        }
    }

    @Test
    @DisplayName("a burst of CPU in guests on h1: balancing in automatic mode moves VMs off h1 live")
    void aBurstOnH1IsBalancedAway() throws Exception {
        List<Burner> burners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            burners.add(burner(1));
        }
        burners.forEach(b -> LabAwait.until(b.name() + " writing records", Duration.ofSeconds(90),
                () -> LAB.lab().heartbeat(b.root()).orElse(0) >= 2));
        LabAwait.until("two samples of every burner", Duration.ofSeconds(60),
                () -> burners.stream().allMatch(b -> paddock.get("/api/v1/vms/" + b.id() + "/usage").json()
                        .path("points").size() >= 2));
        JsonNode set = paddock.put("/api/v1/clusters/" + lab.clusterId() + "/balancing", "{\"mode\":\"automatic\"}")
                .json();
        assertThat(set.get("plan").get("hostCpu").get("h1").asDouble()).as(set.toString()).isGreaterThan(0.4);

        controller().round();

        JsonNode operation = lastOperation("cluster.balance");
        LabAwait.until("the balancing operation done", LONG, () -> paddock.get("/api/v1/operations/"
                + operation.get("id").asText()).json().get("state").asText().equals("DONE"));
        List<String> moved = burners.stream().filter(b -> !hostOf(b.id()).equals(lab.host(1))).map(Burner::id)
                .toList();
        assertThat(moved).as("burners moved off h1").isNotEmpty();
        for (Burner b : burners) {
            if (moved.contains(b.id())) {
                long before = LAB.lab().heartbeat(b.root()).orElse(0);
                LabAwait.until(b.name() + "'s heartbeat counts on after its live migration", Duration.ofSeconds(30),
                        () -> LAB.lab().heartbeat(b.root()).orElse(0) > before);
                // the target resumes the guest as the migration ends; the inventory hears it from the event
                LabAwait.until(b.name() + " running in the inventory", Duration.ofSeconds(30), () -> paddock
                        .get("/api/v1/vms/" + b.id()).json().get("state").asText().equals("RUNNING"));
            }
        }
        JsonNode after = paddock.get("/api/v1/clusters/" + lab.clusterId() + "/balancing").json().get("plan");
        System.out.println("balancing after the round: " + after.get("summary").asText());
    }

    @Test
    @DisplayName("power saving puts an idle lab host in standby through its BMC, and powers it on when load returns")
    void anIdleHostGoesToStandbyAndComesBackWhenLoadReturns() throws Exception {
        String power = "/api/v1/clusters/" + lab.clusterId() + "/power-saving";
        // an idle lab: standby while the hosts left would be under 5 % busy, power on above 15 %
        JsonNode set = paddock.put(power, "{\"mode\":\"automatic\",\"low\":0.05,\"target\":0.1,\"high\":0.15,"
                + "\"settleMinutes\":0}").json();
        assertThat(set.get("decision").get("action").asText()).as(set.toString()).isEqualTo("standby");

        controller().round();

        JsonNode standby = lastOperation("host.standby");
        LabAwait.until("the standby operation done", LONG, () -> paddock.get("/api/v1/operations/"
                + standby.get("id").asText()).json().get("state").asText().equals("DONE"));
        String sleeping = standby.get("target").asText();
        int n = lab.hostIds().entrySet().stream().filter(e -> e.getValue().equals(sleeping))
                .mapToInt(e -> Integer.parseInt(e.getKey().substring(1))).findFirst().orElseThrow();
        assertThat(LAB.lab().power(n)).as("h" + n + " powered off through its BMC").isEqualTo(Lab.Power.OFF);
        assertThat(LabPaddock.qemuProcesses(n)).isEmpty();
        assertThat(paddock.health(sleeping)).isEqualTo("MAINTENANCE");

        // load returns: three burners on the first host still on (and no new standby right after the wake)
        paddock.put(power, "{\"settleMinutes\":60}");
        int busy = n == 1 ? 2 : 1;
        List<Burner> burners = List.of(burner(busy), burner(busy), burner(busy));
        burners.forEach(b -> LabAwait.until(b.name() + " writing records", Duration.ofSeconds(120),
                () -> LAB.lab().heartbeat(b.root()).orElse(0) >= 2));
        LabAwait.until("power saving decides to power a host on", Duration.ofSeconds(180),
                () -> paddock.get(power).json().get("decision").get("action").asText().equals("power-on"));

        controller().round();

        JsonNode wake = lastOperation("host.wake");
        LabAwait.until("the wake operation done", LONG, () -> paddock.get("/api/v1/operations/"
                + wake.get("id").asText()).json().get("state").asText().equals("DONE"));
        assertThat(LAB.lab().power(n)).isEqualTo(Lab.Power.ON);
        // a look at power saving follows the woken host: once it answers, it leaves maintenance
        LabAwait.until("h" + n + " back, out of maintenance and healthy", LONG, () ->
                paddock.get(power).json().get("standby").isEmpty() && paddock.health(sleeping).equals("HEALTHY"));
    }

    /** A running VM on lab host {@code n} whose guest writes records without pause: it keeps a core busy. */
    private Burner burner(int n) throws Exception {
        String id = UUID.randomUUID().toString();
        String name = "burner-" + id.substring(0, 8);
        Path datastore = LAB.lab().shared().resolve("datastores").resolve(lab.datastoreId());
        Path root = datastore.resolve(name + "-root.qcow2");
        LabPaddock.qcow2(root);
        LabDisks.records(datastore.resolve(name + "-records.qcow2"));
        Vm vm = new Vm(id, name, lab.clusterId(), Optional.of(lab.host(n)), Resources.of(500, 128, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", lab.datastoreId(), 1), new Disk("records", lab.datastoreId(), 1)), List.of());
        LabPaddock.run(server.parts(), vm, lab.host(n));
        made.add(id);
        return new Burner(id, name, root);
    }

    private record Burner(String id, String name, Path root) {}

    private static BalancingController controller() {
        return server.parts().closeables().stream().filter(BalancingController.class::isInstance)
                .map(BalancingController.class::cast).findFirst().orElseThrow();
    }

    private static String hostOf(String vmId) {
        return paddock.get("/api/v1/vms/" + vmId).json().get("hostId").asText();
    }

    private static JsonNode lastOperation(String kind) {
        for (JsonNode op : paddock.get("/api/v1/operations?limit=50").json().get("items")) {
            if (op.get("kind").asText().equals(kind)) {
                return op;
            }
        }
        throw new AssertionError("no " + kind + " operation: " + paddock.get("/api/v1/operations?limit=10").body());
    }
}

package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.server.PaddockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HA on real lab hosts: a real Paddock server (H2, HTTP on loopback) with its real HA controller over the lab's
 * three libvirt hosts, each fenced by Debian's fence_ipmilan against its BMC, as a rack server would be. Protected
 * VMs have qcow2 disks on the shared directory. Settings are the defaults but a 3 s detection window.
 *
 * <p>Throughout every test a {@link DiskWitness} asks libvirt on every host, every 200 ms, which running domains
 * use which disk: no disk may ever be open by two running domains. A restarted VM must really run: its guest's
 * heartbeat counter on its disk advances.
 */
@Tag("lab")
class LabHaTest {

    static final Duration WINDOW = Duration.ofSeconds(3);

    @RegisterExtension
    static final LabServer LAB = new LabServer(WINDOW);

    private static final Duration FAILOVER = Duration.ofSeconds(120);
    private static final Pattern FENCE_FAILURES = Pattern.compile("(?m)^paddock_ha_fence_failures_total\\S* (\\S+)$");

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static LabPaddock.Registered lab;

    private DiskWitness witness;
    private final List<LabPaddock.SeededVm> seeded = new ArrayList<>();

    @BeforeAll
    static void parts() {
        server = LAB.server();
        paddock = LAB.paddock();
        lab = LAB.registered();
    }

    @BeforeEach
    void watch() {
        witness = DiskWitness.over(LAB.lab().directory(), LAB.lab().hosts().size());
    }

    /** Every host back on, connected and healthy, with its right fence device; the test's VMs deleted. */
    @AfterEach
    void restore() {
        try {
            witness.close();
            assertThat(witness.conflicts()).as("moments two running domains used one disk").isEmpty();
        } finally {
            for (int n = 1; n <= 3; n++) {
                LAB.lab().restoreNetwork(n);
                paddock.fence(lab.host(n), LAB.lab().fenceDevice(n));
                if (LAB.lab().power(n) == Lab.Power.OFF) {
                    LAB.lab().powerOn(n);
                }
            }
            for (int n = 1; n <= 3; n++) {
                String host = lab.host(n);
                LabAwait.until("h" + n + " connected and healthy", FAILOVER, () ->
                        paddock.get("/api/v1/hosts/" + host).json().get("state").asText().equals("CONNECTED")
                                && paddock.health(host).equals("HEALTHY"));
            }
            for (LabPaddock.SeededVm vm : seeded) {
                paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
            }
            for (LabPaddock.SeededVm vm : seeded) {
                LabAwait.until("VM " + vm.name() + " deleted", Duration.ofSeconds(60),
                        () -> paddock.get("/api/v1/vms/" + vm.id()).status() == 404);
            }
        }
    }

    @Test
    @DisplayName("a host powered off through its BMC: its protected VMs run on other hosts, its unprotected VM does not")
    void hostPoweredOff() {
        LabPaddock.SeededVm first = seed(1, 2);
        LabPaddock.SeededVm second = seed(1, 1);
        LabPaddock.SeededVm unprotected = seed(1, 0);
        awaitBeating(first);
        awaitBeating(second);

        LAB.lab().powerOff(1);

        awaitRestartedAwayFrom(1, first);
        awaitRestartedAwayFrom(1, second);
        LabAwait.until("h1's recovery finished", FAILOVER, () -> paddock.haEvent("ha.host.fenced", lab.host(1)));
        witness.awaitFreshPolls();
        assertThat(witness.runningOn(unprotected.name())).as("hosts running the unprotected VM").isEmpty();
        assertThat(witness.everRanOn(unprotected.name())).as("hosts the unprotected VM ever ran on")
                .containsExactly("h1");
        assertThat(LabPaddock.qemuProcesses(1)).as("QEMU processes on the powered-off h1").isEmpty();
    }

    @Test
    @DisplayName("a host cut from the network but still running is fenced through fence_ipmilan before its VM"
            + " restarts elsewhere; once it is back, its stale copy is not running and is undefined")
    void hostCutFromTheNetwork() {
        LabPaddock.SeededVm vm = seed(2, 1);
        awaitBeating(vm);

        LAB.lab().cutNetwork(2);

        LabAwait.until("h2 fenced", FAILOVER, () -> paddock.haEvent("ha.fence.confirmed", lab.host(2)));
        assertThat(LAB.lab().power(2)).isEqualTo(Lab.Power.OFF);
        assertThat(LabPaddock.qemuProcesses(2)).as("QEMU processes on the fenced h2").isEmpty();
        awaitRestartedAwayFrom(2, vm);

        LAB.lab().restoreNetwork(2);
        LAB.lab().powerOn(2);

        LabAwait.until("the stale definition on h2 undefined", FAILOVER,
                () -> paddock.haEvent("ha.stale.undefined", vm.id()));
        witness.awaitFreshPolls();
        assertThat(witness.runningOn(vm.name())).as("hosts running the VM").hasSize(1).doesNotContain("h2");
    }

    @Test
    @DisplayName("a fence agent that fails (the BMC refuses the password): nothing restarts, an alarm is raised and"
            + " the fence is retried; once the device is right, the fence is confirmed and the VM restarts")
    void fenceAgentFailing() {
        LabPaddock.SeededVm vm = seed(3, 1);
        awaitBeating(vm);
        paddock.fence(lab.host(3), LAB.lab().fenceDevice(3, "not-the-password"));
        double failuresBefore = fenceFailures();

        LAB.lab().powerOff(3);

        LabAwait.until("a failed fence of h3 in the audit", FAILOVER, () -> paddock.haEvent("ha.fence.failed", lab.host(3)));
        LabAwait.until("an open alarm for h3's fence", Duration.ofSeconds(10), () -> openAlarm("ha.fence.failed", lab.host(3)));
        LabAwait.until("the fence retried", Duration.ofSeconds(60), () -> fenceFailures() >= failuresBefore + 2);
        witness.awaitFreshPolls();
        assertThat(witness.everRanOn(vm.name())).as("hosts the VM ran on while h3 could not be fenced")
                .containsExactly("h3");
        // the restarts are planned behind the fence step, which fails: none of them ever begins
        assertThat(server.parts().operations().list(0, 100).items()).as("h3's failover operations")
                .filteredOn(op -> op.kind().equals("host.failover") && op.target().contains(lab.host(3)))
                .isNotEmpty()
                .allSatisfy(op -> assertThat(op.steps().subList(1, op.steps().size()))
                        .extracting(dev.paddock.operation.OperationView.StepView::state)
                        .doesNotContain(dev.paddock.operation.StepState.RUNNING,
                                dev.paddock.operation.StepState.DONE));

        paddock.fence(lab.host(3), LAB.lab().fenceDevice(3));

        LabAwait.until("h3 fenced", FAILOVER, () -> paddock.haEvent("ha.fence.confirmed", lab.host(3)));
        awaitRestartedAwayFrom(3, vm);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private LabPaddock.SeededVm seed(int host, int haPriority) {
        LabPaddock.SeededVm vm = LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(),
                lab.datastoreId(), lab.host(host), "ha-" + UUID.randomUUID().toString().substring(0, 8), haPriority);
        seeded.add(vm);
        return vm;
    }

    private void awaitBeating(LabPaddock.SeededVm vm) {
        LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(60),
                () -> LAB.lab().heartbeat(vm.disk()).orElse(0) >= 2);
    }

    /**
     * Waits until libvirt shows the VM running on exactly one host other than {@code failed}, its guest's heartbeat
     * advancing there, and the inventory saying where. The old copy is dead by then, so once the counter on the
     * disk changes it is the new guest's (which counts from 1 again), and it must then grow.
     */
    private void awaitRestartedAwayFrom(int failed, LabPaddock.SeededVm vm) {
        LabAwait.until(vm.name() + " running on a host other than h" + failed, FAILOVER, () -> {
            List<String> hosts = witness.runningOn(vm.name());
            return hosts.size() == 1 && !hosts.contains("h" + failed);
        });
        long atRestart = LAB.lab().heartbeat(vm.disk()).orElse(-1);
        long[] seen = {-1};
        LabAwait.until("a heartbeat of the restarted " + vm.name(), Duration.ofSeconds(60), () -> {
            seen[0] = LAB.lab().heartbeat(vm.disk()).orElse(atRestart);
            return seen[0] != atRestart;
        });
        long first = seen[0];
        LabAwait.until("the heartbeat of the restarted " + vm.name() + " beyond " + first, Duration.ofSeconds(60),
                () -> LAB.lab().heartbeat(vm.disk()).orElse(0) > first);
        String host = witness.runningOn(vm.name()).getFirst();
        LabAwait.until("the inventory placing " + vm.name() + " on " + host, Duration.ofSeconds(30), () -> hostName(
                paddock.get("/api/v1/vms/" + vm.id()).json().path("hostId").asText()).equals(host));
    }

    private static String hostName(String hostId) {
        return lab.hostIds().entrySet().stream().filter(e -> e.getValue().equals(hostId)).map(e -> e.getKey())
                .findFirst().orElse("unknown host " + hostId);
    }

    private static boolean openAlarm(String kind, String subjectId) {
        for (JsonNode alarm : paddock.get("/api/v1/alarms?open=true").json().get("items")) {
            if (alarm.path("kind").asText().equals(kind) && alarm.path("subjectId").asText().equals(subjectId)) {
                return true;
            }
        }
        return false;
    }

    private static double fenceFailures() {
        Matcher matcher = FENCE_FAILURES.matcher(paddock.get("/metrics").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}

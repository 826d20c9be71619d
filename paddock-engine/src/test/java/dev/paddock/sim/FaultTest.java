package dev.paddock.sim;

import dev.paddock.hypervisor.DomainBuilder;
import static dev.paddock.sim.SimulatedHypervisorTest.assertReason;
import static dev.paddock.sim.SimulatedHypervisorTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent.HostEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEventKind;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FaultTest {

    private final ManualClock clock = ManualClock.atEpochOf2030();
    private final SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 11);
    private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void aHostRunningOneGuest() {
        sim.addHost("a", Resources.of(8_000, 16_384, 100, 1_000));
        sim.addHost("b", Resources.of(8_000, 16_384, 100, 1_000));
        sim.attach("A", "sim://a");
        sim.attach("B", "sim://b");
        sim.define("A", spec("g", 2, 1_024));
        sim.start("A", "g");
        sim.subscribe(events::add);
    }

    @Test
    @DisplayName("a crashed host is unreachable, says DISCONNECTED and nothing of its guests, which crashed")
    void hostCrash() {
        sim.inject(new Fault.HostCrash("a"));

        assertThat(sim.isConnected("A")).isFalse();
        assertReason(() -> sim.domains("A"), Reason.UNREACHABLE);
        assertReason(() -> sim.attach("A", "sim://a"), Reason.UNREACHABLE);
        assertThat(events).containsExactly(new HostEvent(clock.now(), "A", HostEventKind.DISCONNECTED));
        assertThat(sim.domainsOn("a")).singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(VmState.CRASHED));
    }

    @Test
    @DisplayName("a crashed host powered on again is CONNECTED, with its guests crashed until started")
    void hostPowerOn() {
        sim.inject(new Fault.HostCrash("a"));

        sim.inject(new Fault.HostPowerOn("a"));

        assertThat(sim.isConnected("A")).isTrue();
        assertThat(events).last().isEqualTo(new HostEvent(clock.now(), "A", HostEventKind.CONNECTED));
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.CRASHED);
        sim.start("A", "g");
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("healing a crash powers the host on")
    void healCrash() {
        Fault crash = new Fault.HostCrash("a");
        sim.inject(crash);

        sim.heal(crash);

        assertThat(sim.isConnected("A")).isTrue();
    }

    @Test
    @DisplayName("an isolated host is unreachable but its guests keep running, and their events are lost")
    void isolation() {
        sim.define("A", spec("h", 1, 512));
        sim.start("A", "h");
        sim.shutdown("A", "h");
        events.clear();

        sim.inject(new Fault.HostIsolation("a"));
        clock.advance(Duration.ofSeconds(10));

        assertThat(sim.isConnected("A")).isFalse();
        assertReason(() -> sim.start("A", "g"), Reason.UNREACHABLE);
        assertThat(events).containsExactly(new HostEvent(clock.now().minusSeconds(10), "A", HostEventKind.DISCONNECTED));
        assertThat(sim.domainsOn("a")).extracting(d -> d.state()).containsExactly(VmState.RUNNING, VmState.STOPPED);
    }

    @Test
    @DisplayName("healing an isolation reconnects the host, which still runs its guests")
    void healIsolation() {
        Fault isolation = new Fault.HostIsolation("a");
        sim.inject(isolation);

        sim.heal(isolation);

        assertThat(sim.isConnected("A")).isTrue();
        assertThat(events).last().isEqualTo(new HostEvent(clock.now(), "A", HostEventKind.CONNECTED));
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("an isolated host cannot take part in a migration")
    void isolatedHostCannotMigrate() {
        sim.inject(new Fault.HostIsolation("b"));

        assertReason(() -> sim.migrate("g", "A", "B", dev.paddock.hypervisor.MigrationOptions.DEFAULTS, p -> {}),
                Reason.UNREACHABLE);
    }

    @Test
    @DisplayName("a guest crash stops that guest alone, with a CRASHED event")
    void domainCrash() {
        sim.inject(new Fault.DomainCrash("a", "g"));

        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.CRASHED);
        assertThat(events).singleElement().isInstanceOfSatisfying(DomainEvent.class,
                e -> assertThat(e.kind()).isEqualTo(DomainEventKind.CRASHED));
        assertThat(sim.isConnected("A")).isTrue();
    }

    @Test
    @DisplayName("a storage loss pauses the guests whose disks it holds; they cannot resume or start until healed")
    void storageLoss() {
        sim.define("A", withDisk("on-ceph", "/var/lib/paddock/ds-ceph/on-ceph.qcow2"));
        sim.define("A", withDisk("on-nfs", "/var/lib/paddock/ds-nfs/on-nfs.qcow2"));
        sim.define("A", withDisk("idle-on-ceph", "/var/lib/paddock/ds-ceph/idle.qcow2"));
        sim.start("A", "on-ceph");
        sim.start("A", "on-nfs");
        events.clear();
        Fault loss = new Fault.StorageLoss(DomainBuilder.datastorePath("ds-ceph"));

        sim.inject(loss);

        assertThat(sim.domain("A", "on-ceph").orElseThrow().state()).isEqualTo(VmState.PAUSED);
        assertThat(sim.domain("A", "on-nfs").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        assertThat(events).singleElement().isInstanceOfSatisfying(DomainEvent.class, e -> {
            assertThat(e.uuid()).isEqualTo("on-ceph");
            assertThat(e.kind()).isEqualTo(DomainEventKind.SUSPENDED);
        });
        assertReason(() -> sim.resume("A", "on-ceph"), Reason.FAILED);
        assertReason(() -> sim.start("A", "idle-on-ceph"), Reason.FAILED);

        sim.heal(loss);
        sim.resume("A", "on-ceph");
        sim.start("A", "idle-on-ceph");
        assertThat(sim.domain("A", "on-ceph").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    private static dev.paddock.hypervisor.DomainSpec withDisk(String uuid, String path) {
        return dev.paddock.hypervisor.DomainSpec.of(uuid, uuid, 1, 512)
                .withDisks(List.of(new dev.paddock.hypervisor.DomainSpec.DiskSpec("vda", path, "qcow2", 10)));
    }

    @Test
    @DisplayName("a slow call takes its time on the sim clock before acting, until healed")
    void slowCalls() {
        Fault slow = new Fault.SlowCalls(CallKind.DESTROY, Duration.ofSeconds(30));
        sim.inject(slow);
        Instant before = clock.now();

        sim.destroy("A", "g");

        assertThat(clock.now()).isEqualTo(before.plusSeconds(30));
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.STOPPED);
        sim.heal(slow);
        sim.start("A", "g");
        sim.destroy("A", "g");
        assertThat(clock.now()).isEqualTo(before.plusSeconds(30));
    }

    @Test
    @DisplayName("the next N calls of a kind fail FAILED without effect, then calls succeed again")
    void failingCalls() {
        sim.define("A", spec("h", 1, 512));
        sim.inject(new Fault.FailingCalls(CallKind.START, 2));

        assertReason(() -> sim.start("A", "h"), Reason.FAILED);
        assertReason(() -> sim.start("A", "h"), Reason.FAILED);
        assertThat(sim.domain("A", "h").orElseThrow().state()).isEqualTo(VmState.STOPPED);
        assertThat(sim.effects("h").started()).isZero();

        sim.start("A", "h");
        assertThat(sim.domain("A", "h").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("failing calls of one kind leave the other kinds alone, and healing ends them early")
    void failingCallsAreScoped() {
        Fault failing = new Fault.FailingCalls(CallKind.MIGRATE, 5);
        sim.inject(failing);

        sim.destroy("A", "g");
        sim.heal(failing);
        sim.start("A", "g");

        sim.migrate("g", "A", "B", dev.paddock.hypervisor.MigrationOptions.DEFAULTS, p -> {});
        assertThat(sim.effects("g").migrated()).isEqualTo(1);
    }

    @Test
    @DisplayName("a fault naming a host the room does not have is a clear error")
    void unknownHost() {
        assertThatThrownBy(() -> sim.inject(new Fault.HostCrash("nowhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host named nowhere");
    }
}

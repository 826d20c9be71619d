package dev.paddock.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEvent;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEvent;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.model.Resources;
import dev.paddock.model.Maxima;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SimulatedHypervisorTest {

    private final ManualClock clock = ManualClock.atEpochOf2030();
    private final SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 7);
    private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void twoSmallHosts() {
        sim.addHost("a", Resources.of(4_000, 8_192, 100, 1_000));
        sim.addHost("b", Resources.of(4_000, 8_192, 100, 1_000));
        sim.attach("A", "sim://a");
        sim.attach("B", "sim://b");
        sim.subscribe(events::add);
    }

    static DomainSpec spec(String uuid, int vcpus, long memoryMib) {
        return DomainSpec.of(uuid, "vm-" + uuid, vcpus, memoryMib);
    }

    @Test
    @DisplayName("starting a domain that needs more memory than is free fails with the numbers in the message")
    void memoryCapacity() {
        sim.define("A", spec("big", 1, 6_000));
        sim.define("A", spec("second", 1, 4_000));
        sim.start("A", "big");

        assertThatThrownBy(() -> sim.start("A", "second"))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INSUFFICIENT_RESOURCES);
                    assertThat(e.getMessage()).contains("4000 MiB", "2192 MiB free", "8192 MiB");
                });
        assertThat(sim.domain("A", "second").orElseThrow().state()).isEqualTo(VmState.STOPPED);
    }

    @Test
    @DisplayName("a NIC plugged into a running domain joins its definition once, and unplugging it removes it once")
    void nicHotPlug() {
        sim.define("A", spec("web", 1, 512));
        sim.start("A", "web");
        DomainSpec.NicSpec nic = DomainSpec.NicSpec.onNetwork("52:54:00:00:00:07", "lan");

        sim.attachNic("A", "web", nic);
        sim.attachNic("A", "web", nic);

        assertThat(sim.definition("A", "web").orElseThrow().nics()).containsExactly(nic);
        assertThat(sim.domain("A", "web").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        sim.detachNic("A", "web", nic.mac());
        sim.detachNic("A", "web", nic.mac());
        assertThat(sim.definition("A", "web").orElseThrow().nics()).isEmpty();
    }

    @Test
    @DisplayName("a running domain's vCPUs and memory are set within its maxima; beyond them, or without one, refused")
    void hotPlugWithinMaxima() {
        sim.define("A", spec("app", 1, 512).withMaxima(new Maxima(Optional.of(2), Optional.of(1_024L))));
        sim.start("A", "app");

        sim.setVcpus("A", "app", 2);
        sim.setMemory("A", "app", 1_024);

        DomainSpec held = sim.definition("A", "app").orElseThrow();
        assertThat(held.vcpus()).isEqualTo(2);
        assertThat(held.memoryMib()).isEqualTo(1_024);
        assertThat(sim.domain("A", "app").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        assertReason(() -> sim.setVcpus("A", "app", 3), HypervisorException.Reason.INVALID_ARGUMENT);
        assertReason(() -> sim.setMemory("A", "app", 2_048), HypervisorException.Reason.INVALID_ARGUMENT);
        sim.define("A", spec("fixed", 1, 512));
        sim.start("A", "fixed");
        assertReason(() -> sim.setVcpus("A", "fixed", 2), HypervisorException.Reason.INVALID_ARGUMENT);
        assertReason(() -> sim.setMemory("A", "fixed", 768), HypervisorException.Reason.INVALID_ARGUMENT);
    }

    @Test
    @DisplayName("starting a domain that needs more cpus than are free fails with the numbers in the message")
    void cpuCapacity() {
        sim.define("A", spec("wide", 3, 512));
        sim.define("A", spec("wider", 2, 512));
        sim.start("A", "wide");

        assertThatThrownBy(() -> sim.start("A", "wider"))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INSUFFICIENT_RESOURCES);
                    assertThat(e.getMessage()).contains("2000 cpu millicores", "1000 millicores free of 4000");
                });
    }

    @Test
    @DisplayName("a stopped domain frees its room for another")
    void stoppingFreesCapacity() {
        sim.define("A", spec("one", 1, 6_000));
        sim.define("A", spec("two", 1, 6_000));
        sim.start("A", "one");
        sim.destroy("A", "one");

        sim.start("A", "two");

        assertThat(sim.domain("A", "two").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("a guest asked to shut down stops a few simulated seconds later, with a STOPPED event")
    void shutdownTakesSimulatedTime() {
        sim.define("A", spec("g", 1, 512));
        sim.start("A", "g");

        sim.shutdown("A", "g");
        sim.shutdown("A", "g");
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);

        clock.advance(Duration.ofSeconds(10));
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.STOPPED);
        assertThat(kinds("g")).containsExactly(DomainEventKind.DEFINED, DomainEventKind.STARTED, DomainEventKind.STOPPED);
        assertThat(sim.effects("g").stopped()).isEqualTo(1);
    }

    @Test
    @DisplayName("a guest destroyed while shutting down is not stopped a second time")
    void destroyCancelsShutdown() {
        sim.define("A", spec("g", 1, 512));
        sim.start("A", "g");
        sim.shutdown("A", "g");

        sim.destroy("A", "g");
        sim.start("A", "g");
        clock.advance(Duration.ofSeconds(10));

        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        assertThat(sim.effects("g")).isEqualTo(new Effects(1, 2, 0, 1, 0, 0));
    }

    @Test
    @DisplayName("effect counters count what happened, not what was asked: no-ops do not count")
    void effectsIgnoreNoOps() {
        DomainSpec g = spec("g", 1, 512);
        sim.define("A", g);
        sim.define("A", g);
        sim.start("A", "g");
        sim.start("A", "g");
        sim.destroy("A", "g");
        sim.destroy("A", "g");
        sim.undefine("A", "g");
        sim.undefine("A", "g");

        assertThat(sim.effects("g")).isEqualTo(new Effects(1, 1, 0, 1, 1, 0));
        assertThat(sim.effects("never-seen")).isEqualTo(Effects.NONE);
    }

    @Test
    @DisplayName("a domain name is unique on a host: another UUID with the same name is refused")
    void namesAreUniquePerHost() {
        sim.define("A", DomainSpec.of("one", "web-01", 1, 512));

        assertThatThrownBy(() -> sim.define("A", DomainSpec.of("two", "web-01", 1, 512)))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.ALREADY_EXISTS));
    }

    @Test
    @DisplayName("a running domain cannot be undefined, a paused one cannot be started or shut down")
    void invalidStates() {
        sim.define("A", spec("g", 1, 512));
        sim.start("A", "g");
        assertReason(() -> sim.undefine("A", "g"), HypervisorException.Reason.INVALID_STATE);

        sim.suspend("A", "g");
        assertReason(() -> sim.start("A", "g"), HypervisorException.Reason.INVALID_STATE);
        assertReason(() -> sim.shutdown("A", "g"), HypervisorException.Reason.INVALID_STATE);

        sim.destroy("A", "g");
        assertReason(() -> sim.suspend("A", "g"), HypervisorException.Reason.INVALID_STATE);
        assertReason(() -> sim.resume("A", "g"), HypervisorException.Reason.INVALID_STATE);
        assertReason(() -> sim.migrate("g", "A", "B", MigrationOptions.DEFAULTS, p -> {}),
                HypervisorException.Reason.INVALID_STATE);
    }

    @Test
    @DisplayName("migration takes simulated time in proportion to memory and bandwidth, and reports progress")
    void migrationFigures() {
        sim.define("A", spec("g", 1, 4_096));
        sim.start("A", "g");
        List<Double> progress = new ArrayList<>();
        var before = clock.now();

        MigrationResult result = sim.migrate("g", "A", "B",
                new MigrationOptions(Optional.of(1_024L), Optional.of(Duration.ofMillis(50)), Optional.empty()),
                progress::add);

        // 4 GiB at 1 GiB/s with up to half of it dirtied again: between 4 and 6 seconds.
        assertThat(result.elapsed()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(6));
        assertThat(Duration.between(before, clock.now())).isEqualTo(result.elapsed());
        assertThat(result.downtime()).isBetween(Duration.ofMillis(10), Duration.ofMillis(50));
        assertThat(result.bytesTransferred()).isGreaterThanOrEqualTo(4_096L * 1024 * 1024);
        assertThat(progress).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
        assertThat(sim.effects("g").migrated()).isEqualTo(1);
        assertThat(sim.domainsOn("a")).isEmpty();
        assertThat(sim.domainsOn("b")).extracting(d -> d.uuid()).containsExactly("g");
    }

    @Test
    @DisplayName("a migration aborted while it copies fails, the domain keeps running at home, and a new one works")
    void abortedMigration() {
        sim.define("A", spec("g", 1, 4_096));
        sim.start("A", "g");
        List<Double> progress = new ArrayList<>();

        assertThatThrownBy(() -> sim.migrate("g", "A", "B", MigrationOptions.DEFAULTS, fraction -> {
            progress.add(fraction);
            if (fraction == 0.25) {
                sim.abortMigration("A", "g");
            }
        })).isInstanceOf(HypervisorException.class).hasMessageContaining("was cancelled");

        assertThat(progress).containsExactly(0.0, 0.25);
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        assertThat(sim.domainsOn("b")).isEmpty();
        sim.abortMigration("A", "g");
        assertThat(sim.migrate("g", "A", "B", MigrationOptions.DEFAULTS, p -> {}).toHostId())
                .as("an abort with no migration running leaves the next one alone").isEqualTo("B");
    }

    @Test
    @DisplayName("a migration to a host without room for the domain is refused before it starts")
    void migrationNeedsRoomOnTheDestination() {
        sim.define("B", spec("resident", 1, 6_000));
        sim.start("B", "resident");
        sim.define("A", spec("g", 1, 4_096));
        sim.start("A", "g");

        assertReason(() -> sim.migrate("g", "A", "B", MigrationOptions.DEFAULTS, p -> {}),
                HypervisorException.Reason.INSUFFICIENT_RESOURCES);
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("a destination that crashes during the migration fails it, and the domain keeps running at home")
    void destinationCrashDuringMigration() {
        sim.define("A", spec("g", 1, 4_096));
        sim.start("A", "g");
        clock.schedule(clock.now().plusSeconds(1), () -> sim.inject(new Fault.HostCrash("b")));

        assertReason(() -> sim.migrate("g", "A", "B", MigrationOptions.DEFAULTS, p -> {}),
                HypervisorException.Reason.FAILED);

        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
        assertThat(sim.effects("g").migrated()).isZero();
        // The room the migration held on the destination is given back: a domain as large as the host fits.
        sim.inject(new Fault.HostPowerOn("b"));
        sim.define("B", spec("whole-host", 4, 8_192));
        sim.start("B", "whole-host");
    }

    @Test
    @DisplayName("a listener may call back into the sim: events are delivered outside its lock, in order")
    void listenersMayCallBack() {
        List<String> seen = new CopyOnWriteArrayList<>();
        sim.subscribe(event -> {
            if (event instanceof DomainEvent e && e.kind() == DomainEventKind.DEFINED) {
                sim.start(e.hostId(), e.uuid());
            }
            if (event instanceof DomainEvent e) {
                seen.add(e.kind() + " " + sim.domain(e.hostId(), e.uuid()).orElseThrow().state());
            }
        });

        sim.define("A", spec("g", 1, 512));

        assertThat(seen).containsExactly("DEFINED RUNNING", "STARTED RUNNING");
    }

    @Test
    @DisplayName("a closed subscription receives nothing more")
    void unsubscribe() {
        List<HypervisorEvent> late = new ArrayList<>();
        var subscription = sim.subscribe(late::add);
        sim.define("A", spec("g", 1, 512));
        subscription.close();

        sim.start("A", "g");

        assertThat(late).hasSize(1);
    }

    @Test
    @DisplayName("a URI that is not sim:// is unreachable, with a message that says what the sim answers")
    void foreignUri() {
        assertThatThrownBy(() -> sim.attach("X", "qemu+tcp://10.0.0.1/system"))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HypervisorException.Reason.UNREACHABLE);
                    assertThat(e.getMessage()).contains("sim://<hostname>");
                });
    }

    @Test
    @DisplayName("a detached host is no longer connected and its calls fail NOT_FOUND; its domains run on")
    void detach() {
        sim.define("A", spec("g", 1, 512));
        sim.start("A", "g");

        sim.detach("A");

        assertThat(sim.isConnected("A")).isFalse();
        assertReason(() -> sim.domains("A"), HypervisorException.Reason.NOT_FOUND);
        assertThat(sim.domainsOn("a")).singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(VmState.RUNNING));
    }

    @Test
    @DisplayName("a pool and a network defined and undefined are told as libvirt tells them; a second define is quiet")
    void poolAndNetworkEvents() {
        var pool = new PoolSpec("local", PoolType.DIR, PoolSource.NONE, "/var/lib/paddock/local");
        sim.definePool("A", pool);
        sim.definePool("A", pool);
        sim.defineNetwork("A", NetworkSpec.isolated("backend"));
        sim.defineNetwork("A", NetworkSpec.isolated("backend"));
        sim.undefinePool("A", "local");
        sim.undefineNetwork("A", "backend");
        sim.undefineNetwork("A", "backend");

        assertThat(events).filteredOn(PoolEvent.class::isInstance).map(PoolEvent.class::cast)
                .extracting(PoolEvent::hostId, PoolEvent::pool, PoolEvent::kind).containsExactly(
                        tuple("A", "local", PoolEventKind.DEFINED), tuple("A", "local", PoolEventKind.STARTED),
                        tuple("A", "local", PoolEventKind.STOPPED), tuple("A", "local", PoolEventKind.UNDEFINED));
        assertThat(events).filteredOn(NetworkEvent.class::isInstance).map(NetworkEvent.class::cast)
                .extracting(NetworkEvent::hostId, NetworkEvent::network, NetworkEvent::kind).containsExactly(
                        tuple("A", "backend", NetworkEventKind.DEFINED), tuple("A", "backend", NetworkEventKind.STARTED),
                        tuple("A", "backend", NetworkEventKind.STOPPED),
                        tuple("A", "backend", NetworkEventKind.UNDEFINED));
    }

    private List<DomainEventKind> kinds(String uuid) {
        return events.stream()
                .filter(e -> e instanceof DomainEvent d && d.uuid().equals(uuid))
                .map(e -> ((DomainEvent) e).kind())
                .toList();
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            HypervisorException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HypervisorException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}

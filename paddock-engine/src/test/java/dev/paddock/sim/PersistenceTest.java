package dev.paddock.sim;

import static dev.paddock.sim.SimulatedHypervisorTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.HostCpu;
import dev.paddock.model.Maxima;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The room saved as text after every change, and built again from the last text (the file is the server's). */
class PersistenceTest {

    private final ManualClock clock = ManualClock.atEpochOf2030();
    /** The last text the room handed over, as a state file would hold it. */
    private final AtomicReference<String> saved = new AtomicReference<>();

    private SimulatedHypervisor reloaded(SimClock clock) {
        return SimulatedHypervisor.restore(saved.get(), "room.state", clock, saved::set);
    }

    private SimulatedHypervisor roomWithHistory() {
        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 99);
        sim.saveTo(saved::set);
        sim.addHost("esx-par-01", Resources.of(8_000, 16_384, 500, 10_000));
        sim.addHost("esx-par-02", Resources.of(8_000, 16_384, 500, 10_000));
        sim.addHost("esx-lyo-01", Resources.of(4_000, 8_192, 500, 10_000),
                new HostCpu("AMD", "EPYC-Rome", Set.of("sha-ni", "ibpb")));
        sim.attach("p1", "sim://esx-par-01");
        sim.attach("p2", "sim://esx-par-02");
        DomainSpec rich = DomainSpec.of("web-01", "web 01 (front)", 2, 2_048)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/srv/images/web 01:root,a.qcow2", "qcow2", 20)))
                .withNics(List.of(new DomainSpec.NicSpec("52:54:00:aa:bb:01", "prod", Optional.of(120)),
                        new DomainSpec.NicSpec("52:54:00:aa:bb:02", "backup", Optional.empty())))
                .withDirectBoot(new DomainSpec.DirectBoot("/boot/vmlinuz", "/boot/initrd", "console=ttyS0,115200 root=/dev/vda quiet+splash 50%\tdone"))
                .withMaxima(new Maxima(Optional.of(4), Optional.of(4_096L)));
        sim.define("p1", rich);
        sim.defineNetwork("p1", NetworkSpec.isolated("backend"));
        sim.defineNetwork("p2", NetworkSpec.overBridge("uplink", "br0"));
        sim.define("p1", DomainSpec.of("app-01", "app-01", 1, 512)
                .withNics(List.of(DomainSpec.NicSpec.onNetwork("52:54:00:aa:bb:03", "backend"))));
        sim.start("p1", "web-01");
        sim.start("p1", "web-01");
        sim.define("p1", spec("db-01", 2, 4_096));
        sim.start("p1", "db-01");
        sim.migrate("db-01", "p1", "p2", MigrationOptions.DEFAULTS, p -> {});
        sim.define("p2", spec("gone", 1, 512));
        sim.undefine("p2", "gone");
        sim.inject(new Fault.HostIsolation("esx-lyo-01"));
        sim.inject(new Fault.FailingCalls(CallKind.DEFINE, 3));
        sim.inject(new Fault.SlowCalls(CallKind.MIGRATE, Duration.ofSeconds(5)));
        sim.inject(new Fault.StorageLoss("/srv/lost/"));
        return sim;
    }

    @Test
    @DisplayName("a reloaded room has the same hosts, domains, definitions and effect counters")
    void roundTrip() {
        SimulatedHypervisor before = roomWithHistory();

        SimulatedHypervisor after = reloaded(clock);

        assertThat(after.hosts()).isEqualTo(before.hosts());
        for (SimHostStatus host : before.hosts()) {
            assertThat(after.domainsOn(host.hostname())).as(host.hostname())
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("hostId")
                    .isEqualTo(before.domainsOn(host.hostname()));
        }
        for (String uuid : List.of("web-01", "db-01", "gone")) {
            assertThat(after.effects(uuid)).as(uuid).isEqualTo(before.effects(uuid));
        }
        after.heal(new Fault.HostIsolation("esx-lyo-01"));
        after.attach("l1", "sim://esx-lyo-01");
        assertThat(after.facts("l1").cpu()).as("a CPU other than the default")
                .isEqualTo(new HostCpu("AMD", "EPYC-Rome", Set.of("sha-ni", "ibpb")));
        after.attach("p1", "sim://esx-par-01");
        assertThat(after.facts("p1").cpu()).isEqualTo(before.facts("p1").cpu());
        assertThat(after.effects("db-01")).isEqualTo(new Effects(1, 1, 0, 0, 0, 1));
        after.attach("p1", "sim://esx-par-01");
        after.attach("p2", "sim://esx-par-02");
        before.attach("p1", "sim://esx-par-01");
        before.attach("p2", "sim://esx-par-02");
        assertThat(after.networks("p1")).isEqualTo(before.networks("p1")).extracting(HostNetwork::name)
                .containsExactly("backend");
        assertThat(after.networks("p2")).isEqualTo(before.networks("p2"));
        assertThat(after.definition("p1", "app-01")).isEqualTo(before.definition("p1", "app-01"))
                .hasValueSatisfying(spec -> assertThat(spec.nics().getFirst().source())
                        .isEqualTo(DomainSpec.Source.NETWORK));
        assertThat(after.effects("gone")).isEqualTo(new Effects(1, 0, 0, 0, 1, 0));
        assertThat(after.definition("p1", "web-01")).isEqualTo(before.definition("p1", "web-01"))
                .hasValueSatisfying(spec -> assertThat(spec.maxima())
                        .isEqualTo(new Maxima(Optional.of(4), Optional.of(4_096L))));
        assertThat(after.definition("p2", "db-01").orElseThrow().maxima()).isEqualTo(Maxima.NONE);
    }

    @Test
    @DisplayName("definitions survive byte for byte, spaces, colons and commas included")
    void definitionsSurvive() {
        SimulatedHypervisor before = roomWithHistory();
        before.heal(new Fault.FailingCalls(CallKind.DEFINE, 1));
        DomainSpec original = DomainSpec.of("web-01", "web 01 (front)", 2, 2_048)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/srv/images/web 01:root,a.qcow2", "qcow2", 20)))
                .withNics(List.of(new DomainSpec.NicSpec("52:54:00:aa:bb:01", "prod", Optional.of(120)),
                        new DomainSpec.NicSpec("52:54:00:aa:bb:02", "backup", Optional.empty())))
                .withDirectBoot(new DomainSpec.DirectBoot("/boot/vmlinuz", "/boot/initrd", "console=ttyS0,115200 root=/dev/vda quiet+splash 50%\tdone"))
                .withMaxima(new Maxima(Optional.of(4), Optional.of(4_096L)));

        SimulatedHypervisor after = reloaded(clock);
        after.attach("p1", "sim://esx-par-01");
        after.define("p1", original);

        // Redefining an identical spec is a no-op: it counts only if the reloaded definition differs.
        assertThat(after.effects("web-01").defined()).isEqualTo(1);
    }

    @Test
    @DisplayName("injected faults survive a reload: the isolated host stays cut off, failures keep their count")
    void faultsSurvive() {
        roomWithHistory();

        SimulatedHypervisor after = reloaded(clock);
        after.attach("p1", "sim://esx-par-01");
        after.attach("p2", "sim://esx-par-02");

        SimulatedHypervisorTest.assertReason(() -> after.attach("l1", "sim://esx-lyo-01"),
                dev.paddock.hypervisor.HypervisorException.Reason.UNREACHABLE);
        for (int i = 0; i < 3; i++) {
            SimulatedHypervisorTest.assertReason(() -> after.define("p1", spec("x", 1, 512)),
                    dev.paddock.hypervisor.HypervisorException.Reason.FAILED);
        }
        after.define("p1", spec("x", 1, 512));
        after.define("p1", DomainSpec.of("y", "y", 1, 512)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/srv/lost/y.qcow2", "qcow2", 1))));
        SimulatedHypervisorTest.assertReason(() -> after.start("p1", "y"),
                dev.paddock.hypervisor.HypervisorException.Reason.FAILED);
        Instant before = clock.now();
        after.migrate("web-01", "p1", "p2", MigrationOptions.DEFAULTS, p -> {});
        assertThat(Duration.between(before, clock.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("a shutdown under way when the manager died still completes after the reload")
    void pendingShutdownSurvives() {
        SimulatedHypervisor before = roomWithHistory();
        before.shutdown("p1", "web-01");

        ManualClock laterClock = new ManualClock(clock.now());
        SimulatedHypervisor after = reloaded(laterClock);
        laterClock.advance(Duration.ofSeconds(10));

        assertThat(after.domainsOn("esx-par-01")).filteredOn(d -> d.uuid().equals("web-01"))
                .singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(VmState.STOPPED));
        assertThat(after.effects("web-01").stopped()).isEqualTo(1);
    }

    @Test
    @DisplayName("every change is handed over at once, as the whole room")
    void everyChangeIsSaved() {
        List<String> texts = new ArrayList<>();
        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 5);
        sim.saveTo(texts::add);
        sim.addHost("h", Resources.of(1_000, 1_024, 10, 100));
        sim.attach("H", "sim://h");
        sim.define("H", spec("a", 1, 512));

        assertThat(texts).hasSize(3).allSatisfy(text -> assertThat(text).startsWith("paddock-sim 1\n"));
        assertThat(SimulatedHypervisor.restore(texts.get(2), "last", clock, t -> {}).effects("a").defined())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a damaged text is refused with the line that is wrong")
    void damagedText() {
        String text = "paddock-sim 1\nrandom 1\nhost h 1000 not-a-number 10 100 true false\n";

        assertThatThrownBy(() -> SimulatedHypervisor.restore(text, "bad.state", clock, t -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.state line 3");
    }

    @Test
    @DisplayName("storage servers, the pools each host defines over them and their volumes survive a reload")
    void storage() {
        long gib = 1L << 30;
        var san = dev.paddock.hypervisor.PoolSource.iscsiDirect("10.79.0.200", "iqn.2026-12.dev.paddock:lab",
                "iqn.2026-12.dev.paddock:p1");
        var nfs = dev.paddock.hypervisor.PoolSource.nfs("nas", "/export/a b,c:d");
        SimulatedHypervisor before = SimulatedHypervisor.create(clock, 5);
        before.saveTo(saved::set);
        before.addHost("esx-1", Resources.of(8_000, 16_384, 500, 10_000));
        before.attach("p1", "sim://esx-1");
        before.addStorage(dev.paddock.hypervisor.PoolType.ISCSI_DIRECT, san, gib);
        before.addStorage(dev.paddock.hypervisor.PoolType.NETFS, nfs, 10 * gib);
        before.definePool("p1", new dev.paddock.hypervisor.PoolSpec("san", dev.paddock.hypervisor.PoolType.ISCSI_DIRECT,
                san, ""));
        before.definePool("p1", new dev.paddock.hypervisor.PoolSpec("nfs", dev.paddock.hypervisor.PoolType.NETFS, nfs,
                "/mnt/nfs"));
        before.definePool("p1", new dev.paddock.hypervisor.PoolSpec("local", dev.paddock.hypervisor.PoolType.DIR,
                dev.paddock.hypervisor.PoolSource.NONE, "/var/lib/paddock"));
        before.createVolume("p1", "nfs", "disk one.qcow2", 1024, "qcow2");
        before.createVolume("p1", "local", "v", 2048, "raw");

        SimulatedHypervisor after = reloaded(clock);
        after.attach("p1", "sim://esx-1");

        assertThat(after.pools("p1")).isEqualTo(before.pools("p1"));
        assertThat(after.volumes("p1", "nfs")).isEqualTo(before.volumes("p1", "nfs"));
        assertThat(after.volumes("p1", "local")).isEqualTo(before.volumes("p1", "local"));
    }
}

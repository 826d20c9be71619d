package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.libvirt.DomainType;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.model.Resources;
import dev.paddock.model.Watchdog;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hosts go where their URI says: sim:// to the simulated room, libvirt URIs to libvirt (here its in-process test
 * driver, real libvirt without a daemon), made only when the first libvirt host comes.
 */
class RoutingHypervisorTest {

    private static final DomainSpec.DirectBoot BOOT = new DomainSpec.DirectBoot("/shared/vmlinuz",
            "/shared/initrd.img", "console=ttyS0 quiet");

    private final SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 7);
    private final AtomicInteger libvirtsMade = new AtomicInteger();
    private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
    private RoutingHypervisor routing;

    private RoutingHypervisor routing(Supplier<Hypervisor> libvirt) {
        sim.addHost("s1", Resources.of(8_000, 16_384, 100, 1_000));
        routing = new RoutingHypervisor(sim, () -> {
            libvirtsMade.incrementAndGet();
            return libvirt.get();
        }, Optional.of(BOOT));
        routing.subscribe(events::add);
        return routing;
    }

    private RoutingHypervisor routing() {
        return routing(() -> new LibvirtHypervisor(LibvirtHypervisor.Settings.defaults()
                .withDomainType(DomainType.TCG)));
    }

    @AfterEach
    void close() {
        if (routing != null) {
            routing.close();
        }
    }

    @Test
    @DisplayName("every method of the Hypervisor port is routed: none falls back to the port's default refusal")
    void everyPortMethodIsRouted() {
        java.util.List<String> unrouted = new java.util.ArrayList<>();
        for (java.lang.reflect.Method method : dev.paddock.hypervisor.Hypervisor.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                RoutingHypervisor.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                unrouted.add(method.getName());
            }
        }
        org.assertj.core.api.Assertions.assertThat(unrouted).isEmpty();
    }

    @Test
    @DisplayName("with a datastore root, a disk named under the model's datastore prefix moves under it; others stay")
    void disksMoveUnderTheDatastoreRoot() {
        java.nio.file.Path root = java.nio.file.Path.of("/lab/shared/datastores");
        var modelled = new DomainSpec.DiskSpec("vda", dev.paddock.hypervisor.DomainBuilder.datastorePath("ds-1") + "web-root.qcow2",
                "qcow2", 1);
        var elsewhere = new DomainSpec.DiskSpec("vdb", "/srv/images/web.qcow2", "qcow2", 1);

        assertThat(RoutingHypervisor.onDatastoreRoot(modelled, root))
                .isEqualTo(new DomainSpec.DiskSpec("vda", "/lab/shared/datastores/ds-1/web-root.qcow2", "qcow2", 1));
        assertThat(RoutingHypervisor.onDatastoreRoot(elsewhere, root)).isEqualTo(elsewhere);
    }

    @Test
    @DisplayName("a network image whose export path lies under the model's datastore prefix is no host file: it stays")
    void networkImagesStay() {
        java.nio.file.Path root = java.nio.file.Path.of("/lab/shared/datastores");
        var image = DomainSpec.DiskSpec.remote("vda", new DomainSpec.Remote("nfs", "nas", 0),
                dev.paddock.hypervisor.DomainBuilder.datastorePath("ds-1") + "web-root.qcow2", "qcow2", 1);

        assertThat(RoutingHypervisor.onDatastoreRoot(image, root)).isEqualTo(image);
        assertThat(RoutingHypervisor.offDatastoreRoot(image, root)).isEqualTo(image);
    }

    @Test
    @DisplayName("a libvirt define adds the configured boot and keeps the watchdog, disks and NICs")
    void defineWithBootKeepsTheWatchdog() {
        routing().attach("h-lv", "test:///default");
        DomainSpec spec = whole();

        routing.define("h-lv", spec);

        Hypervisor libvirt = routing.libvirt().orElseThrow();
        assertThat(libvirt.definition("h-lv", spec.uuid())).hasValue(spec.withDirectBoot(BOOT));
        assertThat(routing.definition("h-lv", spec.uuid())).hasValueSatisfying(held -> assertThat(spec.isHeldBy(held))
                .isTrue());
        routing.undefine("h-lv", spec.uuid());
    }

    @Test
    @DisplayName("with a datastore root, a libvirt define moves the disks and keeps the watchdog, NICs and boot")
    void defineOnADatastoreRootKeepsTheWatchdog() {
        java.nio.file.Path root = java.nio.file.Path.of("/lab/shared/datastores");
        sim.addHost("s1", Resources.of(8_000, 16_384, 100, 1_000));
        routing = new RoutingHypervisor(sim, () -> new LibvirtHypervisor(LibvirtHypervisor.Settings.defaults()
                .withDomainType(DomainType.TCG)), Optional.of(BOOT), Optional.of(root));
        routing.attach("h-lv", "test:///default");
        DomainSpec spec = whole();

        routing.define("h-lv", spec);

        DomainSpec held = routing.libvirt().orElseThrow().definition("h-lv", spec.uuid()).orElseThrow();
        assertThat(held.disks()).extracting(DomainSpec.DiskSpec::path)
                .containsExactly("/lab/shared/datastores/ds-1/" + spec.name() + "-root.qcow2");
        assertThat(held.withDisks(spec.disks())).isEqualTo(spec.withDirectBoot(BOOT));
        assertThat(routing.definition("h-lv", spec.uuid())).hasValue(spec.withDirectBoot(BOOT));
        routing.undefine("h-lv", spec.uuid());
    }

    @Test
    @DisplayName("a simulated host gets the spec as it is: no boot, no moved disk")
    void simulatedDefineIsUntouched() {
        sim.addHost("s1", Resources.of(8_000, 16_384, 100, 1_000));
        routing = new RoutingHypervisor(sim, () -> {
            throw new AssertionError("no libvirt for a simulated host");
        }, Optional.of(BOOT), Optional.of(java.nio.file.Path.of("/lab/shared/datastores")));
        routing.attach("h-sim", "sim://s1");
        DomainSpec spec = whole();

        routing.define("h-sim", spec);

        assertThat(sim.definition("h-sim", spec.uuid())).hasValue(spec);
    }

    @Test
    @DisplayName("a sim:// host is served by the simulated room and libvirt is never made")
    void simHostsNeedNoLibvirt() {
        routing().attach("h-sim", "sim://s1");
        DomainSpec spec = spec();
        routing.define("h-sim", spec);
        routing.start("h-sim", spec.uuid());

        assertThat(sim.domain("h-sim", spec.uuid())).isPresent();
        assertThat(routing.domains("h-sim")).extracting(d -> d.uuid()).containsExactly(spec.uuid());
        assertThat(routing.isConnected("h-sim")).isTrue();
        assertThat(libvirtsMade).hasValue(0);
        assertThat(routing.libvirt()).isEmpty();
        assertThat(events).isNotEmpty();
    }

    @Test
    @DisplayName("libvirt URIs are served by one libvirt, made on the first of them")
    void libvirtHostsGoToLibvirt() {
        routing().attach("h-lv", "test:///default");
        routing.attach("h-lv2", "test:///default");
        DomainSpec spec = spec();

        routing.define("h-lv", spec);

        assertThat(libvirtsMade).hasValue(1);
        assertThat(routing.isConnected("h-lv")).isTrue();
        assertThat(routing.domain("h-lv", spec.uuid())).isPresent();
        routing.undefine("h-lv", spec.uuid());
    }

    @Test
    @DisplayName("a URI of no known kind is the caller's error, and makes no libvirt")
    void unknownScheme() {
        assertThatThrownBy(() -> routing().attach("h-x", "vmware://esx1"))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_ARGUMENT))
                .hasMessageContaining("'vmware://esx1' is not a host URI Paddock knows");
        assertThat(libvirtsMade).hasValue(0);
    }

    @Test
    @DisplayName("a libvirt that cannot load fails that host as unreachable; simulated hosts still work")
    void libvirtMissing() {
        routing(() -> {
            throw new UnsatisfiedLinkError("libvirt.so.0: cannot open shared object file");
        });

        assertThatThrownBy(() -> routing.attach("h-lv", "qemu+tcp://10.77.0.1/system"))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.UNREACHABLE))
                .hasMessageContaining("libvirt cannot be loaded");
        routing.attach("h-sim", "sim://s1");
        assertThat(routing.domains("h-sim")).isEmpty();
    }

    @Test
    @DisplayName("a migration between a simulated and a libvirt host is refused")
    void noMigrationAcrossKinds() {
        routing().attach("h-sim", "sim://s1");
        routing.attach("h-lv", "test:///default");

        assertThatThrownBy(() -> routing.migrate(UUID.randomUUID().toString(), "h-sim", "h-lv",
                MigrationOptions.DEFAULTS, p -> { }))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_ARGUMENT));
    }

    @Test
    @DisplayName("a detached host is forgotten: calls on it go nowhere")
    void detach() {
        routing().attach("h-sim", "sim://s1");
        routing.detach("h-sim");

        assertThat(routing.isConnected("h-sim")).isFalse();
        assertThatThrownBy(() -> routing.domains("h-sim")).isInstanceOf(HypervisorException.class);
    }

    /** A domain with a disk under the model's datastore root, a tagged NIC and a watchdog, and no boot. */
    private static DomainSpec whole() {
        DomainSpec spec = spec();
        return spec.withDisks(List.of(new DomainSpec.DiskSpec("vda",
                        dev.paddock.hypervisor.DomainBuilder.datastorePath("ds-1") + spec.name() + "-root.qcow2",
                        "qcow2", 4)))
                .withNics(List.of(new DomainSpec.NicSpec("52:54:00:12:34:56", "ovsbr0", Optional.of(120))))
                .withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET));
    }

    private static DomainSpec spec() {
        String uuid = UUID.randomUUID().toString();
        return DomainSpec.of(uuid, "vm-" + uuid.substring(0, 8), 1, 128);
    }
}

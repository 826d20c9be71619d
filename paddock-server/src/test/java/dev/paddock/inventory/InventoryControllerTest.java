package dev.paddock.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostCpu;
import dev.paddock.model.HostState;
import dev.paddock.model.Network;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryControllerTest {

    @TempDir
    Path directory;

    @Test
    void afterTheFirstResyncEveryStoredHostIsAttachedOrMarkedDisconnected() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("up", capacity);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new Host("h-up", "c1", "up", "sim://up", capacity, HostState.CONNECTED, PowerState.ON, Set.of()));
            store.put(new Host("h-gone", "c1", "gone", "sim://gone", capacity, HostState.CONNECTED, PowerState.ON,
                    Set.of()));

            try (InventoryController controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { })) {
                controller.start();

                assertThat(controller.awaitFirstResync(Duration.ofSeconds(10))).isTrue();
                assertThat(sim.isConnected("h-up")).isTrue();
                assertThat(store.host("h-gone").orElseThrow().state()).isEqualTo(HostState.DISCONNECTED);
            }
        }
    }

    @Test
    void aHostRecordedWithoutItsCpuIsGivenTheCpuItReportsWhenAttached() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        HostCpu epyc = new HostCpu("AMD", "EPYC-Rome", Set.of("sha-ni"));
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("amd", capacity, epyc);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new Host("h-amd", "c1", "amd", "sim://amd", capacity, HostState.CONNECTED, PowerState.ON,
                    Set.of()));

            try (InventoryController controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { })) {
                controller.start();

                assertThat(controller.awaitFirstResync(Duration.ofSeconds(10))).isTrue();
                assertThat(store.host("h-amd").orElseThrow().cpu()).isEqualTo(epyc);
                assertThat(store.host("h-amd").orElseThrow().state()).isEqualTo(HostState.CONNECTED);
            }
        }
    }

    @Test
    void aVmDeletedBetweenTheListingAndTheWriteDoesNotComeBack() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("h1", capacity);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            Host host = new Host("h-1", "c1", "h1", "sim://h1", capacity, HostState.CONNECTED, PowerState.ON, Set.of());
            store.put(host);
            sim.attach(host.id(), host.uri());
            String id = java.util.UUID.randomUUID().toString();
            sim.define(host.id(), dev.paddock.hypervisor.DomainSpec.of(id, "doomed", 1, 512));
            sim.start(host.id(), id);
            // The inventory is behind: it has the VM stopped, so the listing yields an update to RUNNING.
            store.put(new dev.paddock.model.Vm(id, "doomed", "c1", java.util.Optional.of(host.id()),
                    Resources.of(1_000, 512, 0, 0), dev.paddock.model.VmState.STOPPED, dev.paddock.model.VmOrigin.MANAGED,
                    "", 0, Set.of(), Set.of(), Set.of(), java.util.List.of(), java.util.List.of()));
            // A delete operation's ForgetVm lands after the host was listed and before the update is written.
            AfterListing listing = new AfterListing(sim, () -> store.deleteVm(id));

            List<InventoryChange> changes = new InventoryController(store, listing, Duration.ofHours(1), c -> { })
                    .resyncHost(host);

            assertThat(changes).singleElement().isInstanceOf(InventoryChange.Update.class);
            assertThat(store.vm(id)).isEmpty();
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("a resync records one NFS export defined on two hosts as one shared datastore, its free space as the pools report it")
    void poolsBecomeDatastores() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        long gib = 1L << 30;
        var nfs = dev.paddock.hypervisor.PoolSource.nfs("nas", "/export/vms");
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("a", capacity);
            sim.addHost("b", capacity);
            sim.addStorage(dev.paddock.hypervisor.PoolType.NETFS, nfs, 20 * gib);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new dev.paddock.model.Site("s1", "paris", ""));
            store.put(new dev.paddock.model.Cluster("c1", "s1", "prod", true, 1));
            for (String name : List.of("a", "b")) {
                store.put(new Host("h-" + name, "c1", name, "sim://" + name, capacity, HostState.CONNECTED,
                        PowerState.ON, Set.of()));
                sim.attach("h-" + name, "sim://" + name);
                sim.definePool("h-" + name, new dev.paddock.hypervisor.PoolSpec("vms",
                        dev.paddock.hypervisor.PoolType.NETFS, nfs, "/mnt/vms"));
            }
            var controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { });

            controller.resyncAll();
            sim.createVolume("h-a", "vms", "disk.qcow2", 5 * 1024, "qcow2");
            controller.resyncAll();

            assertThat(store.datastores()).singleElement().satisfies(ds -> {
                assertThat(ds.name()).isEqualTo("vms");
                assertThat(ds.shared()).isTrue();
                assertThat(ds.hostIds()).containsExactlyInAnyOrder("h-a", "h-b");
                assertThat(ds.capacityBytes()).isEqualTo(20 * gib);
                assertThat(ds.freeBytes()).isEqualTo(15 * gib);
                assertThat(ds.siteId()).isEqualTo("s1");
            });
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("a pool or network defined or undefined on a host is recorded at its event, long before the next resync")
    void poolAndNetworkEventsAreRecordedWithoutWaitingForTheResync() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("h1", capacity);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new Site("s1", "paris", ""));
            store.put(new Cluster("c1", "s1", "prod", false, 0));
            store.put(new Host("h-1", "c1", "h1", "sim://h1", capacity, HostState.CONNECTED, PowerState.ON, Set.of()));
            try (InventoryController controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { })) {
                controller.start();
                assertThat(controller.awaitFirstResync(Duration.ofSeconds(10))).isTrue();
                String networkId = Network.idFor("s1", "backend");

                sim.defineNetwork("h-1", NetworkSpec.isolated("backend"));
                sim.definePool("h-1", new dev.paddock.hypervisor.PoolSpec("local", dev.paddock.hypervisor.PoolType.DIR,
                        dev.paddock.hypervisor.PoolSource.NONE, "/var/lib/paddock/local"));

                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                    assertThat(store.network(networkId)).hasValueSatisfying(
                            network -> assertThat(network.hostIds()).containsExactly("h-1"));
                    assertThat(store.datastores()).singleElement().satisfies(ds -> {
                        assertThat(ds.name()).isEqualTo("local");
                        assertThat(ds.hostIds()).containsExactly("h-1");
                        assertThat(ds.capacityBytes()).isPositive();
                    });
                });

                sim.undefineNetwork("h-1", "backend");
                sim.undefinePool("h-1", "local");

                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                    assertThat(store.network(networkId)).isEmpty();
                    assertThat(store.datastores()).singleElement().satisfies(ds -> {
                        assertThat(ds.hostIds()).isEmpty();
                        assertThat(ds.capacityBytes()).isZero();
                    });
                });
            }
        }
    }

    @Test
    void aHostInMaintenanceIsRecordedSoWhenItAnswersAgainAndConnectedOnceItLeaves() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            sim.addHost("h1", capacity);
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            Host host = new Host("h-1", "c1", "h1", "sim://h1", capacity, HostState.DISCONNECTED, PowerState.ON,
                    Set.of());
            store.put(host);
            AtomicReference<Set<String>> maintenance = new AtomicReference<>(Set.of("h-1"));
            InventoryController controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { },
                    maintenance::get);

            controller.resyncHost(host);
            assertThat(store.host("h-1").orElseThrow().state()).as("reconnected in maintenance")
                    .isEqualTo(HostState.MAINTENANCE);

            maintenance.set(Set.of());
            controller.maintenanceChanged("h-1");
            assertThat(store.host("h-1").orElseThrow().state()).isEqualTo(HostState.CONNECTED);

            maintenance.set(Set.of("h-1"));
            controller.maintenanceChanged("h-1");
            assertThat(store.host("h-1").orElseThrow().state()).isEqualTo(HostState.MAINTENANCE);

            store.put(store.host("h-1").orElseThrow().withState(HostState.CONNECTED));
            controller.resyncHost(store.host("h-1").orElseThrow());
            assertThat(store.host("h-1").orElseThrow().state()).as("connected again by anyone, still in maintenance")
                    .isEqualTo(HostState.MAINTENANCE);
        }
    }

    /**
     * A VM restarted on h2 by an operation whose end nobody saw, still recorded on h1: it is moved where it runs.
     * A stopped copy on h2 of a VM running on h1 is not.
     */
    @Test
    void theVmsTheGivenHostsRunAreRecordedWhereTheyRunAndNothingElseMoves() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            for (String name : List.of("h1", "h2")) {
                sim.addHost(name, capacity);
                Host host = new Host("h-" + name.substring(1), "c1", name, "sim://" + name, capacity,
                        HostState.CONNECTED, PowerState.ON, Set.of());
                store.put(host);
                sim.attach(host.id(), host.uri());
            }
            Vm moved = vm("moved", "h-1", VmState.RUNNING);
            Vm stays = vm("stays", "h-1", VmState.RUNNING);
            store.putAll(List.of(moved, stays));
            sim.define("h-2", DomainSpec.of(moved.id(), "moved", 1, 512));
            sim.start("h-2", moved.id());
            sim.define("h-2", DomainSpec.of(stays.id(), "stays", 1, 512));
            InventoryController controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { });

            Room learned = controller.learnWhereVmsRun(store.room(), List.of(store.host("h-2").orElseThrow()));

            assertThat(learned.vm(moved.id()).orElseThrow().hostId()).contains("h-2");
            assertThat(store.vm(moved.id()).orElseThrow().hostId()).contains("h-2");
            assertThat(store.vm(moved.id()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
            assertThat(store.vm(stays.id()).orElseThrow().hostId()).contains("h-1");
            assertThat(learned.vm(stays.id()).orElseThrow().hostId()).contains("h-1");
        }
    }

    private static Vm vm(String name, String hostId, VmState state) {
        return new Vm(UUID.randomUUID().toString(), name, "c1", Optional.of(hostId), Resources.of(1_000, 512, 0, 0),
                state, VmOrigin.MANAGED, "", 1, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }

    @Test
    void aLibvirtNetworkOfOneNameOnTwoHostsIsOneNetworkCarriedByBoth() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new Site("s1", "paris", ""));
            store.put(new Cluster("c1", "s1", "prod", false, 0));
            for (String name : List.of("h1", "h2", "h3")) {
                sim.addHost(name, capacity);
                store.put(new Host("h-" + name, "c1", name, "sim://" + name, capacity, HostState.CONNECTED,
                        PowerState.ON, Set.of()));
                sim.attach("h-" + name, "sim://" + name);
            }
            Network declared = new Network("n-by-hand", "s1", "legacy", OptionalInt.of(10), false, Set.of());
            store.put(declared);
            sim.defineNetwork("h-h1", NetworkSpec.isolated("backend"));
            sim.defineNetwork("h-h2", NetworkSpec.isolated("backend"));
            sim.defineNetwork("h-h3", NetworkSpec.overBridge("uplink", "br0"));
            var controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { });

            controller.resyncAll();

            Network backend = store.network(Network.idFor("s1", "backend")).orElseThrow();
            assertThat(backend.hostIds()).containsExactly("h-h1", "h-h2");
            assertThat(backend.carriers().get("h-h1"))
                    .isEqualTo(new Network.Carrier("backend", NetworkSpec.isolated("backend").bridge()));
            assertThat(store.network(Network.idFor("s1", "uplink")).orElseThrow().carriers())
                    .containsOnlyKeys("h-h3").containsValue(new Network.Carrier("uplink", "br0"));
            assertThat(store.network("n-by-hand")).contains(declared);

            sim.undefineNetwork("h-h1", "backend");
            sim.undefineNetwork("h-h2", "backend");
            controller.resyncAll();

            assertThat(store.network(Network.idFor("s1", "backend"))).isEmpty();
            assertThat(store.network("n-by-hand")).contains(declared);
        }
    }

    @Test
    void aResyncReadsTheSizesOfAnNfsDatastoreFromItsServerAndKeepsThemWhenItDoesNotAnswer() throws Exception {
        Resources capacity = Resources.of(8_000, 16_384, 100, 1_000);
        long gib = 1L << 30;
        dev.paddock.model.NfsExport export = new dev.paddock.model.NfsExport("nas", "/export/vms");
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory));
                SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3)) {
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            store.put(new Site("s1", "paris", ""));
            store.put(new Cluster("c1", "s1", "prod", false, 0));
            sim.addHost("h1", capacity);
            store.put(new Host("h-h1", "c1", "h1", "sim://h1", capacity, HostState.CONNECTED, PowerState.ON, Set.of()));
            sim.attach("h-h1", "sim://h1");
            store.put(dev.paddock.model.Datastore.onNfs("d1", "s1", "nas", Set.of("h-h1"), export, 100 * gib, 90 * gib));
            AtomicReference<dev.paddock.storage.NfsExports.Usage> answer =
                    new AtomicReference<>(new dev.paddock.storage.NfsExports.Usage(100 * gib, 60 * gib));
            dev.paddock.storage.NfsExports nas = new dev.paddock.storage.NfsExports() {
                public Usage usage(dev.paddock.model.NfsExport asked) {
                    assertThat(asked).isEqualTo(export);
                    if (answer.get() == null) {
                        throw new NfsException("Cannot read the size of NFS export " + asked.key() + ": timed out.");
                    }
                    return answer.get();
                }

                public List<dev.paddock.hypervisor.VolumeFacts> files(dev.paddock.model.NfsExport asked) {
                    return List.of();
                }

                public Optional<dev.paddock.hypervisor.VolumeFacts> file(dev.paddock.model.NfsExport asked, String name) {
                    return Optional.empty();
                }

                public void create(dev.paddock.model.NfsExport asked, String name, String format, long sizeBytes) {
                    throw new UnsupportedOperationException();
                }

                public boolean delete(dev.paddock.model.NfsExport asked, String name) {
                    throw new UnsupportedOperationException();
                }

                public ImageFacts image(dev.paddock.model.NfsExport asked, String name) {
                    throw new UnsupportedOperationException();
                }

                public void write(dev.paddock.model.NfsExport asked, String name, long length,
                        java.io.InputStream body) {
                    throw new UnsupportedOperationException();
                }

                public void layer(dev.paddock.model.NfsExport asked, String name, String over, String overFormat,
                        long sizeBytes) {
                    throw new UnsupportedOperationException();
                }

                public void resize(dev.paddock.model.NfsExport asked, String name, String format, long sizeBytes) {
                    throw new UnsupportedOperationException();
                }

                public void copy(dev.paddock.model.NfsExport asked, String name, String from, String format,
                        long sizeBytes, java.util.function.DoubleConsumer progress) {
                    throw new UnsupportedOperationException();
                }
            };
            var controller = new InventoryController(store, sim, Duration.ofHours(1), c -> { }, Set::of, nas);

            controller.resyncAll();

            dev.paddock.model.Datastore measured = store.datastore("d1").orElseThrow();
            assertThat(measured.freeBytes()).isEqualTo(60 * gib);
            assertThat(measured.freeGib()).isEqualTo(60);
            assertThat(measured.hostIds()).containsExactly("h-h1");
            assertThat(measured.pools()).isEmpty();

            answer.set(null);
            controller.resyncAll();

            assertThat(store.datastore("d1")).contains(measured);
        }
    }
}

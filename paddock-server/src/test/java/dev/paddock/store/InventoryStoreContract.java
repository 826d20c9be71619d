package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Maxima;
import dev.paddock.model.Watchdog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What every InventoryStore does, whatever database is under it. Subclasses say which database. */
abstract class InventoryStoreContract {

    private JdbcInventoryStore store;

    /** The migrated database for this class; each test starts from an empty one. */
    abstract HikariDataSource dataSource();

    @BeforeEach
    void emptyStore() {
        TestDatabases.clear(dataSource());
        store = new JdbcInventoryStore(dataSource());
    }

    static Site site(String id, String name) {
        return new Site(id, name, "machine room " + name);
    }

    static Host host(String id, String clusterId, String name) {
        return new Host(id, clusterId, name, "sim://" + id, Resources.of(32_000, 131_072, 2_000, 10_000),
                HostState.CONNECTED, PowerState.ON, Set.of("rhel", "oracle"));
    }

    static Vm vm(String id, String clusterId, String name, Optional<String> hostId) {
        return new Vm(id, name, clusterId, hostId, Resources.of(2_000, 4_096, 40, 100), VmState.RUNNING,
                VmOrigin.MANAGED, "web", 3, Set.of("front"), Set.of("spread-a", "spread-b"), Set.of("rhel"),
                List.of(new Disk("vda", "ds1", 40), new Disk("vdb", "ds2", 10)),
                List.of(new Nic("net1", "52:54:00:00:00:01"), new Nic("net2", "")));
    }

    @Test
    void everyKindOfRecordReadsBackEqualToWhatWasWritten() {
        Site site = site("s1", "paris");
        Cluster cluster = new Cluster("c1", "s1", "prod", true, 1);
        Host host = host("h1", "c1", "node-1");
        Vm vm = vm("v1", "c1", "web-1", Optional.of("h1"));
        Network tagged = new Network("n1", "s1", "front", OptionalInt.of(42), true, Set.of("52:54:00:00:00:01"));
        Network untagged = new Network("n2", "s1", "back", OptionalInt.empty(), false, Set.of(),
                java.util.Map.of("h1", new Network.Carrier("back", "pdk0a1b2c3d"), "h2", new Network.Carrier("back", "")));
        Datastore datastore = new Datastore("ds1", "s1", "nfs-1", true, 10_000, 4_000, Set.of("h1", "h2"));
        Datastore pooled = Datastore.ofPools("ds2", "s1", "san", true, Set.of("h1"), "iscsi-direct",
                "iscsi://10.79.0.2/iqn.2026-12.dev.paddock:lab", 268_435_456L, 0, java.util.Map.of("h1", "san", "h2", "san"));

        store.put(site);
        store.put(cluster);
        store.put(host);
        store.put(vm);
        store.put(tagged);
        store.put(untagged);
        store.put(datastore);
        store.put(pooled);

        assertThat(store.site("s1")).contains(site);
        assertThat(store.cluster("c1")).contains(cluster);
        assertThat(store.host("h1")).contains(host);
        assertThat(store.vm("v1")).contains(vm);
        assertThat(store.network("n1")).contains(tagged);
        assertThat(store.network("n2")).contains(untagged);
        assertThat(store.room().network("n2").orElseThrow().hostIds()).containsExactly("h1", "h2");
        assertThat(store.deleteNetwork("n2")).isTrue();
        assertThat(store.network("n2")).isEmpty();
        store.put(untagged);
        assertThat(store.datastore("ds1")).contains(datastore);
        assertThat(store.datastore("ds2")).contains(pooled);
        Datastore observed = Datastore.ofPools("ds2", "s1", "renamed", false, Set.of("h1", "h2"), "iscsi-direct",
                pooled.source(), 300_000_000L, 0, java.util.Map.of("h1", "san", "h2", "san"));
        assertThat(store.updateObserved(observed)).isTrue();
        assertThat(store.datastore("ds2")).contains(Datastore.ofPools("ds2", "s1", "san", true, Set.of("h1", "h2"),
                "iscsi-direct", pooled.source(), 300_000_000L, 0, java.util.Map.of("h1", "san", "h2", "san")));
        assertThat(store.deleteDatastore("ds2")).isTrue();
        assertThat(store.deleteDatastore("ds2")).isFalse();
        assertThat(store.updateObserved(observed)).as("a removed datastore is not brought back").isFalse();
        assertThat(store.datastore("ds2")).isEmpty();
    }

    @ParameterizedTest(name = "a VM with watchdog {0}/{1} reads back with it")
    @CsvSource({"I6300ESB, RESET", "I6300ESB, POWEROFF", "ITCO, PAUSE", "ITCO, NONE"})
    void aVmKeepsItsWatchdog(Watchdog.Model model, Watchdog.Action action) {
        Vm vm = vm("v1", "c1", "web-1", Optional.of("h1")).withWatchdog(Optional.of(new Watchdog(model, action)));

        store.put(vm);

        assertThat(store.vm("v1")).contains(vm);
    }

    @ParameterizedTest(name = "a VM with maxima of {0} vCPUs and {1} MiB (0 for none) reads back with them")
    @CsvSource({"4, 4096", "4, 0", "0, 2048", "0, 0"})
    void aVmKeepsItsMaxima(int vcpus, long memoryMib) {
        Maxima maxima = new Maxima(Optional.of(vcpus).filter(most -> most > 0),
                Optional.of(memoryMib).filter(most -> most > 0));
        Vm vm = vm("v1", "c1", "web-1", Optional.of("h1")).withMaxima(maxima);

        store.put(vm);

        assertThat(store.vm("v1")).contains(vm);
        assertThat(store.vm("v1").orElseThrow().maxima()).isEqualTo(maxima);
    }

    @Test
    void anUnplacedVmKeepsAnEmptyHost() {
        Vm vm = vm("v1", "c1", "web-1", Optional.empty());
        store.put(vm);
        assertThat(store.vm("v1")).contains(vm);
    }

    @Test
    void unknownIdsAreEmpty() {
        assertThat(store.site("nope")).isEmpty();
        assertThat(store.host("nope")).isEmpty();
        assertThat(store.vm("nope")).isEmpty();
        assertThat(store.vmByName("c1", "nope")).isEmpty();
    }

    @Test
    void aHostKeepsItsCpuAndOneWithoutReadsAsUnknown() {
        Host skylake = host("h1", "c1", "node-1").withCpu(new dev.paddock.model.HostCpu("Intel",
                "Skylake-Client-IBRS", Set.of("pku", "avx512f")));
        Host unknown = host("h2", "c1", "node-2");

        store.put(skylake);
        store.put(unknown);

        assertThat(store.host("h1")).contains(skylake);
        assertThat(store.host("h2").orElseThrow().cpu()).isEqualTo(dev.paddock.model.HostCpu.UNKNOWN);
    }

    @Test
    void aSecondPutWithTheSameIdReplacesTheFirst() {
        store.put(host("h1", "c1", "node-1"));
        Host maintenance = host("h1", "c1", "node-1-renamed").withState(HostState.MAINTENANCE);
        store.put(maintenance);

        assertThat(store.hosts()).containsExactly(maintenance);
    }

    @Test
    void aSiteNameIsUniqueAcrossTheInventory() {
        store.put(site("s1", "paris"));
        assertThatThrownBy(() -> store.put(site("s2", "paris")))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a site named 'paris' already exists");
    }

    @Test
    void aClusterNameIsUniqueWithinItsSiteOnly() {
        store.put(new Cluster("c1", "s1", "prod", true, 1));
        store.put(new Cluster("c2", "s2", "prod", true, 1));
        assertThatThrownBy(() -> store.put(new Cluster("c3", "s1", "prod", false, 0)))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a cluster named 'prod' already exists in site s1");
        assertThat(store.clusters()).hasSize(2);
    }

    @Test
    void aHostNameIsUniqueAcrossClusters() {
        store.put(host("h1", "c1", "node-1"));
        assertThatThrownBy(() -> store.put(host("h2", "c2", "node-1")))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a host named 'node-1' already exists");
    }

    @Test
    void aVmNameIsUniqueWithinItsClusterOnly() {
        store.put(vm("v1", "c1", "web-1", Optional.empty()));
        store.put(vm("v2", "c2", "web-1", Optional.empty()));
        assertThatThrownBy(() -> store.put(vm("v3", "c1", "web-1", Optional.empty())))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a VM named 'web-1' already exists in cluster c1");
        assertThat(store.vmByName("c2", "web-1").map(Vm::id)).contains("v2");
    }

    @Test
    void carriersTheHostsReportChangeNothingElseOfAStoredNetwork() {
        Network.Carrier carrier = new Network.Carrier("iso", "sw0", false, true, OptionalInt.of(30));
        store.put(new Network("n1", "s1", "iso", OptionalInt.of(30), true, Set.of()));

        store.putCarriers(new Network("n1", "s1", "iso", OptionalInt.empty(), false, Set.of(),
                java.util.Map.of("h1", carrier)));
        store.putCarriers(new Network("n2", "s1", "found", OptionalInt.empty(), false, Set.of(),
                java.util.Map.of("h1", carrier)));

        assertThat(store.network("n1")).contains(new Network("n1", "s1", "iso", OptionalInt.of(30), true, Set.of(),
                java.util.Map.of("h1", carrier)));
        assertThat(store.network("n2").orElseThrow().carriers()).containsEntry("h1", carrier);
        assertThatThrownBy(() -> store.putCarriers(new Network("n3", "s1", "iso", OptionalInt.empty(), false,
                Set.of(), java.util.Map.of("h1", carrier)))).isInstanceOf(DuplicateNameException.class)
                .hasMessage("a network named 'iso' already exists in site s1");
    }

    @Test
    void networkAndDatastoreNamesAreUniqueWithinTheirSite() {
        store.put(new Network("n1", "s1", "front", OptionalInt.empty(), false, Set.of()));
        store.put(new Datastore("d1", "s1", "nfs", true, 10, 5, Set.of()));
        assertThatThrownBy(() -> store.put(new Network("n2", "s1", "front", OptionalInt.of(7), false, Set.of())))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a network named 'front' already exists in site s1");
        assertThatThrownBy(() -> store.put(new Datastore("d2", "s1", "nfs", false, 10, 5, Set.of())))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a datastore named 'nfs' already exists in site s1");
    }

    @Test
    void vmsPageInNameOrderThenIdWithTheTotal() {
        store.put(vm("v3", "c1", "b", Optional.empty()));
        store.put(vm("v1", "c2", "b", Optional.empty()));
        store.put(vm("v2", "c1", "a", Optional.empty()));
        store.put(vm("v4", "c1", "c", Optional.empty()));

        Page<Vm> first = store.vms(0, 3);
        Page<Vm> second = store.vms(3, 3);

        assertThat(first.items()).extracting(Vm::id).containsExactly("v2", "v1", "v3");
        assertThat(first.total()).isEqualTo(4);
        assertThat(second.items()).extracting(Vm::id).containsExactly("v4");
        assertThat(second.offset()).isEqualTo(3);
        assertThat(store.vms(10, 3).items()).isEmpty();
    }

    @Test
    void vmsAfterAKeyGoOnInNameThenIdOrderAndASearchIsAnyCaseWithWildcardsTakenLiterally() {
        store.put(vm("v3", "c1", "b", Optional.empty()));
        store.put(vm("v1", "c2", "b", Optional.empty()));
        store.put(vm("v2", "c1", "a_x", Optional.empty()));
        store.put(vm("v4", "c1", "c%d", Optional.empty()));
        InventoryStore.VmFilter all = InventoryStore.VmFilter.ALL;

        Page<Vm> first = store.vmsAfter(all, Optional.empty(), 2);
        Page<Vm> second = store.vmsAfter(all, Optional.of(InventoryStore.VmKey.of(first.items().getLast())), 2);

        assertThat(first.items()).extracting(Vm::id).containsExactly("v2", "v1");
        assertThat(second.items()).extracting(Vm::id).containsExactly("v3", "v4");
        assertThat(second.total()).isEqualTo(4);
        assertThat(store.vmsAfter(new InventoryStore.VmFilter("B", Optional.empty()), Optional.empty(), 10).items())
                .extracting(Vm::id).containsExactly("v1", "v3");
        assertThat(store.vmsAfter(new InventoryStore.VmFilter("%", Optional.empty()), Optional.empty(), 10).items())
                .extracting(Vm::id).containsExactly("v4");
        assertThat(store.vmsAfter(new InventoryStore.VmFilter("_", Optional.empty()), Optional.empty(), 10).items())
                .extracting(Vm::id).containsExactly("v2");
        assertThat(store.vmsAfter(new InventoryStore.VmFilter("", Optional.of(VmOrigin.UNREGISTERED)),
                Optional.empty(), 10).total()).isZero();
    }

    @Test
    void aNegativeOffsetIsRefused() {
        assertThatThrownBy(() -> store.vms(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vmsOnHostAreTheVmsPlacedThere() {
        store.put(vm("v1", "c1", "a", Optional.of("h1")));
        store.put(vm("v2", "c1", "b", Optional.of("h2")));
        store.put(vm("v3", "c1", "c", Optional.of("h1")));
        store.put(vm("v4", "c1", "d", Optional.empty()));

        assertThat(store.vmsOnHost("h1")).extracting(Vm::id).containsExactly("v1", "v3");
        assertThat(store.vmsOnHost("h3")).isEmpty();
    }

    @Test
    void putAllWritesAndReplacesManyVmsAcrossBatches() {
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            vms.add(vm("v" + i, "c1", "vm-" + i, Optional.of("h" + (i % 7))));
        }
        store.putAll(vms);
        store.putAll(List.of(vms.get(0).withState(VmState.STOPPED)));

        assertThat(store.vmCount()).isEqualTo(2_500);
        assertThat(store.vmsOnHost("h3")).hasSize(357);
        assertThat(store.vm("v0").map(Vm::state)).contains(VmState.STOPPED);
    }

    @Test
    void putAllWritesNothingWhenOneNameIsTaken() {
        store.put(vm("old", "c1", "taken", Optional.empty()));
        List<Vm> batch = List.of(vm("v1", "c1", "free", Optional.empty()), vm("v2", "c1", "taken", Optional.empty()));

        assertThatThrownBy(() -> store.putAll(batch))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessage("a VM named 'taken' already exists in cluster c1 (VM old)");
        assertThat(store.vm("v1")).isEmpty();
    }

    @Test
    void putAllRefusesTwoVmsOfTheBatchWithOneName() {
        List<Vm> batch = List.of(vm("v1", "c1", "twin", Optional.empty()), vm("v2", "c1", "twin", Optional.empty()));
        assertThatThrownBy(() -> store.putAll(batch))
                .isInstanceOf(DuplicateNameException.class)
                .hasMessageContaining("a VM named 'twin' already exists in cluster c1");
        assertThat(store.vmCount()).isZero();
    }

    @Test
    void updateObservedRecordsWhereAndHowAVmRunsAndNeverBringsBackADeletedOne() {
        Vm kept = vm("v1", "c1", "kept", Optional.of("h1"));
        Vm deleted = vm("v2", "c1", "deleted", Optional.of("h1"));
        store.putAll(List.of(kept, deleted));
        store.deleteVm("v2");

        int written = store.updateObserved(List.of(kept.withHost("h2").withState(VmState.STOPPED),
                deleted.withState(VmState.STOPPED)));

        assertThat(written).isEqualTo(1);
        assertThat(store.vm("v1").map(Vm::state)).contains(VmState.STOPPED);
        assertThat(store.vm("v1").flatMap(Vm::hostId)).contains("h2");
        assertThat(store.vm("v2")).isEmpty();
    }

    @Test
    void updateObservedLeavesWhatAnOperationChangedMeanwhileAlone() {
        Vm seen = vm("v1", "c1", "rogue", Optional.of("h1")).withOrigin(VmOrigin.UNREGISTERED);
        store.put(seen);
        store.put(seen.withOrigin(VmOrigin.QUARANTINED));

        store.updateObserved(List.of(seen.withState(VmState.PAUSED)));

        assertThat(store.vm("v1").map(Vm::origin)).contains(VmOrigin.QUARANTINED);
        assertThat(store.vm("v1").map(Vm::state)).contains(VmState.PAUSED);
    }

    @Test
    void deletingAVmSaysWhetherItWasThere() {
        store.put(vm("v1", "c1", "a", Optional.empty()));
        assertThat(store.deleteVm("v1")).isTrue();
        assertThat(store.deleteVm("v1")).isFalse();
        assertThat(store.vm("v1")).isEmpty();
    }

    @Test
    void aHostWithVmsCannotBeDeleted() {
        store.put(host("h1", "c1", "node-1"));
        store.put(vm("v1", "c1", "a", Optional.of("h1")));

        assertThatThrownBy(() -> store.deleteHost("h1"))
                .isInstanceOf(HostInUseException.class)
                .hasMessage("host h1 still holds 1 VM; move or remove them before deleting it");
        assertThat(store.host("h1")).isPresent();
    }

    @Test
    void anEmptyHostIsDeletedOnce() {
        store.put(host("h1", "c1", "node-1"));
        assertThat(store.deleteHost("h1")).isTrue();
        assertThat(store.deleteHost("h1")).isFalse();
    }

    @Test
    void theRoomHoldsTheWholeInventory() {
        store.put(site("s1", "paris"));
        store.put(new Cluster("c1", "s1", "prod", true, 1));
        store.put(host("h1", "c1", "node-1"));
        store.put(host("h2", "c1", "node-2"));
        store.put(vm("v1", "c1", "a", Optional.of("h1")));
        store.put(new Network("n1", "s1", "front", OptionalInt.empty(), false, Set.of()));
        store.put(new Datastore("d1", "s1", "nfs", true, 10, 5, Set.of("h1")));

        Room room = store.room();

        assertThat(room.sites()).extracting(Site::id).containsExactly("s1");
        assertThat(room.clusters()).extracting(Cluster::id).containsExactly("c1");
        assertThat(room.hosts()).extracting(Host::id).containsExactly("h1", "h2");
        assertThat(room.vmsOn("h1")).extracting(Vm::id).containsExactly("v1");
        assertThat(room.networks()).hasSize(1);
        assertThat(room.datastores()).hasSize(1);
        assertThat(room.used("h1")).isEqualTo(Resources.of(2_000, 4_096, 40, 100));
    }
}

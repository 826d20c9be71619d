package dev.paddock.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.model.Datastore;
import dev.paddock.storage.DatastoreDiscovery.HostPools;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which datastores the hosts' pools make: one per source in a site, shared when the source is. */
class DatastoreDiscoveryTest {

    private static final long GIB = 1L << 30;
    private static final String IQN = "iqn.2026-12.dev.paddock:lab";

    private static PoolFacts nfs(String name, String server, boolean active) {
        return new PoolFacts(name, "u-" + name, PoolType.NETFS, PoolSource.nfs(server, "/export/vms"), "/mnt/" + name,
                100 * GIB, 40 * GIB, 60 * GIB, active);
    }

    private static PoolFacts dir(String name, String path) {
        return new PoolFacts(name, "u-" + name, PoolType.DIR, PoolSource.NONE, path, 50 * GIB, 10 * GIB, 40 * GIB,
                true);
    }

    @Test
    @DisplayName("the same NFS export on two hosts, under two names, is one shared datastore with both hosts")
    void sharedNfs() {
        List<Datastore> made = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "s", List.of(nfs("vms", "nas", true))),
                new HostPools("h2", "s", List.of(nfs("nas-vms", "NAS", true)))), List.of());

        assertThat(made).singleElement().satisfies(ds -> {
            assertThat(ds.shared()).isTrue();
            assertThat(ds.hostIds()).containsExactlyInAnyOrder("h1", "h2");
            assertThat(ds.name()).isEqualTo("vms");
            assertThat(ds.pools()).isEqualTo(Map.of("h1", "vms", "h2", "nas-vms"));
            assertThat(ds.capacityBytes()).isEqualTo(100 * GIB);
            assertThat(ds.freeBytes()).isEqualTo(60 * GIB);
            assertThat(ds.freeGib()).isEqualTo(60);
            assertThat(ds.type()).isEqualTo("netfs");
        });
    }

    @Test
    @DisplayName("one iSCSI target reached by the kernel on one host and by libvirt on another is one datastore")
    void iscsiBothWays() {
        var kernel = new PoolFacts("san", "u1", PoolType.ISCSI, PoolSource.iscsi("10.79.0.2", IQN),
                "/dev/disk/by-path", GIB, GIB, 0, true);
        var direct = new PoolFacts("san", "u2", PoolType.ISCSI_DIRECT,
                PoolSource.iscsiDirect("10.79.0.2", IQN, "iqn.2026-12.dev.paddock:h2"), "", GIB, GIB, 0, true);

        List<Datastore> made = DatastoreDiscovery.discover(List.of(new HostPools("h1", "s", List.of(kernel)),
                new HostPools("h2", "s", List.of(direct))), List.of());

        assertThat(made).singleElement().satisfies(ds -> assertThat(ds.hostIds()).hasSize(2));
    }

    @Test
    @DisplayName("a directory at the same path on two hosts is two local datastores, the second name suffixed")
    void localDirectories() {
        List<Datastore> made = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "s", List.of(dir("local", "/var/lib/paddock"))),
                new HostPools("h2", "s", List.of(dir("local", "/var/lib/paddock")))), List.of());

        assertThat(made).hasSize(2).allSatisfy(ds -> {
            assertThat(ds.shared()).isFalse();
            assertThat(ds.hostIds()).hasSize(1);
        });
        assertThat(made).extracting(Datastore::name).containsExactlyInAnyOrder("local", "local-2");
    }

    @Test
    @DisplayName("a directory recorded as shared gathers the pools over that path on every host")
    void sharedDirectory() {
        Datastore recorded = Datastore.ofPools("d1", "s", "shared", true, Set.of(), "dir", "dir:/srv/shared", 0, 0,
                Map.of());

        List<Datastore> writes = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "s", List.of(dir("shared", "/srv/shared/"))),
                new HostPools("h2", "s", List.of(dir("shared", "/srv/shared")))), List.of(recorded));

        assertThat(writes).singleElement().satisfies(ds -> {
            assertThat(ds.id()).isEqualTo("d1");
            assertThat(ds.hostIds()).containsExactlyInAnyOrder("h1", "h2");
            assertThat(ds.capacityBytes()).isEqualTo(50 * GIB);
        });
    }

    @Test
    @DisplayName("a host where the pool is stopped is not among its hosts; a host that did not answer keeps its place")
    void stoppedAndSilent() {
        String source = PoolSource.nfs("nas", "/export/vms").storageKey(PoolType.NETFS, "");
        Datastore recorded = Datastore.ofPools("d1", "s", "vms", true, Set.of("h1", "h2", "h3"), "netfs", source,
                100 * GIB, 60 * GIB, Map.of("h1", "vms", "h2", "vms", "h3", "vms"));

        List<Datastore> writes = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "s", List.of(nfs("vms", "nas", false))),
                new HostPools("h2", "s", List.of())), List.of(recorded));

        assertThat(writes).singleElement().satisfies(ds -> {
            assertThat(ds.hostIds()).containsExactly("h3");
            assertThat(ds.pools()).isEqualTo(Map.of("h1", "vms", "h3", "vms"));
            assertThat(ds.capacityBytes()).isEqualTo(100 * GIB);
        });
    }

    @Test
    @DisplayName("nothing changed, nothing to write; a declared datastore is never touched")
    void unchanged() {
        Datastore declared = new Datastore("d0", "s", "vms", true, 10, 5, Set.of("h9"));
        List<HostPools> hosts = List.of(new HostPools("h1", "s", List.of(nfs("vms", "nas", true))));
        List<Datastore> first = DatastoreDiscovery.discover(hosts, List.of(declared));

        assertThat(first).singleElement().satisfies(ds -> assertThat(ds.name()).isEqualTo("vms-2"));
        assertThat(DatastoreDiscovery.discover(hosts, List.of(declared, first.getFirst()))).isEmpty();
    }

    @Test
    @DisplayName("the same export in two sites is a datastore in each")
    void perSite() {
        List<Datastore> made = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "paris", List.of(nfs("vms", "nas", true))),
                new HostPools("h2", "lyon", List.of(nfs("vms", "nas", true)))), List.of());

        assertThat(made).extracting(Datastore::siteId).containsExactlyInAnyOrder("paris", "lyon");
    }

    @Test
    @DisplayName("a netfs pool over the export of an NFS datastore reached by QEMU makes no second datastore, and"
            + " leaves that one as it is")
    void netfsPoolOverAnNfsDatastore() {
        Datastore qemu = Datastore.onNfs("d1", "s", "nas", Set.of("h1", "h2"),
                new dev.paddock.model.NfsExport("NAS", "/export/vms"), 10 * GIB, 5 * GIB);

        List<Datastore> writes = DatastoreDiscovery.discover(List.of(
                new HostPools("h1", "s", List.of(nfs("vms", "nas", true)))), List.of(qemu));

        assertThat(qemu.source()).isEqualTo(PoolSource.nfs("nas", "/export/vms").storageKey(PoolType.NETFS, ""));
        assertThat(writes).isEmpty();
    }
}

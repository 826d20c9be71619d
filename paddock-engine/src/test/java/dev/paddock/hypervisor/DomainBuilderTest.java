package dev.paddock.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainBuilderTest {

    static final Watchdog WATCHDOG = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET);
    static final Network PROD = new Network("net-prod", "site-1", "prod", OptionalInt.of(120), false, Set.of());
    static final Network BACKUP = new Network("net-backup", "site-1", "backup", OptionalInt.empty(), false, Set.of());
    static final Datastore CEPH = new Datastore("ds-ceph", "site-1", "ceph", true, 1_000, 900, Set.of());
    static final Room ROOM = new Room(List.of(), List.of(), List.of(), List.of(), List.of(PROD, BACKUP), List.of(CEPH));

    /** A VM of 2.5 cores and 3 GiB with a root and a data disk, a tagged and an untagged NIC, and a watchdog. */
    static Vm web() {
        return web(Resources.of(2_500, 3_072, 30, 100));
    }

    static Vm web(Resources demand) {
        return new Vm("vm-1", "web-1", "cluster-1", Optional.of("host-1"), demand,
                VmState.RUNNING, VmOrigin.MANAGED, "web", 10, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", "ds-ceph", 20), new Disk("data", "ds-local", 10)),
                List.of(new Nic("net-prod", "52:54:00:00:00:01"), new Nic("net-backup", "52:54:00:00:00:02")),
                Optional.of(WATCHDOG));
    }

    @Test
    @DisplayName("a VM with disks, NICs on VLAN and plain networks and a watchdog becomes all of it")
    void wholeVm() {
        DomainSpec spec = DomainBuilder.specOf(web(), ROOM);

        assertThat(spec).isEqualTo(new DomainSpec("vm-1", "web-1", 3, 3_072,
                List.of(new DomainSpec.DiskSpec("vda", "/var/lib/paddock/ds-ceph/web-1-root.qcow2", "qcow2", 20),
                        new DomainSpec.DiskSpec("vdb", "/var/lib/paddock/ds-local/web-1-data.qcow2", "qcow2", 10)),
                List.of(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod", Optional.of(120)),
                        new DomainSpec.NicSpec("52:54:00:00:00:02", "backup", Optional.empty())),
                Optional.empty(), Optional.of(WATCHDOG)));
    }

    @Test
    @DisplayName("a disk lies under its datastore's path, the prefix a storage fault names")
    void disksUnderTheirDatastore() {
        DomainSpec spec = DomainBuilder.specOf(web(), ROOM);

        assertThat(spec.disks().getFirst().path()).startsWith(DomainBuilder.datastorePath("ds-ceph"));
        assertThat(spec.disks().get(1).path()).startsWith(DomainBuilder.datastorePath("ds-local"));
    }

    @Test
    @DisplayName("a disk that is a pool's volume is named by the pool on the VM's host; a seed is read-only; UEFI and"
            + " boot order carry over")
    void volumesFirmwareAndBoot() {
        Datastore library = Datastore.ofPools("ds-lib", "site-1", "library", true, Set.of("host-1", "host-2"), "dir",
                "/srv/library", 10L << 30, 8L << 30, java.util.Map.of("host-1", "library", "host-2", "lib-2"));
        Room room = new Room(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(library));
        Vm vm = web().withDisks(List.of(
                        new Disk("root", "ds-lib", 8, "web-1-root.qcow2", "qcow2", false, Optional.of("img-1"), true),
                        new Disk("seed", "ds-lib", 0, "web-1-seed.iso", "raw", true, Optional.empty(), false)))
                .withBoot(dev.paddock.model.Firmware.UEFI, List.of(dev.paddock.model.BootDevice.NETWORK,
                        dev.paddock.model.BootDevice.DISK));

        DomainSpec spec = DomainBuilder.specOf(vm, room);
        DomainSpec onHost2 = DomainBuilder.specOf(vm.withHost("host-2"), room);

        assertThat(spec.disks()).containsExactly(
                DomainSpec.DiskSpec.volume("vda", "library", "web-1-root.qcow2", "qcow2", 8),
                DomainSpec.DiskSpec.volume("vdb", "library", "web-1-seed.iso", "raw", 0).asReadOnly());
        assertThat(onHost2.disks().getFirst().pool()).hasValue("lib-2");
        assertThat(spec.osOnDisk()).isTrue();
        assertThat(DomainBuilder.specOf(web(), ROOM).osOnDisk()).isFalse();
        assertThat(spec.firmware()).isEqualTo(dev.paddock.model.Firmware.UEFI);
        assertThat(spec.boot()).containsExactly(dev.paddock.model.BootDevice.NETWORK, dev.paddock.model.BootDevice.DISK);
    }

    @Test
    @DisplayName("a VM without a watchdog, disk or NIC gets none")
    void bareVm() {
        Vm bare = new Vm("vm-2", "bare", "cluster-1", Optional.empty(), Resources.of(1_000, 512, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());

        assertThat(DomainBuilder.specOf(bare, ROOM)).isEqualTo(DomainSpec.of("vm-2", "bare", 1, 512));
    }

    @Test
    @DisplayName("a NIC on a network the room does not know keeps the network id, untagged")
    void unknownNetwork() {
        DomainSpec spec = DomainBuilder.specOf(web(), Room.EMPTY);

        assertThat(spec.nics()).extracting(DomainSpec.NicSpec::network).containsExactly("net-prod", "net-backup");
        assertThat(spec.nics()).allMatch(nic -> nic.vlan().isEmpty());
    }

    @Test
    @DisplayName("a NIC on a network carried by hosts joins the libvirt network that carries it, with its MAC")
    void carriedNetwork() {
        Network carried = PROD.withCarriers(java.util.Map.of("host-1", new Network.Carrier("prod", "pdk00c0ffee"),
                "host-2", new Network.Carrier("prod", "pdk00c0ffee")));
        Room room = new Room(List.of(), List.of(), List.of(), List.of(), List.of(carried, BACKUP), List.of(CEPH));

        DomainSpec spec = DomainBuilder.specOf(web(), room);

        assertThat(spec.nics()).containsExactly(DomainSpec.NicSpec.onNetwork("52:54:00:00:00:01", "prod"),
                new DomainSpec.NicSpec("52:54:00:00:00:02", "backup", Optional.empty()));
    }

    @ParameterizedTest(name = "{0} millicores give {1} vCPUs")
    @CsvSource({"0, 1", "1, 1", "1000, 1", "1001, 2", "2500, 3", "8000, 8"})
    void vcpusFromDemand(long millicores, int vcpus) {
        Vm vm = web(Resources.of(millicores, 512, 0, 0));

        assertThat(DomainBuilder.specOf(vm, ROOM).vcpus()).isEqualTo(vcpus);
    }
}

package dev.paddock.hypervisor;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Maxima;
import dev.paddock.model.Network;
import dev.paddock.model.NfsExport;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a VM becomes its domain. Every path that defines a VM (the API's create, an HA restart, a
 * consolidation's migration, the simulated room) asks here, so a device the VM carries reaches every host it is
 * defined on: a definition built elsewhere once dropped the watchdog on every HA restart.
 *
 * <p>A disk that is a volume of its datastore's storage pool is named by pool and volume, and the host finds the
 * file. A disk on an NFS datastore that no host mounts ({@link Datastore#NFS}) is a network image on its export,
 * named by server and path, which QEMU opens with its own NFS client on whichever host runs it: the domain is the
 * same on every host, so a migration moves no disk. A disk without a volume (recorded before volumes, or on a datastore declared by hand) is named by datastore,
 * {@code /var/lib/paddock/<datastore>/<vm>-<disk>.qcow2}; a host that keeps its datastores elsewhere moves it when it
 * defines the domain.
 */
public final class DomainBuilder {

    /** The directory holding a directory per datastore, in the model's disk paths. */
    public static final String DATASTORE_ROOT = "/var/lib/paddock";

    private DomainBuilder() {}

    /** Where the model keeps the disk files of a datastore, with a trailing slash. */
    public static String datastorePath(String datastoreId) {
        return DATASTORE_ROOT + "/" + datastoreId + "/";
    }

    /**
     * One vCPU per started 1000 millicores of demand, the demand's memory, a qcow2 file per disk under its
     * datastore, a NIC on each network (named by the room's network name, tagged with its VLAN), and the VM's
     * watchdog if it has one, and its hot-plug maxima. No direct boot: the host that defines it chooses how a VM
     * without an image boots.
     */
    public static DomainSpec specOf(Vm vm, Room room) {
        int vcpus = (int) Math.max(1, (vm.demand().cpuMillicores() + 999) / 1000);
        long memoryMib = Math.max(1, vm.demand().memoryMib());
        return DomainSpec.of(vm.id(), vm.name(), vcpus, memoryMib)
                .withMaxima(maxima(vm.maxima(), vcpus, memoryMib))
                .withDisks(disks(vm, room))
                .withNics(nics(vm, room))
                .withWatchdog(vm.watchdog())
                .withFirmware(vm.firmware())
                .withBoot(vm.boot())
                .withOsOnDisk(!vm.disks().isEmpty() && vm.disks().getFirst().image().isPresent());
    }

    /**
     * The VM's maxima, each at least what it runs with: the API refuses a size beyond a maximum, and a row written by
     * hand that has one anyway still defines (its maximum is then its size).
     */
    private static Maxima maxima(Maxima asked, int vcpus, long memoryMib) {
        return new Maxima(asked.vcpus().map(most -> Math.max(most, vcpus)),
                asked.memoryMib().map(most -> Math.max(most, memoryMib)));
    }

    private static List<DomainSpec.DiskSpec> disks(Vm vm, Room room) {
        List<DomainSpec.DiskSpec> disks = new ArrayList<>(vm.disks().size());
        for (Disk disk : vm.disks()) {
            String device = device(disks.size());
            Optional<NfsExport> export = room.datastore(disk.datastoreId()).flatMap(Datastore::nfsExport);
            if (export.isPresent()) {
                DomainSpec.DiskSpec spec = DomainSpec.DiskSpec.remote(device,
                        new DomainSpec.Remote("nfs", export.get().server(), 0),
                        export.get().fileOf(nfsFileOf(vm, disk)), disk.format(), disk.sizeGib());
                disks.add(disk.readOnly() ? spec.asReadOnly() : spec);
                continue;
            }
            Optional<String> pool = disk.hasVolume() ? room.datastore(disk.datastoreId()).flatMap(store -> poolOn(store, vm))
                    : Optional.empty();
            DomainSpec.DiskSpec spec = pool.isPresent()
                    ? DomainSpec.DiskSpec.volume(device, pool.get(), disk.volume(), disk.format(), disk.sizeGib())
                    : new DomainSpec.DiskSpec(device, datastorePath(disk.datastoreId()) + vm.name() + "-" + disk.name()
                            + ".qcow2", "qcow2", disk.sizeGib());
            disks.add(disk.readOnly() ? spec.asReadOnly() : spec);
        }
        return disks;
    }

    /** The target of a VM's disk at {@code index} in its list (vda, vdb...), as every domain names it. */
    public static String device(int index) {
        return "vd" + (char) ('a' + index);
    }

    /**
     * The file of a disk in its NFS export: its volume, or for a disk recorded without one the name a datastore
     * declared by hand gives it.
     */
    public static String nfsFileOf(Vm vm, Disk disk) {
        return disk.hasVolume() ? disk.volume() : vm.name() + "-" + disk.name() + ".qcow2";
    }

    /**
     * The name of the datastore's pool on the VM's host; a VM not placed yet, or on a host that names it otherwise,
     * takes the name most of its hosts give it (Paddock makes a datastore's pools under one name).
     */
    private static Optional<String> poolOn(Datastore datastore, Vm vm) {
        if (datastore.pools().isEmpty()) {
            return Optional.empty();
        }
        Optional<String> onHost = vm.hostId().map(datastore.pools()::get);
        return onHost.isPresent() ? onHost : datastore.pools().values().stream()
                .collect(java.util.stream.Collectors.groupingBy(name -> name, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /**
     * A NIC on a network carried by named hosts joins the libvirt network that carries it, of the same name on every
     * host (the inventory makes one Paddock network of a name, and a network is made under its own name), so the
     * domain defines alike on each of them. A network declared by hand joins the host bridge of its name, tagged
     * with its VLAN; a network the room does not know is named by its id, untagged: the host then refuses it by
     * that name.
     */
    private static DomainSpec.Bandwidth bandwidth(Nic nic) {
        return DomainSpec.Bandwidth.ofKbps(nic.inboundKbps(), nic.outboundKbps());
    }

    private static List<DomainSpec.NicSpec> nics(Vm vm, Room room) {
        List<DomainSpec.NicSpec> nics = new ArrayList<>(vm.nics().size());
        for (Nic nic : vm.nics()) {
            Optional<Network> network = room.network(nic.networkId());
            if (network.isPresent() && network.get().hasCarriers()) {
                String libvirtName = network.get().carriers().values().iterator().next().libvirtName();
                nics.add(DomainSpec.NicSpec.onNetwork(nic.mac(), libvirtName).withBandwidth(bandwidth(nic)));
                continue;
            }
            Optional<Integer> vlan = network.flatMap(n -> n.vlan().isPresent()
                    ? Optional.of(n.vlan().getAsInt()) : Optional.empty());
            nics.add(new DomainSpec.NicSpec(nic.mac(), network.map(Network::name).orElse(nic.networkId()), vlan)
                    .withBandwidth(bandwidth(nic)));
        }
        return nics;
    }
}

package dev.paddock.sim;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Disk;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The domain a simulated room defines for a model VM. */
public final class VmDomains {

    private VmDomains() {}

    /** Where the simulated room keeps the disk files of a datastore: the prefix a {@link Fault.StorageLoss} names. */
    public static String datastorePath(String datastoreId) {
        return "/var/lib/paddock/" + datastoreId + "/";
    }

    /**
     * One vCPU per started 1000 millicores of demand, the demand's memory, a qcow2 file per disk under its
     * datastore, a NIC on each network, tagged with the network's VLAN, and the VM's watchdog if it has one.
     */
    public static DomainSpec specOf(Vm vm, Room room) {
        int vcpus = (int) Math.max(1, (vm.demand().cpuMillicores() + 999) / 1000);
        List<DomainSpec.DiskSpec> disks = new ArrayList<>(vm.disks().size());
        char target = 'a';
        for (Disk disk : vm.disks()) {
            disks.add(new DomainSpec.DiskSpec("vd" + target++,
                    datastorePath(disk.datastoreId()) + vm.name() + "-" + disk.name() + ".qcow2",
                    "qcow2", disk.sizeGib()));
        }
        List<DomainSpec.NicSpec> nics = new ArrayList<>(vm.nics().size());
        for (Nic nic : vm.nics()) {
            Optional<Network> network = room.network(nic.networkId());
            Optional<Integer> vlan = network.flatMap(n -> n.vlan().isPresent()
                    ? Optional.of(n.vlan().getAsInt()) : Optional.empty());
            nics.add(new DomainSpec.NicSpec(nic.mac(), network.map(Network::name).orElse(nic.networkId()), vlan));
        }
        return new DomainSpec(vm.id(), vm.name(), vcpus, Math.max(1, vm.demand().memoryMib()), disks, nics,
                Optional.empty(), vm.watchdog());
    }
}

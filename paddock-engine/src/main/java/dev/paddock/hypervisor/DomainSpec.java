package dev.paddock.hypervisor;

import dev.paddock.model.Watchdog;
import java.util.List;
import java.util.Optional;

/**
 * What a domain should be: the hypervisor-neutral form of a VM's definition.
 *
 * @param uuid the domain UUID, equal to the Paddock VM id
 * @param directBoot kernel, initrd and command line to boot from, when the guest has no bootloader
 * @param watchdog the guest's watchdog device, empty for none
 */
public record DomainSpec(
        String uuid,
        String name,
        int vcpus,
        long memoryMib,
        List<DiskSpec> disks,
        List<NicSpec> nics,
        Optional<DirectBoot> directBoot,
        Optional<Watchdog> watchdog) {
    public DomainSpec {
        if (vcpus < 1) {
            throw new IllegalArgumentException("a domain needs at least one vCPU");
        }
        if (memoryMib < 1) {
            throw new IllegalArgumentException("a domain needs memory");
        }
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        // A journal written before the watchdog existed has no such field.
        watchdog = watchdog == null ? Optional.empty() : watchdog;
    }

    /** A domain without a watchdog device. */
    public DomainSpec(String uuid, String name, int vcpus, long memoryMib, List<DiskSpec> disks, List<NicSpec> nics,
            Optional<DirectBoot> directBoot) {
        this(uuid, name, vcpus, memoryMib, disks, nics, directBoot, Optional.empty());
    }

    /** This definition with {@code boot} as its direct boot. */
    public DomainSpec withDirectBoot(Optional<DirectBoot> boot) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, boot, watchdog);
    }

    /** This definition with {@code device} as its watchdog. */
    public DomainSpec withWatchdog(Optional<Watchdog> device) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, device);
    }

    /** A disk image file. {@code format} is "qcow2" or "raw". */
    public record DiskSpec(String target, String path, String format, long sizeGib) {}

    /** A NIC on a hypervisor network or bridge, with an optional 802.1Q tag. */
    public record NicSpec(String mac, String network, Optional<Integer> vlan) {}

    public record DirectBoot(String kernel, String initrd, String cmdline) {}
}

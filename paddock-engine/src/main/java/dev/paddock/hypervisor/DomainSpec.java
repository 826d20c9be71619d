package dev.paddock.hypervisor;

import dev.paddock.model.Watchdog;
import java.util.List;
import java.util.Optional;

/**
 * What a domain should be: the hypervisor-neutral form of a VM's definition. {@link DomainBuilder} makes the one
 * for a VM; {@link #of} and the {@code with...} methods make others (a host's own, a test's) without positional
 * empties.
 *
 * <p>Jackson reads the record through its canonical constructor: a journal written before a field existed gives
 * {@code null} for it, read here as empty.
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
        disks = disks == null ? List.of() : List.copyOf(disks);
        nics = nics == null ? List.of() : List.copyOf(nics);
        directBoot = directBoot == null ? Optional.empty() : directBoot;
        watchdog = watchdog == null ? Optional.empty() : watchdog;
    }

    /** A domain with only a name, vCPUs and memory: no disk, NIC, direct boot or watchdog. */
    public static DomainSpec of(String uuid, String name, int vcpus, long memoryMib) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    /** This definition with {@code newDisks} as its disks. */
    public DomainSpec withDisks(List<DiskSpec> newDisks) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, newDisks, nics, directBoot, watchdog);
    }

    /** This definition with {@code newNics} as its NICs. */
    public DomainSpec withNics(List<NicSpec> newNics) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, newNics, directBoot, watchdog);
    }

    /** This definition with {@code boot} as its direct boot. */
    public DomainSpec withDirectBoot(Optional<DirectBoot> boot) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, boot, watchdog);
    }

    /** This definition booting {@code boot} directly. */
    public DomainSpec withDirectBoot(DirectBoot boot) {
        return withDirectBoot(Optional.of(boot));
    }

    /** This definition with {@code device} as its watchdog. */
    public DomainSpec withWatchdog(Optional<Watchdog> device) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, device);
    }

    /** This definition with the watchdog {@code device}. */
    public DomainSpec withWatchdog(Watchdog device) {
        return withWatchdog(Optional.of(device));
    }

    /**
     * True when {@code held}, the definition a host holds, gives everything this one asks: the same name, vCPUs,
     * memory, disks, NICs and watchdog, and this direct boot when this one names one. A wanted definition without a
     * boot leaves the boot to the host (a libvirt host adds its configured default), so the held one may have any.
     */
    public boolean isHeldBy(DomainSpec held) {
        return uuid.equals(held.uuid) && name.equals(held.name) && vcpus == held.vcpus
                && memoryMib == held.memoryMib && disks.equals(held.disks) && nics.equals(held.nics)
                && watchdog.equals(held.watchdog) && (directBoot.isEmpty() || directBoot.equals(held.directBoot));
    }

    /** A disk image file. {@code format} is "qcow2" or "raw". */
    public record DiskSpec(String target, String path, String format, long sizeGib) {}

    /**
     * A NIC on a hypervisor network or bridge, with an optional 802.1Q tag.
     *
     * @param network the name of what the NIC joins: a host bridge, or a libvirt network, as {@code source} says
     */
    public record NicSpec(String mac, String network, Optional<Integer> vlan, Source source) {
        public NicSpec {
            // A journal written before VLAN tags, or before libvirt networks, has no such field.
            vlan = vlan == null ? Optional.empty() : vlan;
            source = source == null ? Source.BRIDGE : source;
        }

        /** A NIC on the host bridge {@code network}. */
        public NicSpec(String mac, String network, Optional<Integer> vlan) {
            this(mac, network, vlan, Source.BRIDGE);
        }

        /** A NIC on the host's libvirt network {@code libvirtName}. */
        public static NicSpec onNetwork(String mac, String libvirtName) {
            return new NicSpec(mac, libvirtName, Optional.empty(), Source.NETWORK);
        }
    }

    /** What a NIC's {@code network} names. */
    public enum Source {
        /** A bridge device of the host: libvirt's {@code <interface type='bridge'>}. */
        BRIDGE,
        /** A libvirt network of the host: {@code <interface type='network'>}. */
        NETWORK
    }

    public record DirectBoot(String kernel, String initrd, String cmdline) {}
}

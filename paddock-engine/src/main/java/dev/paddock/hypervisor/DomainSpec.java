package dev.paddock.hypervisor;

import dev.paddock.model.BootDevice;
import dev.paddock.model.Firmware;
import dev.paddock.model.Maxima;
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
 * @param firmware what the guest boots with: SeaBIOS, or UEFI (OVMF)
 * @param boot the devices the firmware tries, in order; empty for the first disk alone. Ignored with a direct boot
 * @param osOnDisk true when the first disk holds an operating system (it was cloned from an image): a host that gives
 *     domains without a boot a default kernel (the lab) leaves this one to boot its disk
 * @param maxima how far {@code vcpus} and {@code memoryMib} (the amounts it runs with) may grow while it runs; each at
 *     least the amount it bounds
 */
public record DomainSpec(
        String uuid,
        String name,
        int vcpus,
        long memoryMib,
        List<DiskSpec> disks,
        List<NicSpec> nics,
        Optional<DirectBoot> directBoot,
        Optional<Watchdog> watchdog,
        Firmware firmware,
        List<BootDevice> boot,
        Boolean osOnDisk,
        Maxima maxima) {
    public DomainSpec {
        // A journal written before this flag has none: a disk without an operating system Paddock knows of.
        osOnDisk = osOnDisk != null && osOnDisk;
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
        // A journal written before firmware and boot order has neither: SeaBIOS, first disk.
        firmware = firmware == null ? Firmware.BIOS : firmware;
        boot = boot == null || boot.equals(List.of(BootDevice.DISK)) ? List.of() : List.copyOf(boot);
        if (boot.stream().distinct().count() != boot.size()) {
            throw new IllegalArgumentException("a boot order names each device once: " + boot);
        }
        // ... and before hot-plug maxima: none.
        maxima = maxima == null ? Maxima.NONE : maxima;
        if (maxima.vcpus().filter(most -> most < vcpus).isPresent()) {
            throw new IllegalArgumentException("a domain of " + vcpus + " vCPUs cannot have a maximum of "
                    + maxima.vcpus().get());
        }
        if (maxima.memoryMib().filter(most -> most < memoryMib).isPresent()) {
            throw new IllegalArgumentException("a domain of " + memoryMib + " MiB cannot have a maximum of "
                    + maxima.memoryMib().get() + " MiB");
        }
    }

    /** A domain without hot-plug maxima. */
    public DomainSpec(String uuid, String name, int vcpus, long memoryMib, List<DiskSpec> disks, List<NicSpec> nics,
            Optional<DirectBoot> directBoot, Optional<Watchdog> watchdog, Firmware firmware, List<BootDevice> boot,
            Boolean osOnDisk) {
        this(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, firmware, boot, osOnDisk, Maxima.NONE);
    }

    /** A domain as before firmware and boot order could be chosen: SeaBIOS, booting its first disk. */
    public DomainSpec(String uuid, String name, int vcpus, long memoryMib, List<DiskSpec> disks, List<NicSpec> nics,
            Optional<DirectBoot> directBoot, Optional<Watchdog> watchdog) {
        this(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, Firmware.BIOS, List.of(), false);
    }

    /** A domain with only a name, vCPUs and memory: no disk, NIC, direct boot or watchdog. */
    public static DomainSpec of(String uuid, String name, int vcpus, long memoryMib) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    /** This definition with {@code newDisks} as its disks. */
    public DomainSpec withDisks(List<DiskSpec> newDisks) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, newDisks, nics, directBoot, watchdog, firmware, boot, osOnDisk,
                maxima);
    }

    /** This definition with {@code newNics} as its NICs. */
    public DomainSpec withNics(List<NicSpec> newNics) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, newNics, directBoot, watchdog, firmware, boot, osOnDisk,
                maxima);
    }

    /** This definition with {@code boot} as its direct boot. */
    public DomainSpec withDirectBoot(Optional<DirectBoot> boot) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, boot, watchdog, firmware, this.boot, osOnDisk,
                maxima);
    }

    /** This definition booting {@code boot} directly. */
    public DomainSpec withDirectBoot(DirectBoot boot) {
        return withDirectBoot(Optional.of(boot));
    }

    /** This definition with {@code device} as its watchdog. */
    public DomainSpec withWatchdog(Optional<Watchdog> device) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, device, firmware, boot, osOnDisk,
                maxima);
    }

    /** This definition with the watchdog {@code device}. */
    public DomainSpec withWatchdog(Watchdog device) {
        return withWatchdog(Optional.of(device));
    }

    /** This definition booting with {@code newFirmware}. */
    public DomainSpec withFirmware(Firmware newFirmware) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, newFirmware, boot, osOnDisk,
                maxima);
    }

    /** This definition, its first disk holding an operating system or not. */
    public DomainSpec withOsOnDisk(boolean holds) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, firmware, boot, holds,
                maxima);
    }

    /** This definition trying {@code order}'s devices in turn. */
    public DomainSpec withBoot(List<BootDevice> order) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, firmware, order, osOnDisk,
                maxima);
    }

    /** This definition growing live up to {@code newMaxima}. */
    public DomainSpec withMaxima(Maxima newMaxima) {
        return new DomainSpec(uuid, name, vcpus, memoryMib, disks, nics, directBoot, watchdog, firmware, boot, osOnDisk,
                newMaxima);
    }

    /** This definition running {@code newVcpus} vCPUs with {@code newMemoryMib} of memory, its maxima kept. */
    public DomainSpec withSize(int newVcpus, long newMemoryMib) {
        return new DomainSpec(uuid, name, newVcpus, newMemoryMib, disks, nics, directBoot, watchdog, firmware, boot,
                osOnDisk, maxima);
    }

    /**
     * True when {@code held}, the definition a host holds, gives everything this one asks: the same name, vCPUs,
     * memory, hot-plug maxima, disks, NICs, watchdog, firmware and boot order, and this direct boot when this one names one. A wanted definition without a
     * boot leaves the boot to the host (a libvirt host adds its configured default), so the held one may have any.
     */
    public boolean isHeldBy(DomainSpec held) {
        return uuid.equals(held.uuid) && name.equals(held.name) && vcpus == held.vcpus
                && memoryMib == held.memoryMib && disks.equals(held.disks) && nics.equals(held.nics)
                && watchdog.equals(held.watchdog) && firmware == held.firmware && boot.equals(held.boot)
                && osOnDisk.equals(held.osOnDisk) && maxima.equals(held.maxima)
                && (directBoot.isEmpty() || directBoot.equals(held.directBoot));
    }

    /**
     * A disk: an image file on the host, a volume of one of the host's storage pools, or an image a network server
     * holds that QEMU reaches itself (NFS through QEMU's own client).
     *
     * @param path the file's path; with {@code pool}, the volume's name in it; with {@code remote}, the image's path
     *     on the server
     * @param format "qcow2" or "raw"
     * @param pool the storage pool holding the volume {@code path}, empty for a file or a network image
     * @param readOnly true for a disk the guest can only read (a cloud-init seed)
     * @param remote the server of a network image, empty otherwise
     */
    public record DiskSpec(String target, String path, String format, long sizeGib, Optional<String> pool,
            Boolean readOnly, Optional<Remote> remote) {
        public DiskSpec {
            readOnly = readOnly != null && readOnly;
            // A journal written before volumes and network disks has neither.
            pool = pool == null ? Optional.empty() : pool;
            remote = remote == null ? Optional.empty() : remote;
            if (pool.isPresent() && remote.isPresent()) {
                throw new IllegalArgumentException("disk " + target + " is either a pool's volume or a network image");
            }
        }

        /** An image file on the host. */
        public DiskSpec(String target, String path, String format, long sizeGib) {
            this(target, path, format, sizeGib, Optional.empty(), false, Optional.empty());
        }

        /** The volume {@code volume} of the host's storage pool {@code pool}. */
        public static DiskSpec volume(String target, String pool, String volume, String format, long sizeGib) {
            return new DiskSpec(target, volume, format, sizeGib, Optional.of(pool), false, Optional.empty());
        }

        /** The image {@code path} on the network server {@code server}. */
        public static DiskSpec remote(String target, Remote server, String path, String format, long sizeGib) {
            return new DiskSpec(target, path, format, sizeGib, Optional.empty(), false, Optional.of(server));
        }

        /** This disk, read-only to the guest. */
        public DiskSpec asReadOnly() {
            return new DiskSpec(target, path, format, sizeGib, pool, true, remote);
        }
    }

    /**
     * A network server of disk images that QEMU reaches with its own client.
     *
     * @param protocol libvirt's name of the protocol ("nfs")
     * @param port 0 for the protocol's own
     */
    public record Remote(String protocol, String host, int port) {}

    /**
     * A NIC on a hypervisor network or bridge, with an optional 802.1Q tag and traffic limits.
     *
     * @param network the name of what the NIC joins: a host bridge, or a libvirt network, as {@code source} says
     */
    public record NicSpec(String mac, String network, Optional<Integer> vlan, Source source, Bandwidth bandwidth) {
        public NicSpec {
            // A journal written before VLAN tags, libvirt networks or traffic limits has no such field.
            vlan = vlan == null ? Optional.empty() : vlan;
            source = source == null ? Source.BRIDGE : source;
            bandwidth = bandwidth == null ? Bandwidth.NONE : bandwidth;
        }

        public NicSpec(String mac, String network, Optional<Integer> vlan, Source source) {
            this(mac, network, vlan, source, Bandwidth.NONE);
        }

        /** A NIC on the host bridge {@code network}. */
        public NicSpec(String mac, String network, Optional<Integer> vlan) {
            this(mac, network, vlan, Source.BRIDGE);
        }

        /** A NIC on the host's libvirt network {@code libvirtName}. */
        public static NicSpec onNetwork(String mac, String libvirtName) {
            return new NicSpec(mac, libvirtName, Optional.empty(), Source.NETWORK);
        }

        /** The same NIC with these traffic limits. */
        public NicSpec withBandwidth(Bandwidth limits) {
            return new NicSpec(mac, network, vlan, source, limits);
        }
    }

    /**
     * A NIC's traffic limits in libvirt's unit, kilobytes (1,000 bytes) per second (its {@code <bandwidth>} averages),
     * 0 for none: {@code inbound} into the guest, {@code outbound} out of it.
     */
    public record Bandwidth(long inboundKBps, long outboundKBps) {
        public static final Bandwidth NONE = new Bandwidth(0, 0);

        public Bandwidth {
            if (inboundKBps < 0 || outboundKBps < 0) {
                throw new IllegalArgumentException("a traffic limit is positive, or 0 for none");
            }
        }

        /** Limits in kilobits per second (a user's unit), rounded up to whole kilobytes per second. */
        public static Bandwidth ofKbps(java.util.OptionalLong inboundKbps, java.util.OptionalLong outboundKbps) {
            return new Bandwidth(kBps(inboundKbps), kBps(outboundKbps));
        }

        private static long kBps(java.util.OptionalLong kbps) {
            return kbps.isPresent() ? (kbps.getAsLong() + 7) / 8 : 0;
        }

        public boolean limitsNothing() {
            return inboundKBps == 0 && outboundKBps == 0;
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

package dev.paddock.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A virtual machine: what it asks for, where it runs, and how it is protected.
 *
 * <p>The id is the hypervisor's domain UUID, so a domain seen on a host maps to at most one VM and a
 * domain whose UUID Paddock never issued is, by definition, unregistered.
 *
 * @param hostId the host the VM is defined on, empty while it is not placed
 * @param tier the application tier (for example "web", "app", "db"); used for boot order in recovery
 * @param haPriority restart priority after a host failure: higher restarts first; 0 means not protected
 * @param affinityGroups VMs sharing a group should share a host
 * @param antiAffinityGroups VMs sharing a group must not share a host
 * @param licences licence names the VM needs from its host
 * @param watchdog the guest watchdog device its domain is defined with, empty for none
 * @param firmware what the guest boots with
 * @param boot the devices its firmware tries, in order; empty for its first disk alone
 * @param maxima how far its vCPUs and memory may grow while it runs; {@link Maxima#NONE} for no hot-plug
 */
public record Vm(
        String id,
        String name,
        String clusterId,
        Optional<String> hostId,
        Resources demand,
        VmState state,
        VmOrigin origin,
        String tier,
        int haPriority,
        Set<String> affinityGroups,
        Set<String> antiAffinityGroups,
        Set<String> licences,
        List<Disk> disks,
        List<Nic> nics,
        Optional<Watchdog> watchdog,
        Firmware firmware,
        List<BootDevice> boot,
        Maxima maxima) {
    public Vm {
        Ids.require(id, "vm id");
        Ids.require(name, "vm name");
        Ids.require(clusterId, "vm cluster id");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(demand, "demand");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(origin, "origin");
        tier = tier == null ? "" : tier;
        if (haPriority < 0) {
            throw new IllegalArgumentException("HA priority must be >= 0");
        }
        affinityGroups = Set.copyOf(affinityGroups);
        antiAffinityGroups = Set.copyOf(antiAffinityGroups);
        licences = Set.copyOf(licences);
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        // Rows and journals written before the watchdog existed have none.
        watchdog = watchdog == null ? Optional.empty() : watchdog;
        // ... and before firmware and boot order could be chosen: SeaBIOS, first disk.
        firmware = firmware == null ? Firmware.BIOS : firmware;
        boot = boot == null || boot.equals(List.of(BootDevice.DISK)) ? List.of() : List.copyOf(boot);
        // ... and before hot-plug maxima: none.
        maxima = maxima == null ? Maxima.NONE : maxima;
    }

    /** A VM without hot-plug maxima. */
    public Vm(String id, String name, String clusterId, Optional<String> hostId, Resources demand, VmState state,
            VmOrigin origin, String tier, int haPriority, Set<String> affinityGroups, Set<String> antiAffinityGroups,
            Set<String> licences, List<Disk> disks, List<Nic> nics, Optional<Watchdog> watchdog, Firmware firmware,
            List<BootDevice> boot) {
        this(id, name, clusterId, hostId, demand, state, origin, tier, haPriority, affinityGroups, antiAffinityGroups,
                licences, disks, nics, watchdog, firmware, boot, Maxima.NONE);
    }

    /** A VM booting its first disk with SeaBIOS. */
    public Vm(String id, String name, String clusterId, Optional<String> hostId, Resources demand, VmState state,
            VmOrigin origin, String tier, int haPriority, Set<String> affinityGroups, Set<String> antiAffinityGroups,
            Set<String> licences, List<Disk> disks, List<Nic> nics, Optional<Watchdog> watchdog) {
        this(id, name, clusterId, hostId, demand, state, origin, tier, haPriority, affinityGroups, antiAffinityGroups,
                licences, disks, nics, watchdog, Firmware.BIOS, List.of());
    }

    /** A VM without a guest watchdog. */
    public Vm(String id, String name, String clusterId, Optional<String> hostId, Resources demand, VmState state,
            VmOrigin origin, String tier, int haPriority, Set<String> affinityGroups, Set<String> antiAffinityGroups,
            Set<String> licences, List<Disk> disks, List<Nic> nics) {
        this(id, name, clusterId, hostId, demand, state, origin, tier, haPriority, affinityGroups, antiAffinityGroups,
                licences, disks, nics, Optional.empty(), Firmware.BIOS, List.of());
    }

    public boolean isProtected() {
        return haPriority > 0;
    }

    public Vm withHost(String newHostId) {
        return new Vm(id, name, clusterId, Optional.of(newHostId), demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }

    public Vm withoutHost() {
        return new Vm(id, name, clusterId, Optional.empty(), demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }

    public Vm withState(VmState newState) {
        return new Vm(id, name, clusterId, hostId, demand, newState, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }

    public Vm withWatchdog(Optional<Watchdog> newWatchdog) {
        return new Vm(id, name, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, newWatchdog, firmware, boot, maxima);
    }

    /** This VM booting with {@code newFirmware} from {@code order}'s devices. */
    public Vm withBoot(Firmware newFirmware, List<BootDevice> order) {
        return new Vm(id, name, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, newFirmware, order, maxima);
    }

    /** This VM with {@code newDisks}. */
    public Vm withDisks(List<Disk> newDisks) {
        return new Vm(id, name, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, newDisks, nics, watchdog, firmware, boot, maxima);
    }

    /** This VM named {@code newName}. */
    public Vm withName(String newName) {
        return new Vm(id, newName, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }

    /** This VM asking {@code newDemand} of its host. */
    public Vm withDemand(Resources newDemand) {
        return new Vm(id, name, clusterId, hostId, newDemand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }

    /** This VM with {@code newNics}. */
    public Vm withNics(List<Nic> newNics) {
        return new Vm(id, name, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, newNics, watchdog, firmware, boot, maxima);
    }

    /** This VM growing live up to {@code newMaxima}. */
    public Vm withMaxima(Maxima newMaxima) {
        return new Vm(id, name, clusterId, hostId, demand, state, origin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, newMaxima);
    }

    public Vm withOrigin(VmOrigin newOrigin) {
        return new Vm(id, name, clusterId, hostId, demand, state, newOrigin, tier, haPriority,
                affinityGroups, antiAffinityGroups, licences, disks, nics, watchdog, firmware, boot, maxima);
    }
}

package dev.paddock.hypervisor;

import dev.paddock.model.Nic;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one port through which Paddock acts on hypervisors: libvirt in production, the simulated room in
 * the demo and in scale and fault tests. Controllers cannot tell the implementations apart; the port
 * contract tests (in this module's test jar) hold for every implementation.
 *
 * <p>One instance serves many hosts. Hosts are named by Paddock's host id and reached through the URI
 * given to {@link #attach}. Domains are named by UUID, which is also the Paddock VM id.
 *
 * <p>Every method may throw {@link HypervisorException}; its {@link HypervisorException.Reason} tells a
 * caller whether the fault is the caller's (not found, invalid state, too large) or the host's.
 * Calls that change state are idempotent where the hypervisor allows it: starting a running domain and
 * destroying a stopped one are no-ops, so a journaled step can safely run twice.
 *
 * <p>Storage pools are the datastores: named per host, they hold the VMs' disks as volumes.
 */
public interface Hypervisor extends AutoCloseable {

    /** Connects to a host (or reuses its connection) and returns its facts. */
    HostFacts attach(String hostId, String uri);

    /** Closes the connection to a host; its domains keep running. Unknown hosts are ignored. */
    void detach(String hostId);

    /** True while the connection to the host is up. */
    boolean isConnected(String hostId);

    /**
     * While the host is disconnected, since when it has said nothing, when that is known to be earlier than the
     * moment its connection dropped: a connection closed by its keepalive had its probes unanswered for the whole
     * keepalive timeout first. Empty when connected, or when the connection dropped the moment the host went
     * (closed by the host's side, as a host that loses its power does). HA counts its detection window from it.
     */
    default Optional<Instant> silentSince(String hostId) {
        return Optional.empty();
    }

    HostFacts facts(String hostId);

    /**
     * The counters of every running domain of the host, read in one call (libvirt's bulk statistics): what the
     * sampler turns into usage. Domains that do not run have no counters and are left out.
     */
    List<DomainStats> domainStats(String hostId);

    /** The host's own CPU times and memory, read in one call. */
    HostStats hostStats(String hostId);

    /** Every domain defined or running on the host, Paddock's or not. */
    List<DomainInfo> domains(String hostId);

    Optional<DomainInfo> domain(String hostId, String uuid);

    /**
     * The persistent definition the host holds for a domain, in the terms it was defined in: what a define step
     * compares with the definition it wants before it defines again. Empty when the host has no such domain.
     */
    Optional<DomainSpec> definition(String hostId, String uuid);

    /** Defines a persistent domain; defining the same UUID again replaces its definition. */
    DomainInfo define(String hostId, DomainSpec spec);

    /** Starts a defined domain; a no-op when it runs already. */
    void start(String hostId, String uuid);

    /** Asks the guest to shut down (ACPI) and returns without waiting. */
    void shutdown(String hostId, String uuid);

    /** Powers the domain off at once; a no-op when it is not running. */
    void destroy(String hostId, String uuid);

    /**
     * Plugs {@code nic} into the domain: into the running guest when it runs (a hot plug), and into its definition
     * either way. A domain that has a NIC of that MAC already is left as it is.
     */
    void attachNic(String hostId, String uuid, DomainSpec.NicSpec nic);

    /**
     * Unplugs the domain's NIC of MAC {@code mac}: from the running guest when it runs, and from its definition either
     * way. A domain without a NIC of that MAC is left as it is.
     */
    void detachNic(String hostId, String uuid, String mac);

    /**
     * Plugs {@code disk} into the domain: into the running guest when it runs (a hot plug), and into its definition
     * either way. A domain that has a disk on that target already is left as it is.
     */
    void attachDisk(String hostId, String uuid, DomainSpec.DiskSpec disk);

    /**
     * Unplugs the domain's disk on {@code target}: from the running guest when it runs, and from its definition either
     * way; its image is left as it is. A domain without a disk on that target is left as it is.
     */
    void detachDisk(String hostId, String uuid, String target);

    /**
     * Grows the disk on {@code target} of a running domain to {@code capacityBytes} through its hypervisor (QEMU
     * resizes the image it holds open; the guest sees the new size at once). A disk that large already is left as it
     * is; a smaller size is {@link HypervisorException.Reason#INVALID_ARGUMENT}, a domain that does not run
     * {@link HypervisorException.Reason#INVALID_STATE} (grow its volume instead).
     */
    void growDisk(String hostId, String uuid, String target, long capacityBytes);

    /**
     * Sets how many vCPUs the domain has: in the running guest when it runs (vCPUs plugged in or out), and in its
     * definition either way. A domain with that many already is left as it is; more than the maximum its definition
     * gives is {@link HypervisorException.Reason#INVALID_ARGUMENT}; an unplug the guest does not complete is
     * {@link HypervisorException.Reason#FAILED}, with the hypervisor's sentence.
     */
    void setVcpus(String hostId, String uuid, int vcpus);

    /**
     * Sets the domain's memory: in the running guest when it runs, and in its definition either way. Memory grows by
     * a memory module (DIMM) plugged in and shrinks only by unplugging modules plugged in earlier, so a domain
     * without a maximum of memory, or a size beyond it, is {@link HypervisorException.Reason#INVALID_ARGUMENT}, as is
     * a size no set of its plugged modules leads back to. A domain of that size already is left as it is.
     */
    void setMemory(String hostId, String uuid, long memoryMib);

    /**
     * Opens the serial console of a running domain as a byte stream. A console another client holds is refused
     * ({@link HypervisorException.Reason#INVALID_STATE}) unless {@code force}, which takes it over: the other
     * client's stream ends. A domain that does not run is {@link HypervisorException.Reason#INVALID_STATE}. The
     * default is a hypervisor without consoles, which refuses with that reason.
     */
    default SerialConsole openSerialConsole(String hostId, String uuid, boolean force) {
        throw noConsole(hostId);
    }

    /**
     * Where the VNC display of a running domain listens, with its password. A domain that does not run, or has no
     * VNC display, is {@link HypervisorException.Reason#INVALID_STATE}; so is every domain of the default, a
     * hypervisor without consoles.
     */
    default VncDisplay vncDisplay(String hostId, String uuid) {
        throw noConsole(hostId);
    }

    /**
     * Gives the VM a new VNC password and its domain's display that password, in the running domain and in its
     * definition; the old password stops working at once. Returns the display with the new password. Refused as
     * {@link #vncDisplay} is.
     */
    default VncDisplay rotateVncPassword(String hostId, String uuid) {
        throw noConsole(hostId);
    }

    /**
     * Copies the traffic of the running domain's NIC {@code mac} out of port {@code mirror.port()} of the same switch,
     * replacing the NIC's earlier mirror; empty stops copying. The switch is the one the NIC's port is on; a NIC on
     * no switch that mirrors, or a port the switch lacks, is {@link HypervisorException.Reason#INVALID_ARGUMENT}; a
     * domain that does not run (it has no port) is {@link HypervisorException.Reason#INVALID_STATE}. The default is
     * a hypervisor whose switches do not mirror, which refuses with that reason.
     */
    default void mirrorNic(String hostId, String uuid, String mac, Optional<Nic.Mirror> mirror) {
        throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "The switches of host " + hostId
                + " do not mirror ports.");
    }

    /**
     * The ports of the switch the running domain's NIC {@code mac} is on, those a mirror of it can send to; empty
     * when the domain does not run, and for a hypervisor whose switches do not mirror.
     */
    default List<String> switchPorts(String hostId, String uuid, String mac) {
        return List.of();
    }

    /** Where the running domain's NIC {@code mac} is mirrored to now; empty when nowhere, or when it does not run. */
    default Optional<Nic.Mirror> nicMirror(String hostId, String uuid, String mac) {
        return Optional.empty();
    }

    /**
     * Keeps switch {@code switchName} of the host enforcing exactly {@code guards} on the ports of its running VMs
     * (a guard whose NIC has no port there is kept for when it has one): each guarded port sends only with its MAC
     * and, when known, its addresses; each port hears nothing from the MACs it is isolated from. Guards given before
     * and not now are lifted. Idempotent; returns how many rules it changed on the switch (0 when it was as asked).
     * The default is a hypervisor whose switches do not guard ports, which refuses with
     * {@link HypervisorException.Reason#INVALID_ARGUMENT}.
     */
    default int guardSwitch(String hostId, String switchName, List<PortGuard> guards) {
        throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "The switches of host " + hostId
                + " do not guard ports.");
    }

    private static HypervisorException noConsole(String hostId) {
        return new HypervisorException(HypervisorException.Reason.INVALID_STATE, "The VMs of host " + hostId
                + " have no console.");
    }

    /**
     * Begins a pull-mode backup of a running domain: the host exports a point-in-time view of the disks over NBD and
     * creates the request's checkpoint. The export stays until {@link #endBackup}. A domain that does not run, a disk
     * that is not qcow2, an unknown {@code since} checkpoint, or a backup already running are refused.
     */
    default BackupExport beginBackup(String hostId, String uuid, BackupRequest request) {
        throw noBackups(hostId);
    }

    /** Ends the domain's backup job and its NBD export; a domain with no backup running is left alone. */
    default void endBackup(String hostId, String uuid) {
        throw noBackups(hostId);
    }

    /** The domain's checkpoints on that host, oldest first. */
    default List<Checkpoint> checkpoints(String hostId, String uuid) {
        throw noBackups(hostId);
    }

    /**
     * Redefines checkpoints the domain had on another host (their bitmaps came with its disks), oldest first;
     * a checkpoint the host already has is kept as it is.
     */
    default void redefineCheckpoints(String hostId, String uuid, List<Checkpoint> chain) {
        throw noBackups(hostId);
    }

    /** Deletes a checkpoint and its bitmaps (merged into its parent's); a no-op when the domain has none of that name. */
    default void deleteCheckpoint(String hostId, String uuid, String name) {
        throw noBackups(hostId);
    }

    /**
     * Drops the host's record of every checkpoint of a domain that does not run, leaving their bitmaps in the images
     * (a host merges bitmaps only for a running domain): for a domain whose disks are being replaced, whose old images
     * go with their bitmaps. A domain without checkpoints is left alone, and so is every domain of a hypervisor that
     * takes no backups: it has none.
     */
    default void forgetCheckpoints(String hostId, String uuid) {
        // no checkpoints to forget
    }

    private static HypervisorException noBackups(String hostId) {
        return new HypervisorException(HypervisorException.Reason.INVALID_STATE, "The VMs of host " + hostId
                + " have no disk data to back up.");
    }

    /** Removes a stopped domain's definition; a no-op when the domain is unknown. */
    void undefine(String hostId, String uuid);

    void suspend(String hostId, String uuid);

    void resume(String hostId, String uuid);

    /**
     * Quarantines a domain Paddock did not make: pauses it and cuts the link of each of its NICs, keeping its
     * memory and disks for whoever inspects it. Quarantining it again changes nothing. The default only pauses,
     * for hypervisors whose domains have no network links to cut (the simulated room); an implementation with
     * real NICs must cut them too.
     */
    default void quarantine(String hostId, String uuid) {
        suspend(hostId, uuid);
    }

    /**
     * Live-migrates a running domain and returns when it runs on the destination. Progress is reported
     * to {@code progress} as a fraction between 0 and 1.
     */
    MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress);

    /** The libvirt networks the host holds, started or not, in the host's order. */
    List<HostNetwork> networks(String hostId);

    /**
     * The host's bridge devices: what a network in bridge mode can be laid over. A hypervisor may list only the
     * bridges it can enumerate (libvirt's older calls miss a bridge no port has joined); {@link #bridge} finds one by
     * name whatever its state.
     */
    List<HostBridge> bridges(String hostId);

    /** The host's bridge device of that name; empty when the host has none, or that device is no bridge. */
    Optional<HostBridge> bridge(String hostId, String name);

    /**
     * Defines, starts and marks for autostart the network {@code spec} on the host, and returns it as the host then
     * holds it. Defining it again is a no-op; a network of that name that is something else (another bridge, another
     * forward mode) is refused ({@link HypervisorException.Reason#ALREADY_EXISTS}), and so is a bridge mode over a
     * bridge the host lacks ({@link HypervisorException.Reason#INVALID_ARGUMENT}).
     */
    HostNetwork defineNetwork(String hostId, NetworkSpec spec);

    /** Stops and removes the host's libvirt network {@code name}; a no-op when the host has none. */
    void undefineNetwork(String hostId, String name);

    /** Every storage pool the host defines, started or not, with libvirt's current sizes (refreshed first). */
    List<PoolFacts> pools(String hostId);

    /**
     * Makes sure the host has the pool, started and set to start with the host: defines it, builds what its type
     * needs (a directory, a mount point), starts it. Idempotent: a pool of that name with the same type and source,
     * or a pool under another name over the same source, is kept and started. A pool of that name over other
     * storage is an {@link HypervisorException.Reason#ALREADY_EXISTS}. Returns the pool as the host then reports it.
     */
    PoolFacts definePool(String hostId, PoolSpec spec);

    /** Stops the pool and removes its definition, leaving its storage as it is; a no-op when it is unknown. */
    void undefinePool(String hostId, String name);

    /** The volumes of a pool (refreshed first); a pool that is not started has none to list. */
    List<VolumeFacts> volumes(String hostId, String pool);

    /**
     * Creates a disk image in a started pool unless one of that name exists, and returns it either way.
     *
     * @param format "qcow2" or "raw"
     */
    VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib, String format);

    /**
     * Creates the volume {@code name} in a started pool as a copy of the pool's volume {@code from}, unless one of
     * that name exists, and returns it either way. A linked clone is a qcow2 layer whose backing file is
     * {@code from} (created at once, sized {@code capacityBytes} or {@code from}'s size, whichever is larger); a full
     * clone copies every byte in {@code from}'s format, reporting the share copied to {@code progress}.
     * {@code from} missing is {@link HypervisorException.Reason#NOT_FOUND}; a pool without room for a full copy is
     * {@link HypervisorException.Reason#INSUFFICIENT_RESOURCES}.
     */
    VolumeFacts cloneVolume(String hostId, String pool, String name, String from, boolean linked, long capacityBytes,
            Consumer<Double> progress);

    /**
     * Writes {@code length} bytes from {@code data} into a new volume {@code name} of a started pool (an image
     * upload), and returns the volume as the pool then reports it, its format probed from its contents. A volume of
     * that name already there is {@link HypervisorException.Reason#ALREADY_EXISTS}; fewer bytes than announced, or
     * a failed read, removes what was written and fails.
     */
    VolumeFacts uploadVolume(String hostId, String pool, String name, long length, InputStream data);

    /** Streams the whole of a pool's volume to {@code out} (to checksum or export it). */
    void downloadVolume(String hostId, String pool, String name, OutputStream out);

    /**
     * Copies the image file at {@code path} on the host (anywhere on it, not only in a pool) into a new volume
     * {@code name} of a started pool, and returns the new volume. A missing file is
     * {@link HypervisorException.Reason#NOT_FOUND}; a volume of that name already there is
     * {@link HypervisorException.Reason#ALREADY_EXISTS}.
     */
    VolumeFacts importVolume(String hostId, String pool, String name, String path);

    /**
     * Grows a volume of a started pool to {@code capacityBytes} (what its guest sees) and returns it as the pool then
     * reports it; a volume that large already is returned as it is. A smaller size is
     * {@link HypervisorException.Reason#INVALID_ARGUMENT} (volumes are never shrunk), a pool without room for the
     * growth {@link HypervisorException.Reason#INSUFFICIENT_RESOURCES}, an unknown volume
     * {@link HypervisorException.Reason#NOT_FOUND}.
     */
    VolumeFacts resizeVolume(String hostId, String pool, String name, long capacityBytes);

    /** Deletes a volume from a pool; a no-op when it does not exist. */
    void deleteVolume(String hostId, String pool, String name);

    /**
     * Cancels the live migration of the domain from {@code fromHostId}, if one runs: its {@link #migrate} call
     * fails, and the domain keeps running on the source. Nothing happens when no migration of it runs.
     */
    void abortMigration(String fromHostId, String uuid);

    /**
     * Registers a listener for domain and host events from every attached host. Listeners must return
     * quickly (enqueue, never block). Closing the returned handle unregisters it.
     */
    Subscription subscribe(Consumer<HypervisorEvent> listener);

    @Override
    void close();

    /** An event registration; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}

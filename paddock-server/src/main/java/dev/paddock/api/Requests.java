package dev.paddock.api;

import dev.paddock.model.Maxima;
import dev.paddock.model.Resources;
import dev.paddock.model.Watchdog;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bodies the API reads. Fields are boxed so that a missing field is told apart from a zero and
 * reported by name; {@link Requests#required} and friends turn absence and bounds into
 * {@link PaddockException}s that name the field.
 */
public final class Requests {

    /** Names become libvirt domain names and CLI arguments: keep them to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Requests() {}

    public record NewSite(String name, String description) {}

    public record NewCluster(String siteId, String name, Boolean haEnabled, Integer toleratedHostFailures) {}

    public record NewHost(String clusterId, String name, String uri) {}

    /**
     * A network. Without {@code hosts} it is only declared: every host of the site is taken to carry it. With
     * {@code hosts} (ids or names) it is made on each of them as a libvirt network: over the host bridge
     * {@code bridge}, over the Open vSwitch switch {@code switch} (its ports in VLAN {@code vlan} when given), or,
     * without either, isolated on a bridge libvirt makes.
     */
    public record NewNetwork(String siteId, String name, Integer vlan, Boolean isolated, List<String> hosts,
            String bridge, @JsonProperty("switch") String switchName) {}

    /**
     * A datastore: with {@code type}, storage pools to create on {@code hosts} (names or ids) over {@code source};
     * without, one declared by hand in {@code siteId} with its sizes and {@code hostIds}.
     */
    public record NewDatastore(
            String siteId,
            String name,
            Boolean shared,
            Long capacityGib,
            Long freeGib,
            List<String> hostIds,
            String type,
            NewPoolSource source,
            List<String> hosts) {}

    /**
     * Where a pool's storage is. {@code dir}: {@code path} is the directory. {@code netfs}, and {@code nfs} (no pool,
     * no mount: QEMU's own NFS client): {@code host} the NFS server, {@code path} the export; for netfs {@code target} the mount point (default under /var/lib/paddock/pools).
     * {@code iscsi}: {@code host} the portal, {@code iqn} the target, {@code target} the device directory.
     * {@code iscsi-direct}: {@code host}, {@code iqn}, and {@code initiator} (default one IQN per host).
     * {@code rbd}: {@code monitors} (or {@code host}) and {@code pool}.
     */
    public record NewPoolSource(
            String host, List<String> monitors, String path, String iqn, String initiator, String pool,
            String target) {}

    /** An empty image on an nfs datastore: a file name, its size, {@code format} qcow2 (default) or raw. */
    public record NewVolume(String name, Long sizeGib, String format) {}

    /**
     * A VM to create. {@code clusterId} may be left out when {@code hostId} is given or the room has one
     * cluster; {@code start} defaults to true; {@code watchdog} is left out for a VM without one, {@code nics} for one
     * without NICs. With a {@code template}, its image is cloned as the first disk ({@code clone}: linked, the default,
     * or full) and its hardware is the default for {@code vcpus}, {@code memoryMib}, {@code firmware} and
     * {@code boot}; {@code disks} add disks (or, without a template, are all of them); {@code cloudInit} adds a seed.
     * {@code cpuMillicores} sizes the VM's CPU in thousandths of a core instead of whole vCPUs (placement reserves
     * that much; the guest gets it rounded up to whole vCPUs). {@code maxVcpus} and {@code maxMemoryMib} let it grow
     * that far while it runs (hot-plug); left out, it changes CPU or memory only when stopped.
     */
    public record NewVm(
            String name,
            String clusterId,
            String hostId,
            Integer vcpus,
            Long memoryMib,
            Long diskGib,
            Long networkMbps,
            Integer haPriority,
            String tier,
            Boolean start,
            NewWatchdog watchdog,
            List<NewNic> nics,
            String template,
            List<NewDisk> disks,
            @JsonProperty("clone") String cloneMode,
            String firmware,
            List<String> boot,
            NewCloudInit cloudInit,
            Long cpuMillicores,
            Integer maxVcpus,
            Long maxMemoryMib,
            List<String> licences) {}

    /**
     * A disk of a new VM: a clone of {@code image} (an id or name; {@code clone} linked, the default, or full;
     * {@code sizeGib} at least the image's), an empty disk of {@code sizeGib} on {@code datastore}, or the existing
     * {@code volume} of {@code datastore} (an iSCSI LUN, an image file put there by hand) used as it is.
     */
    public record NewDisk(String image, @JsonProperty("clone") String cloneMode, String datastore, Long sizeGib,
            String volume) {}

    /**
     * The cloud-init seed of a new VM: its {@code hostname} (the VM's name when left out), {@code users} with SSH
     * keys, and its first NIC's {@code network} settings.
     */
    public record NewCloudInit(String hostname, List<NewUser> users, NewGuestNetwork network) {}

    public record NewUser(String name, List<String> sshKeys, Boolean sudo) {}

    /** A static {@code address} in CIDR form with an optional {@code gateway} and {@code dns}, or {@code dhcp}. */
    public record NewGuestNetwork(Boolean dhcp, String address, String gateway, List<String> dns) {}

    /**
     * A NIC of a new VM: on {@code network} (an id, or a name in the VM's site), with {@code mac} or, left out, one
     * Paddock makes; its traffic into and out of the VM limited to {@code inboundKbps} and {@code outboundKbps}
     * (kilobits per second) when given. {@code addresses} are the IPv4 addresses the guest has on it (the only ones
     * it may send from, on a switch that guards its ports); {@code trusted} lets it send with any MAC and address.
     */
    public record NewNic(String network, String mac, Long inboundKbps, Long outboundKbps, List<String> addresses,
            Boolean trusted) {

        /** Without traffic limits. */
        public NewNic(String network, String mac) {
            this(network, mac, null, null);
        }

        /** With traffic limits, untrusted, its addresses unknown. */
        public NewNic(String network, String mac, Long inboundKbps, Long outboundKbps) {
            this(network, mac, inboundKbps, outboundKbps, null, null);
        }
    }

    /**
     * A mirror of a VM's NIC: copies of its traffic ({@code direction} "in", "out" or "both", from the VM's side;
     * both when left out) sent out of {@code port} of the NIC's switch.
     */
    public record NewMirror(String port, String direction) {}

    /** A file on a host to copy into a datastore's image library; {@code host} may be left out. */
    public record ImportImage(String name, String host, String path) {}

    /**
     * A template: an image (id or name) and the hardware VMs made from it get; {@code diskGib} defaults to the
     * image's size, {@code firmware} to bios, {@code boot} to the first disk.
     */
    public record NewTemplate(String name, String image, Integer vcpus, Long memoryMib, Long diskGib, String firmware,
            List<String> boot) {}

    /**
     * A guest watchdog for a new VM: {@code model} defaults to i6300esb, {@code action} (what QEMU does when the
     * guest stops feeding it) to reset.
     */
    /** The body of a migration; without {@code hostId} (an id or a name) the placement engine chooses. */
    /**
     * @param hostId the target, by id or name; null for the placement engine's choice
     * @param bandwidthMibps a cap on the migration's bandwidth in MiB/s, null for none
     */
    public record MigrateVm(String hostId, Long bandwidthMibps) {
        public MigrateVm(String hostId) {
            this(hostId, null);
        }
    }

    /**
     * A change of a VM's settings; every field may be left out. {@code vcpus} or {@code cpuMillicores} size its CPU,
     * {@code addDisks} are made like a new VM's disks, {@code growDisks} name a disk and its new size,
     * {@code removeDisks} name disks to detach (their volumes are kept unless {@code deleteRemovedDisks}),
     * {@code addNics} join networks, {@code removeNics} name NICs by MAC; {@code maxVcpus} and {@code maxMemoryMib}
     * set how far it grows while it runs (0 for no hot-plug).
     */
    public record ChangeVm(
            String name,
            Integer vcpus,
            Long cpuMillicores,
            Long memoryMib,
            List<NewDisk> addDisks,
            List<GrowDisk> growDisks,
            List<String> removeDisks,
            Boolean deleteRemovedDisks,
            List<NewNic> addNics,
            List<String> removeNics,
            Integer maxVcpus,
            Long maxMemoryMib) {}

    /** A disk of a VM (by name) and the size it grows to. */
    public record GrowDisk(String name, Long sizeGib) {}

    public record NewWatchdog(String model, String action) {}

    /** How to stop a VM: graceful by default, waiting {@code timeoutSeconds} before powering off. */
    public record StopVm(Boolean force, Integer timeoutSeconds) {
        public static final StopVm GRACEFUL = new StopVm(false, null);
    }

    static <T> T required(T value, String field) {
        if (value == null || (value instanceof String text && text.isBlank())) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is required.");
        }
        return value;
    }

    static String name(String value, String field) {
        required(value, field);
        if (!NAME.matcher(value).matches()) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be 1 to 63 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit; got '" + value + "'.");
        }
        return value;
    }

    /** The watchdog a request asks for, with its defaults; empty when it asks for none. */
    static Optional<Watchdog> watchdog(NewWatchdog request) {
        if (request == null) {
            return Optional.empty();
        }
        Watchdog.Model model = request.model() == null ? Watchdog.Model.I6300ESB
                : Watchdog.Model.named(request.model().toLowerCase(Locale.ROOT)).orElseThrow(() ->
                        new PaddockException.InvalidValue("Field 'watchdog.model' must be one of "
                                + Watchdog.Model.names() + ", not '" + request.model() + "'."));
        Watchdog.Action action = request.action() == null ? Watchdog.Action.RESET
                : Watchdog.Action.named(request.action().toLowerCase(Locale.ROOT)).orElseThrow(() ->
                        new PaddockException.InvalidValue("Field 'watchdog.action' must be one of "
                                + Watchdog.Action.names() + ", not '" + request.action() + "'."));
        return Optional.of(new Watchdog(model, action));
    }

    /**
     * The hot-plug maxima a new VM asks for, each at least what it has ({@code vcpus}, {@code memoryMib}) and at most
     * what {@code largest} has ({@code where} names it).
     */
    static Maxima maxima(Integer maxVcpus, Long maxMemoryMib, long vcpus, long memoryMib, Resources largest,
            String where) {
        long cpus = largest.cores();
        return new Maxima(Optional.ofNullable(maxVcpus).map(most -> (int) between(most, vcpus, Math.max(vcpus, cpus),
                        "maxVcpus", " vCPUs (at least its vcpus; " + where + " " + cpus + ")")),
                Optional.ofNullable(maxMemoryMib).map(most -> between(most, memoryMib,
                        Math.max(memoryMib, largest.memoryMib()), "maxMemoryMib", " MiB (at least its memoryMib; "
                                + where + " " + largest.memoryMib() + " MiB)")));
    }

    static long between(long value, long min, long max, String field, String unit) {
        if (value < min || value > max) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be between " + min + " and " + max
                    + unit + "; got " + value + ".");
        }
        return value;
    }

    /**
     * A licence: its {@code name} (when created; a change names it in its path), {@code metric} "vm" or "host-core", {@code entitlement} how many (0 or absent for no limit),
     * {@code sites} where it may be used (absent for all), {@code relocationDays} how often a VM's licence may move to
     * another host (0 or absent for no rule).
     */
    public record NewLicence(String name, String metric, Long entitlement, List<String> sites, Long relocationDays) {}
}

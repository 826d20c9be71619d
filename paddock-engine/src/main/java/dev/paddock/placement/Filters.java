package dev.paddock.placement;

import dev.paddock.model.Cluster;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.storage.LocalDiskMoves;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The feasibility filters of first placement, each a small named type. */
public final class Filters {
    private Filters() {}

    /**
     * For a VM that boots where it is placed (a create, a start, an HA restart, admission control): it finds the
     * host's CPU as it boots, so CPUs are not compared. Cheap first: state and cluster are a field read, capacity a
     * loop over four numbers, groups a scan.
     */
    public static List<HostFilter> standard() {
        return List.of(new AcceptsVms(), new SameCluster(), new Capacity(), new Licences(), new NetworksReachable(),
                new DatastoresReachable(), new AntiAffinity());
    }

    /**
     * For a VM that keeps running as it moves to another host (a host's evacuation): the standard filters, and the
     * target must have the CPU of the VM's host ({@link CpuCompatible}).
     */
    public static List<HostFilter> liveMove() {
        return List.of(new AcceptsVms(), new SameCluster(), new Capacity(), new Licences(), new CpuCompatible(),
                new NetworksReachable(), new DatastoresReachable(), new AntiAffinity());
    }

    /**
     * As {@link #liveMove}, for a live migration that copies local disks: a disk of a host's local directory pool
     * may go to the target's local pool of the same name ({@link DatastoresReachable#copyingLocalDisks}).
     */
    public static List<HostFilter> liveMigration() {
        return List.of(new AcceptsVms(), new SameCluster(), new Capacity(), new Licences(), new CpuCompatible(),
                new NetworksReachable(), new DatastoresReachable(true), new AntiAffinity());
    }

    /**
     * For a VM restarted after its host failed: the standard filters, its licences free to move to another host
     * ({@link Licences#relocation}).
     */
    public static List<HostFilter> failover() {
        return List.of(new AcceptsVms(), new SameCluster(), new Capacity(), new Licences(false),
                new NetworksReachable(), new DatastoresReachable(), new AntiAffinity());
    }

    /** Hosts in maintenance, disconnected, fenced or powered off take no new VM. */
    public record AcceptsVms() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            Host h = host.host();
            return h.acceptsVms() ? Verdict.FITS
                    : Reject.because("accepts-vms", "host is " + h.state().name().toLowerCase()
                            + " and powered " + h.power().name().toLowerCase());
        }
    }

    /** A VM runs in its own cluster, whose hosts share its networks and datastores. */
    public record SameCluster() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            return host.host().clusterId().equals(vm.clusterId()) ? Verdict.FITS
                    : Reject.because("same-cluster", "host is in cluster " + host.host().clusterId()
                            + ", the VM in " + vm.clusterId());
        }
    }

    /** Every dimension of the VM's demand fits in what the host has free: no overcommit. */
    public record Capacity() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            if (vm.state() == VmState.STOPPED) {
                return Verdict.FITS;
            }
            Resources free = host.free();
            for (Resources.Kind kind : Resources.Kind.values()) {
                if (vm.demand().get(kind) > free.get(kind)) {
                    return new Reject("capacity", "not enough " + kind.label() + " (" + kind.unit() + ")",
                            vm.demand().get(kind), free.get(kind));
                }
            }
            return Verdict.FITS;
        }
    }

    /**
     * Every licence the VM carries lets it run on the host. A licence the room defines ({@link Licence}) is judged by
     * its rules: the host's site must be one it may be used in; its entitlement must cover the VM (one more VM, or
     * the host's cores when no VM carrying it runs there yet); and with {@code relocation}, a VM whose licence is bound
     * to another host may move only when the licence may be reassigned ({@link Licence#relocationDays}). A licence
     * the room does not define must be one the host carries.
     *
     * @param relocation false for a restart after its host failed: a hardware failure frees the licence to move
     */
    public record Licences(boolean relocation) implements HostFilter {
        public Licences() {
            this(true);
        }

        public Verdict test(Vm vm, HostView host, Room room) {
            for (String name : new TreeSet<>(vm.licences())) {
                Optional<Licence> defined = room.licensing().licence(name);
                if (defined.isEmpty()) {
                    if (!host.host().licences().contains(name)) {
                        return Reject.because("licences", "host lacks licence " + name);
                    }
                    continue;
                }
                Optional<String> refusal = refusal(vm, host.host(), room, defined.get());
                if (refusal.isPresent()) {
                    return Reject.because("licences", refusal.get());
                }
            }
            return Verdict.FITS;
        }

        private Optional<String> refusal(Vm vm, Host host, Room room, Licence licence) {
            String site = room.cluster(host.clusterId()).map(Cluster::siteId).orElse("");
            if (!licence.allowedIn(site)) {
                return Optional.of("licence " + licence.name() + " may be used only in site"
                        + (licence.siteIds().size() > 1 ? "s " : " ") + String.join(", ", licence.siteIds())
                        + ", and the host is in site " + site);
            }
            Map<String, Integer> use = new java.util.TreeMap<>(room.licenceUse(licence.name()));
            boolean running = vm.state() == VmState.RUNNING || vm.state() == VmState.PAUSED;
            if (running && vm.licences().contains(licence.name())) {
                vm.hostId().ifPresent(from -> use.computeIfPresent(from, (id, count) -> count > 1 ? count - 1 : null));
            }
            if (licence.entitlement() > 0 && licence.metric() == Licence.Metric.VM) {
                int vms = use.values().stream().mapToInt(Integer::intValue).sum();
                if (vms + 1 > licence.entitlement()) {
                    return Optional.of("licence " + licence.name() + " covers " + licence.entitlement() + " VMs and "
                            + vms + " run with it");
                }
            }
            if (licence.entitlement() > 0 && licence.metric() == Licence.Metric.HOST_CORE
                    && !use.containsKey(host.id())) {
                long cores = 0;
                for (String used : use.keySet()) {
                    cores += room.host(used).map(h -> h.capacity().cores()).orElse(0L);
                }
                if (cores + host.capacity().cores() > licence.entitlement()) {
                    return Optional.of("licence " + licence.name() + " covers " + licence.entitlement() + " host cores,"
                            + " " + cores + " are in use, and the host has " + host.capacity().cores() + " more");
                }
            }
            if (relocation && licence.relocationDays() > 0) {
                Optional<Licensing.Binding> binding = room.licensing().binding(vm.id(), licence.name());
                if (binding.isPresent() && !binding.get().hostId().equals(host.id())) {
                    java.time.Instant free = binding.get().since().plus(java.time.Duration.ofDays(
                            licence.relocationDays()));
                    if (room.licensing().asOf().isBefore(free)) {
                        String boundTo = room.host(binding.get().hostId()).map(Host::name)
                                .orElse(binding.get().hostId());
                        return Optional.of("licence " + licence.name() + " of the VM was bound to host " + boundTo
                                + " on " + binding.get().since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                + " and may be reassigned once in " + licence.relocationDays() + " days: not before "
                                + free.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A VM that keeps running as it moves keeps the CPU it booted on: the host must have the CPU of the host the VM
     * runs on ({@link CpuCompatibility}: same vendor and model, and every feature). A VM that is stopped, not placed,
     * or asked about its own host is not judged, nor a CPU whose model is not known.
     */
    public record CpuCompatible() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            if (vm.state() != VmState.RUNNING && vm.state() != VmState.PAUSED) {
                return Verdict.FITS;
            }
            Optional<Host> from = vm.hostId().filter(id -> !id.equals(host.id())).flatMap(room::host);
            if (from.isEmpty()) {
                return Verdict.FITS;
            }
            return CpuCompatibility.lack(from.get().cpu(), from.get().name(), host.host().cpu())
                    .<Verdict>map(reason -> Reject.because("cpu", reason)).orElse(Verdict.FITS);
        }
    }

    /**
     * Every network of the VM's NICs is carried by the host: by the host itself, started there, when the network's
     * carriers are known, by any host of its site when it was declared by hand.
     */
    public record NetworksReachable() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            Optional<String> site = room.cluster(host.host().clusterId()).map(Cluster::siteId);
            for (int i = 0; i < vm.nics().size(); i++) {
                Nic nic = vm.nics().get(i);
                Optional<Network> network = room.network(nic.networkId());
                if (network.isEmpty() || !network.map(Network::siteId).equals(site)) {
                    return Reject.because("networks", "network " + network.map(Network::name).orElse(nic.networkId())
                            + " of " + label(nic, i) + " is not reachable from the host's site");
                }
                if (network.get().hasCarriers() && !network.get().hostIds().contains(host.id())) {
                    return Reject.because("networks", "network " + network.get().name() + " of " + label(nic, i)
                            + " is not carried by the host");
                }
                if (network.get().hasCarriers() && network.get().carriers().get(host.id()).stopped()) {
                    return Reject.because("networks", "network " + network.get().name() + " of " + label(nic, i)
                            + " is stopped on the host");
                }
                Network.Layout drifted = room.networkDrift(network.get().id()).get(host.id());
                if (drifted != null) {
                    return Reject.because("networks", "network " + network.get().name() + " of " + label(nic, i)
                            + " is laid " + drifted.describe() + " on the host, where its other hosts lay it "
                            + network.get().agreedLayout().map(Network.Layout::describe).orElse("otherwise"));
                }
            }
            return Verdict.FITS;
        }

        /** "NIC 52:54:00:0a:0b:0c", or "NIC 2" for the second NIC while it has no MAC yet. */
        private static String label(Nic nic, int index) {
            return "NIC " + (nic.mac().isEmpty() ? String.valueOf(index + 1) : nic.mac());
        }
    }

    /**
     * Every datastore of the VM's disks is reachable from the host; with {@code copyingLocalDisks} (a live migration
     * that copies storage), a disk of its host's local directory pool also fits a host that has a local pool of the
     * same name to copy it to ({@link LocalDiskMoves}). A first placement, a start and an HA restart never copy.
     */
    public record DatastoresReachable(boolean copyingLocalDisks) implements HostFilter {
        public DatastoresReachable() {
            this(false);
        }

        public Verdict test(Vm vm, HostView host, Room room) {
            for (Disk disk : vm.disks()) {
                boolean reachable = room.datastore(disk.datastoreId())
                        .map(d -> d.hostIds().contains(host.id())).orElse(false);
                if (reachable) {
                    continue;
                }
                if (copyingLocalDisks) {
                    Optional<String> refusal = LocalDiskMoves.refusal(room, vm, disk, host.id());
                    if (refusal.isPresent()) {
                        return Reject.because("datastores", refusal.get());
                    }
                    continue;
                }
                String named = room.datastore(disk.datastoreId()).map(d -> d.name()).orElse(disk.datastoreId());
                return Reject.because("datastores", "datastore " + named + " of disk "
                        + disk.name() + " is not reachable from the host");
            }
            return Verdict.FITS;
        }
    }

    /** No VM on the host shares an anti-affinity group with the VM. */
    public record AntiAffinity() implements HostFilter {
        public Verdict test(Vm vm, HostView host, Room room) {
            if (vm.antiAffinityGroups().isEmpty()) {
                return Verdict.FITS;
            }
            for (Vm other : host.vms()) {
                if (other.id().equals(vm.id())) {
                    continue;
                }
                for (String group : other.antiAffinityGroups()) {
                    if (vm.antiAffinityGroups().contains(group)) {
                        return Reject.because("anti-affinity", "VM " + other.name() + " of anti-affinity group "
                                + group + " already runs there");
                    }
                }
            }
            return Verdict.FITS;
        }
    }
}

package dev.paddock.inventory;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides how the inventory must change so that it equals what one host reports. Pure: values in,
 * changes out.
 *
 * <p>The rules, in the order they apply:
 * <ol>
 *   <li>a reported domain whose UUID is a known VM: that VM is on this host in the reported state, except a
 *       domain that is not running while the inventory has the VM running or paused on another host: a stale copy
 *       (a fenced host back with the definition of a VM HA restarted elsewhere), which HA's clean-up removes; the VM
 *       stays where it runs;</li>
 *   <li>a reported domain whose UUID is unknown: a rogue VM, recorded as UNREGISTERED on this host;</li>
 *   <li>a VM the inventory places on this host that the host no longer reports: a managed VM becomes
 *       UNKNOWN (never deleted: only an operation deletes a managed VM); an unregistered one is forgotten.</li>
 * </ol>
 */
public final class InventoryReconciler {

    private InventoryReconciler() {}

    /**
     * @param host the host that reported
     * @param reported every domain the host reports
     * @param onHost the VMs the inventory places on this host
     * @param known looks up any VM of the inventory by id (a reported domain may have moved in from
     *     another host)
     * @param takenName true when a VM name is already used in the host's cluster
     */
    public static List<InventoryChange> reconcile(
            Host host,
            List<DomainInfo> reported,
            List<Vm> onHost,
            java.util.function.Function<String, Optional<Vm>> known,
            java.util.function.Predicate<String> takenName) {
        List<InventoryChange> changes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, Vm> byId = new HashMap<>();
        for (Vm vm : onHost) {
            byId.put(vm.id(), vm);
        }
        Set<String> namesGiven = new HashSet<>();
        for (DomainInfo domain : reported) {
            seen.add(domain.uuid());
            Optional<Vm> existing = Optional.ofNullable(byId.get(domain.uuid())).or(() -> known.apply(domain.uuid()));
            if (existing.isPresent()) {
                reportedKnown(host, domain, existing.get()).ifPresent(changes::add);
            } else {
                String name = freeName(domain, takenName, namesGiven);
                namesGiven.add(name);
                changes.add(new InventoryChange.Unregistered(unregistered(host, domain, name)));
            }
        }
        for (Vm vm : onHost) {
            if (!seen.contains(vm.id())) {
                missing(vm).ifPresent(changes::add);
            }
        }
        return changes;
    }

    /**
     * The known VMs {@code host} reports running or paused while the inventory has them elsewhere (or nowhere): the
     * moves of rule 1 alone, for a caller that must know where VMs run before anything else is reconciled.
     */
    public static List<InventoryChange> runningHere(Host host, List<DomainInfo> reported,
            java.util.function.Function<String, Optional<Vm>> known) {
        List<InventoryChange> moves = new ArrayList<>();
        for (DomainInfo domain : reported) {
            known.apply(domain.uuid())
                    .filter(vm -> active(domain.state()) && !vm.hostId().equals(Optional.of(host.id())))
                    .flatMap(vm -> reportedKnown(host, domain, vm))
                    .ifPresent(moves::add);
        }
        return moves;
    }

    private static Optional<InventoryChange> reportedKnown(Host host, DomainInfo domain, Vm vm) {
        boolean moved = !vm.hostId().equals(Optional.of(host.id()));
        if (!moved && vm.state() == domain.state()) {
            return Optional.empty();
        }
        if (moved && vm.hostId().isPresent() && active(vm.state()) && !active(domain.state())) {
            return Optional.empty();
        }
        String reason = moved
                ? "reported on " + host.name() + " (was " + vm.hostId().orElse("unplaced") + ")"
                : "state " + vm.state() + " -> " + domain.state();
        return Optional.of(new InventoryChange.Update(vm.withHost(host.id()).withState(domain.state()), reason));
    }

    private static boolean active(VmState state) {
        return state == VmState.RUNNING || state == VmState.PAUSED;
    }

    private static Optional<InventoryChange> missing(Vm vm) {
        if (vm.origin() != VmOrigin.MANAGED) {
            return Optional.of(new InventoryChange.Forget(vm));
        }
        if (vm.state() == VmState.UNKNOWN) {
            return Optional.empty();
        }
        return Optional.of(new InventoryChange.Update(vm.withState(VmState.UNKNOWN), "no longer reported by its host"));
    }

    private static String freeName(DomainInfo domain, java.util.function.Predicate<String> takenName, Set<String> given) {
        String name = domain.name();
        if (!takenName.test(name) && !given.contains(name)) {
            return name;
        }
        return name + "-" + domain.uuid().substring(0, Math.min(8, domain.uuid().length()));
    }

    private static Vm unregistered(Host host, DomainInfo domain, String name) {
        Resources demand = Resources.of(domain.vcpus() * 1000L, domain.memoryMib(), 0, 0);
        return new Vm(domain.uuid(), name, host.clusterId(), Optional.of(host.id()), demand, domain.state(),
                VmOrigin.UNREGISTERED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }
}

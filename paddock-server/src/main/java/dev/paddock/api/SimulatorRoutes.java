package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Faults in the simulated room, so that a user of the demo can watch Paddock react: crash a host (HA fences it and
 * restarts its protected VMs elsewhere), cut it from the management network (HA must tell it from a dead one), power
 * it on or reconnect it again, crash one guest. Only hosts attached at {@code sim://} take faults.
 */
final class SimulatorRoutes {

    /** What a user can do to a simulated host. */
    enum HostFault {
        CRASH("crash"),
        POWER_ON("power-on"),
        ISOLATE("isolate"),
        RECONNECT("reconnect");

        final String word;

        HostFault(String word) {
            this.word = word;
        }

        static HostFault of(String word) {
            for (HostFault fault : values()) {
                if (fault.word.equals(word)) {
                    return fault;
                }
            }
            throw new PaddockException.InvalidValue("Field 'fault' must be one of crash, power-on, isolate or"
                    + " reconnect; got '" + word + "'.");
        }
    }

    record HostFaultRequest(String fault) {}

    private final InventoryStore store;
    private final Optional<SimulatedHypervisor> simulator;
    private final AuditTrail audit;

    SimulatorRoutes(InventoryStore store, Optional<SimulatedHypervisor> simulator, AuditTrail audit) {
        this.store = store;
        this.simulator = simulator;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        routes.expensive().post(RestApi.BASE + "/sim/hosts/{id}/faults", Permission.SIMULATOR_FAULT, this::hostFault);
        routes.expensive().post(RestApi.BASE + "/sim/vms/{id}/crash", Permission.SIMULATOR_FAULT, this::vmCrash);
    }

    private void hostFault(Context ctx) {
        Host host = store.host(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("host", ctx));
        HostFaultRequest request = RequestBody.read(ctx, HostFaultRequest.class);
        HostFault fault = HostFault.of(Requests.required(request.fault(), "fault").toLowerCase(Locale.ROOT));
        SimulatedHypervisor sim = simulator();
        String hostname = hostname(host);
        SimHostStatus before = status(sim, hostname);
        switch (fault) {
            case CRASH -> {
                requireThat(before.poweredOn(), "Host " + host.name() + " is powered off already.");
                sim.inject(new Fault.HostCrash(hostname));
            }
            case POWER_ON -> {
                requireThat(!before.poweredOn(), "Host " + host.name() + " is powered on already.");
                sim.inject(new Fault.HostPowerOn(hostname));
            }
            case ISOLATE -> {
                requireThat(before.poweredOn() && !before.isolated(), "Host " + host.name() + " is "
                        + (before.poweredOn() ? "isolated already." : "powered off."));
                sim.inject(new Fault.HostIsolation(hostname));
            }
            case RECONNECT -> {
                requireThat(before.isolated(), "Host " + host.name() + " is not isolated.");
                sim.heal(new Fault.HostIsolation(hostname));
            }
        }
        audit.record(ctx, new AuditNote("sim.fault", host.id(), "simulated host " + host.name() + ": " + fault.word));
        ctx.json(shown(host, status(sim, hostname)));
    }

    private void vmCrash(Context ctx) {
        Vm vm = store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
        SimulatedHypervisor sim = simulator();
        Host host = vm.hostId().flatMap(store::host).orElseThrow(() -> new PaddockException.Conflict("VM '"
                + vm.name() + "' is not placed on any host."));
        String hostname = hostname(host);
        requireThat(status(sim, hostname).poweredOn(), "Host " + host.name() + " is powered off.");
        boolean running = sim.domainsOn(hostname).stream()
                .anyMatch(d -> d.uuid().equals(vm.id()) && d.state() == dev.paddock.model.VmState.RUNNING);
        requireThat(running, "VM '" + vm.name() + "' is not running on " + host.name() + ".");
        sim.inject(new Fault.DomainCrash(hostname, vm.id()));
        audit.record(ctx, new AuditNote("sim.fault", vm.id(), "simulated guest " + vm.name() + " on " + host.name()
                + ": crash"));
        ctx.json(Map.of("vmId", vm.id(), "hostId", host.id(), "fault", "crash"));
    }

    private SimulatedHypervisor simulator() {
        return simulator.orElseThrow(() -> new PaddockException.Conflict("This server runs no simulated room."));
    }

    private static String hostname(Host host) {
        if (!host.uri().startsWith(SimulatedHypervisor.SCHEME)) {
            throw new PaddockException.Conflict("Host " + host.name() + " is not simulated (" + host.uri()
                    + "); faults go to sim:// hosts only.");
        }
        return host.uri().substring(SimulatedHypervisor.SCHEME.length());
    }

    private static SimHostStatus status(SimulatedHypervisor sim, String hostname) {
        return sim.hosts().stream().filter(h -> h.hostname().equals(hostname)).findFirst()
                .orElseThrow(() -> new PaddockException.Conflict("The simulated room has no host '" + hostname
                        + "'."));
    }

    private static void requireThat(boolean condition, String otherwise) {
        if (!condition) {
            throw new PaddockException.Conflict(otherwise);
        }
    }

    private static Map<String, Object> shown(Host host, SimHostStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hostId", host.id());
        body.put("hostName", host.name());
        body.put("poweredOn", status.poweredOn());
        body.put("isolated", status.isolated());
        body.put("domains", status.domains());
        return body;
    }
}

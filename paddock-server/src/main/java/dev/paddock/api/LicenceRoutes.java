package dev.paddock.api;

import dev.paddock.audit.AuditChange;
import dev.paddock.model.Host;
import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Room;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Licences: what each entitles, where it may be used, how often a VM's licence may be reassigned to another host;
 * listed with their use against entitlement and where each VM's licence is bound. Every placement honours them.
 */
final class LicenceRoutes {

    private final InventoryStore store;
    private final AuditTrail audit;

    LicenceRoutes(InventoryStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE + "/licences";
        routes.get(base, Permission.HOST_READ, ctx -> {
            Room room = store.room();
            ctx.json(Map.of("items", room.licensing().licences().values().stream().map(l -> view(l, room)).toList()));
        });
        routes.get(base + "/{name}", Permission.HOST_READ, ctx -> {
            Room room = store.room();
            ctx.json(view(licence(ctx, room), room));
        });
        routes.post(base, Permission.HOST_MANAGE, ctx -> put(ctx, true));
        routes.put(base + "/{name}", Permission.HOST_MANAGE, ctx -> put(ctx, false));
        routes.delete(base + "/{name}", Permission.HOST_MANAGE, ctx -> {
            Room room = store.room();
            Licence licence = licence(ctx, room);
            store.deleteLicence(licence.name());
            audit.record(ctx, new AuditNote("licence.delete", licence.name(), "delete licence " + licence.name(),
                    AuditChange.removed(licence)));
            ctx.status(204);
        });
    }

    /** Creates a licence ({@code create}: 201, 409 when its name is taken) or replaces one's rules (200, 404). */
    private void put(Context ctx, boolean create) {
        Requests.NewLicence request = RequestBody.read(ctx, Requests.NewLicence.class);
        String name = create ? Requests.required(request.name(), "name") : ctx.pathParam("name");
        Licence existing = store.room().licensing().licences().get(name);
        if (create && existing != null) {
            throw new PaddockException.Conflict("A licence named '" + name + "' exists already: change it with PUT"
                    + " /licences/" + name + ".");
        }
        if (!create && existing == null) {
            throw new PaddockException.NotFound("No licence is named '" + name + "'.");
        }
        Licence.Metric metric = switch (Requests.required(request.metric(), "metric")) {
            case "vm" -> Licence.Metric.VM;
            case "host-core" -> Licence.Metric.HOST_CORE;
            default -> throw new PaddockException.InvalidValue("Field 'metric' is 'vm' (each VM that carries it) or"
                    + " 'host-core' (every core of each host running one), not '" + request.metric() + "'.");
        };
        int entitlement = (int) Requests.between(request.entitlement() == null ? 0 : request.entitlement(), 0,
                1_000_000, "entitlement", "");
        int relocationDays = (int) Requests.between(request.relocationDays() == null ? 0 : request.relocationDays(),
                0, 3650, "relocationDays", " days");
        List<String> sites = request.sites() == null ? List.of() : request.sites();
        for (int i = 0; i < sites.size(); i++) {
            if (store.site(sites.get(i)).isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'sites[" + i + "]' names no site: '" + sites.get(i)
                        + "'.");
            }
        }
        Licence licence;
        try {
            licence = new Licence(name, metric, entitlement, Set.copyOf(sites), relocationDays);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(e.getMessage());
        }
        Room room = store.room();
        Licence before = room.licensing().licences().get(name);
        store.put(licence);
        audit.record(ctx, new AuditNote(before == null ? "licence.create" : "licence.change", name,
                (before == null ? "create licence " : "change licence ") + name, before == null
                        ? AuditChange.created(licence) : AuditChange.of(before, licence)));
        ctx.status(before == null ? 201 : 200).json(view(licence, store.room()));
    }

    private static Licence licence(Context ctx, Room room) {
        String name = ctx.pathParam("name");
        Licence licence = room.licensing().licences().get(name);
        if (licence == null) {
            throw new PaddockException.NotFound("No licence is named '" + name + "'.");
        }
        return licence;
    }

    /** A licence with its use: VMs running with it, the cores of the hosts they run on, and its bindings. */
    static Map<String, Object> view(Licence licence, Room room) {
        Map<String, Integer> use = room.licenceUse(licence.name());
        long cores = 0;
        for (String hostId : use.keySet()) {
            cores += room.host(hostId).map(host -> host.capacity().cores()).orElse(0L);
        }
        int vms = use.values().stream().mapToInt(Integer::intValue).sum();
        List<Map<String, Object>> bindings = new ArrayList<>();
        room.licensing().bindings().forEach((vmId, byLicence) -> {
            Licensing.Binding binding = byLicence.get(licence.name());
            if (binding != null) {
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("vmId", vmId);
                shown.put("vm", room.vm(vmId).map(dev.paddock.model.Vm::name).orElse(vmId));
                shown.put("hostId", binding.hostId());
                shown.put("host", room.host(binding.hostId()).map(Host::name).orElse(binding.hostId()));
                shown.put("since", binding.since().toString());
                if (licence.relocationDays() > 0) {
                    shown.put("movableFrom", binding.since().plus(java.time.Duration.ofDays(licence.relocationDays()))
                            .toString());
                }
                bindings.add(shown);
            }
        });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", licence.name());
        view.put("metric", licence.metric() == Licence.Metric.VM ? "vm" : "host-core");
        view.put("entitlement", licence.entitlement());
        view.put("sites", licence.siteIds());
        view.put("relocationDays", licence.relocationDays());
        view.put("inUse", licence.metric() == Licence.Metric.VM ? vms : cores);
        view.put("vmsRunning", vms);
        view.put("hostsUsed", use.keySet());
        view.put("bindings", bindings);
        return view;
    }
}

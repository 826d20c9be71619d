package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.placement.consolidation.ConsolidationPlanner;
import dev.paddock.placement.consolidation.ConsolidationReport;
import dev.paddock.placement.consolidation.HostModel;
import dev.paddock.placement.consolidation.MigrationOperation;
import dev.paddock.placement.consolidation.PhysicalServer;
import dev.paddock.placement.consolidation.ServerInventory;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Consolidation over HTTP: a list of physical servers in, the plan out (hosts needed with the N+1 spare, where each
 * application's VM goes, power, cost and licences before and after), as JSON or as the HTML report; and, on
 * request, the migration list submitted as an Operation onto an existing cluster's hosts.
 */
final class ConsolidationRoutes {

    private static final int MAX_SECONDS = 120;
    private static final long MAX_TRIES = 2_000_000;

    /**
     * A consolidation request.
     *
     * @param inventory the servers, as the CSV the command line reads (header line first)
     * @param hostModel a preset (small, medium, large) or {@code cpu=...,memory=...,disk=...,network=...,watts=...,
     *     cost=...}
     * @param execute with {@code clusterId}: submit the migration onto that cluster's hosts
     */
    record PlanRequest(String inventory, String hostModel, Integer headroomPercent, Integer seconds, Long seed,
            String clusterId, Boolean execute) {}

    private final InventoryStore store;
    private final Operations operations;
    private final AuditTrail audit;

    ConsolidationRoutes(InventoryStore store, Operations operations, AuditTrail audit) {
        this.store = store;
        this.operations = operations;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        routes.expensive().post(RestApi.BASE + "/consolidation/plans", Permission.CONSOLIDATION_PLAN, this::plan);
    }

    private void plan(Context ctx) {
        PlanRequest request = RequestBody.read(ctx, PlanRequest.class);
        String text = Requests.required(request.inventory(), "inventory");
        HostModel model;
        try {
            model = HostModel.parse(Requests.required(request.hostModel(), "hostModel"));
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'hostModel': " + e.getMessage()
                    .replaceFirst("^host model: ", "") + ".");
        }
        int headroom = (int) Requests.between(request.headroomPercent() == null ? 20 : request.headroomPercent(),
                0, 1000, "headroomPercent", " percent");
        int seconds = (int) Requests.between(request.seconds() == null ? 10 : request.seconds(), 1, MAX_SECONDS,
                "seconds", " seconds");
        long seed = request.seed() == null ? 1 : request.seed();
        boolean execute = Boolean.TRUE.equals(request.execute());
        if (execute && request.clusterId() == null) {
            throw new PaddockException.InvalidValue("Field 'execute' needs 'clusterId': the cluster whose hosts"
                    + " receive the VMs.");
        }
        List<Host> hosts = request.clusterId() == null ? List.of() : hostsOf(request.clusterId());
        List<PhysicalServer> servers;
        ConsolidationPlanner.Plan plan;
        try {
            servers = ServerInventory.parse(text);
            plan = ConsolidationPlanner.plan(servers, model, headroom, Duration.ofSeconds(seconds), System::nanoTime,
                    seed, MAX_TRIES);
        } catch (ServerInventory.InvalidInventoryException e) {
            throw new PaddockException.InvalidValue("Field 'inventory': " + e.getMessage() + ".");
        }
        if (!execute) {
            if (ctx.header("Accept") != null && ctx.header("Accept").contains("text/html")) {
                ctx.contentType("text/html; charset=utf-8").result(ConsolidationReport.html(plan,
                        plan.migrations().size() * 2));
                return;
            }
            ctx.json(ConsolidationResource.of(plan, null));
            return;
        }
        OperationPlan migration = onto(plan, request.clusterId(), hosts, Guard.caller(ctx).name());
        OperationView view = operations.submit(migration);
        audit.record(ctx, new AuditNote(migration.kind(), migration.target(), "consolidate " + servers.size()
                + " servers into " + plan.migrations().size() + " VMs on cluster " + request.clusterId()
                + " (operation " + view.id() + ")"));
        ctx.status(HttpStatus.ACCEPTED).header("Location", OperationResource.location(view.id()))
                .json(ConsolidationResource.of(plan, OperationResource.of(view)));
    }

    private List<Host> hostsOf(String clusterId) {
        Room room = store.room();
        if (room.cluster(clusterId).isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'clusterId' names no cluster: '" + clusterId + "'.");
        }
        return room.hosts().stream()
                .filter(h -> h.clusterId().equals(clusterId))
                .sorted(Comparator.comparing(Host::name))
                .toList();
    }

    /** The migration onto the cluster's hosts in name order, refused when they are too few or too small. */
    private static OperationPlan onto(ConsolidationPlanner.Plan plan, String clusterId, List<Host> hosts,
            String owner) {
        List<Resources> loads = plan.hostLoads();
        if (hosts.size() < loads.size()) {
            throw new PaddockException.Conflict("The plan needs " + loads.size() + " hosts of model "
                    + plan.hostModel().name() + "; cluster " + clusterId + " has " + hosts.size() + ".");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < loads.size(); i++) {
            Host host = hosts.get(i);
            if (!loads.get(i).fitsIn(host.capacity())) {
                throw new PaddockException.Conflict("Host " + host.name() + " (" + host.capacity() + ") cannot take"
                        + " the " + loads.get(i) + " the plan puts on its host " + (i + 1) + "; plan with a host"
                        + " model no larger than the cluster's hosts.");
            }
            ids.add(host.id());
        }
        return MigrationOperation.onHosts(plan, clusterId, ids, owner);
    }
}

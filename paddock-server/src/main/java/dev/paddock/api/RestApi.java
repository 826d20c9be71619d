package dev.paddock.api;

import dev.paddock.audit.Oversight;
import dev.paddock.ha.control.HaController;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.json.Json;
import dev.paddock.operation.Operations;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.store.InventoryStore;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import java.time.Clock;

/**
 * The REST API under {@value #BASE}: inventory, VMs as Operations, operations, the OpenAPI document, and
 * problem+json for every error. It only reads the store and submits plans; it never acts on a host
 * itself except to attach a new one.
 */
public final class RestApi {

    public static final String BASE = "/api/v1";

    private final InventoryRoutes inventory;
    private final VmRoutes vms;
    private final DatastoreRoutes datastores;
    private final OperationRoutes operations;
    private final NetworkRoutes networks;
    private final OversightRoutes oversight;
    private final ConsolidationRoutes consolidation;
    private final ImageRoutes images;
    private final ConsoleRoutes consoles;
    private final InventoryStore store;
    private final Oversight oversightParts;
    private final Clock clock;

    public RestApi(InventoryStore store, Operations operations, Hypervisor hypervisor, PlacementLedger ledger,
            Oversight oversight, Clock clock) {
        this.oversight = new OversightRoutes(oversight, clock);
        this.store = store;
        this.oversightParts = oversight;
        this.clock = clock;
        this.inventory = new InventoryRoutes(store, hypervisor, this.oversight::record);
        this.vms = new VmRoutes(store, operations, hypervisor, ledger, this.oversight::record);
        this.networks = new NetworkRoutes(store, operations, hypervisor, this.oversight::record);
        this.operations = new OperationRoutes(operations);
        this.datastores = new DatastoreRoutes(store, operations, hypervisor, inventory, this.oversight::record);
        this.consolidation = new ConsolidationRoutes(store, operations, this.oversight::record);
        this.images = new ImageRoutes(store, hypervisor, this.oversight::record);
        this.consoles = new ConsoleRoutes(store, hypervisor, this.oversight::record);
    }

    /** Registers the JSON mapping, the routes and the error mapping on a Javalin being configured. */
    public void install(JavalinConfig config) {
        config.jsonMapper(new JavalinJackson(Json.mapper(), false));
        config.http.prefer405over404 = true;
        config.startup.showJavalinBanner = false;
        inventory.register(config.routes);
        vms.register(config.routes);
        networks.register(config.routes);
        datastores.register(config.routes);
        images.register(config.routes);
        consoles.register(config.routes);
        operations.register(config.routes);
        oversight.register(config.routes);
        consolidation.register(config.routes);
        String document = OpenApiDocument.json();
        config.routes.get(BASE + "/openapi.json", ctx -> ctx.contentType("application/json").result(document));
        ProblemResponses.register(config.routes);
    }

    /**
     * Registers the simulated room's fault routes: with a simulator they act on its {@code sim://} hosts, without
     * one they answer that there is none.
     */
    public void installSimulator(JavalinConfig config, java.util.Optional<dev.paddock.sim.SimulatedHypervisor> sim) {
        new SimulatorRoutes(store, sim, oversight::record).register(config.routes);
    }

    /** Registers the HA routes (cluster and VM HA, maintenance, fence devices, HA status and events). */
    public void installHa(JavalinConfig config, HaController ha) {
        new HaRoutes(store, ha, oversightParts, clock).register(config.routes);
    }
}

package dev.paddock.api;

import dev.paddock.audit.Oversight;
import dev.paddock.ha.control.HaController;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.json.Json;
import dev.paddock.operation.Operations;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.security.Accounts;
import dev.paddock.security.LibvirtCredentials;
import dev.paddock.security.LoginThrottle;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import java.time.Clock;

/**
 * The REST API under {@value #BASE}: inventory, VMs as Operations, operations, the OpenAPI document, and
 * problem+json for every error. It only reads the store and submits plans; it never acts on a host
 * itself except to attach a new one. Every route is registered through {@link SecuredRoutes} with the permission it
 * needs, and one before-handler, {@link Guard}, authenticates the caller and checks it; accounts, tokens, roles and
 * sessions are {@link AccountRoutes}' and {@link SessionRoutes}'.
 */
public final class RestApi {

    public static final String BASE = "/api/v1";

    private final InventoryRoutes inventory;
    private final VmRoutes vms;
    private final PlacementLedger ledger;
    private final DatastoreRoutes datastores;
    private final OperationRoutes operations;
    private final CredentialRoutes credentials;
    private final NetworkRoutes networks;
    private final OversightRoutes oversight;
    private final ConsolidationRoutes consolidation;
    private final ImageRoutes images;
    private final ConsoleRoutes consoles;
    private final InventoryStore store;
    private final Oversight oversightParts;
    private final Clock clock;
    private final AuditTrail audit;
    private final Guard guard;
    private final AccountRoutes accounts;
    private final SessionRoutes sessions;
    private final boolean openMetrics;
    private final RequestLimits limits;

    /**
     * @param openMetrics whether {@code /metrics} answers without credentials (for a Prometheus that scrapes
     *     without a token); otherwise it needs {@code host.read}
     * @param limits how large a request body and how often work started by one caller
     * @param authenticate false only for the API benchmark's server on loopback, which serves every request as the
     *     first administrator (see {@link dev.paddock.server.ServerConfig#withoutAuthenticationOnLoopback})
     */
    public RestApi(InventoryStore store, Operations operations, Hypervisor hypervisor, PlacementLedger ledger,
            Oversight oversight, Accounts accounts, LibvirtCredentials credentials, boolean openMetrics,
            RequestLimits limits, boolean authenticate, Clock clock) {
        this.audit = new AuditTrail(oversight.audit(), clock);
        this.oversight = new OversightRoutes(oversight, audit, clock);
        this.store = store;
        this.oversightParts = oversight;
        this.clock = clock;
        this.openMetrics = openMetrics;
        this.limits = limits;
        this.guard = new Guard(accounts, new Targets(store, operations),
                new LoginThrottle(LoginThrottle.Limits.DEFAULT, clock), new RouteLimits(limits, clock), authenticate);
        this.accounts = new AccountRoutes(accounts, store, guard, audit);
        this.sessions = new SessionRoutes(accounts, guard, audit);
        this.inventory = new InventoryRoutes(store, hypervisor, audit);
        this.vms = new VmRoutes(store, operations, hypervisor, ledger, audit);
        this.ledger = ledger;
        this.networks = new NetworkRoutes(store, operations, hypervisor, audit);
        this.operations = new OperationRoutes(operations);
        this.datastores = new DatastoreRoutes(store, operations, hypervisor, inventory, audit);
        this.consolidation = new ConsolidationRoutes(store, operations, audit);
        this.images = new ImageRoutes(store, hypervisor, audit);
        this.consoles = new ConsoleRoutes(store, hypervisor, audit);
        this.credentials = new CredentialRoutes(credentials, store, audit, clock);
    }

    /** Registers the JSON mapping, the routes and the error mapping on a Javalin being configured. */
    public void install(JavalinConfig config) {
        config.jsonMapper(new JavalinJackson(Json.mapper(), false));
        config.http.prefer405over404 = true;
        // bodies sent without a Content-Length are cut off here as they are read; the rest the guard refuses first
        config.http.maxRequestSize = limits.maxRequestBytes();
        config.startup.showJavalinBanner = false;
        config.routes.beforeMatched(guard);
        SecuredRoutes routes = new SecuredRoutes(config.routes, guard);
        inventory.register(routes);
        vms.register(routes);
        networks.register(routes);
        datastores.register(routes);
        images.register(routes);
        consoles.register(routes);
        credentials.register(routes);
        operations.register(routes);
        oversight.register(routes);
        consolidation.register(routes);
        new LicenceRoutes(store, audit).register(routes);
        accounts.register(routes);
        sessions.register(routes, config.routes);
        String document = OpenApiDocument.json();
        SecuredRoutes.open(config.routes, BASE + "/openapi.json",
                ctx -> ctx.contentType("application/json").result(document));
        WebUi ui = new WebUi();
        ui.register(config.routes);
        ProblemResponses.register(config.routes, ui);
        JettyProblems.install(config);
    }

    /** Serves {@code handler} at {@code path}: open, or behind {@code host.read}, as this API was built. */
    public void installMetrics(JavalinConfig config, String path, Handler handler) {
        if (openMetrics) {
            SecuredRoutes.open(config.routes, path, handler);
        } else {
            new SecuredRoutes(config.routes, guard).get(path, Permission.HOST_READ, handler);
        }
    }

    /** Serves {@code handler} at {@code path} to anyone (the health check). */
    public static void installOpen(JavalinConfig config, String path, Handler handler) {
        SecuredRoutes.open(config.routes, path, handler);
    }

    /**
     * Registers the simulated room's fault routes: with a simulator they act on its {@code sim://} hosts, without
     * one they answer that there is none.
     */
    public void installSimulator(JavalinConfig config, java.util.Optional<dev.paddock.sim.SimulatedHypervisor> sim) {
        new SimulatorRoutes(store, sim, audit).register(new SecuredRoutes(config.routes, guard));
    }

    /** Registers the backup routes: repositories, restore points, backing VMs up; without backups they say so. */
    public void installBackups(JavalinConfig config, java.util.Optional<dev.paddock.backup.Backups> backups,
            Operations operations) {
        new BackupRoutes(backups, store, operations, ledger, audit, clock).register(new SecuredRoutes(config.routes, guard));
    }

    /** Registers the replication routes (to another site's Paddock). */
    public void installReplications(JavalinConfig config,
            java.util.Optional<dev.paddock.replication.ReplicationController> replication,
            java.util.Optional<dev.paddock.backup.Backups> backups) {
        new ReplicationRoutes(replication, backups, store, audit, clock).register(new SecuredRoutes(config.routes,
                guard));
    }

    /** Registers the backup schedule routes; without a scheduler they say the server keeps none. */
    public void installBackupSchedules(JavalinConfig config,
            java.util.Optional<dev.paddock.backup.BackupScheduler> scheduler) {
        new BackupScheduleRoutes(scheduler, store, audit, clock).register(new SecuredRoutes(config.routes, guard));
    }

    /**
     * Registers the monitoring routes (usage, thresholds) and the notification channels' routes; without monitoring
     * they say the server does none.
     */
    public void installMonitoring(JavalinConfig config, java.util.Optional<dev.paddock.monitoring.Monitoring> monitoring,
            java.util.Optional<dev.paddock.notification.Notifications> notifications) {
        SecuredRoutes routes = new SecuredRoutes(config.routes, guard);
        new MonitoringRoutes(monitoring, store, audit, clock).register(routes);
        new ChannelRoutes(notifications, audit, clock).register(routes);
    }

    /**
     * Registers the balancing and power-saving routes (policy, plan, apply) of every cluster; without HA (no fence
     * devices) power saving answers that it cannot run.
     */
    public void installBalancing(JavalinConfig config, dev.paddock.drs.Balancing balancing,
            java.util.Optional<dev.paddock.drs.PowerSaving> power) {
        SecuredRoutes routes = new SecuredRoutes(config.routes, guard);
        new BalancingRoutes(store, balancing, audit).register(routes);
        new PowerRoutes(store, power, audit).register(routes);
    }

    /** Registers the HA routes (cluster and VM HA, maintenance, fence devices, HA status and events). */
    public void installHa(JavalinConfig config, HaController ha) {
        new HaRoutes(store, ha, oversightParts, audit, clock).register(new SecuredRoutes(config.routes, guard));
    }
}

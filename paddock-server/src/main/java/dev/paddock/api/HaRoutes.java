package dev.paddock.api;

import dev.paddock.audit.AuditChange;
import dev.paddock.audit.Oversight;
import dev.paddock.ha.AdmissionControl;
import dev.paddock.ha.AdmissionVerdict;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.control.HaController;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import dev.paddock.operation.OperationView;
import dev.paddock.placement.Evacuation;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;
import java.util.TreeMap;

/**
 * High availability: each cluster's HA settings, each VM's protection, host maintenance, fence devices (whose
 * secret options are never returned), HA's view of the hosts and its decisions (the audit log's {@code ha.*}), also
 * followed live ({@link HaStream}).
 */
final class HaRoutes {

    static final int MAX_TOLERATED_FAILURES = 8;
    static final long MIN_WINDOW_SECONDS = 1;
    static final long MAX_WINDOW_SECONDS = 3600;
    /** How a secret option shows: set, and nothing more. */
    static final String MASK = AuditChange.REDACTED;

    /** A cluster's HA as the API shows it, with whether the cluster keeps its promise now. */
    record ClusterHa(String clusterId, boolean enabled, boolean paused, int toleratedHostFailures,
            long detectionWindowSeconds, boolean admitted, String admission) {}

    record ClusterHaChange(Boolean enabled, Boolean paused, Integer toleratedHostFailures,
            Long detectionWindowSeconds) {}

    record VmHa(String vmId, int priority, boolean enabled) {}

    record VmHaChange(Integer priority, Boolean enabled) {}

    /**
     * Enter or exit maintenance; {@code powerOffUnmovable} (enter only) shuts down the VMs that fit on no other host
     * instead of refusing.
     */
    record Maintenance(String action, Boolean powerOffUnmovable) {}

    /** @param operation the evacuation's operation (its href), when the host had running VMs to move */
    record MaintenanceState(String hostId, boolean maintenance, boolean changed, Optional<String> operation) {}

    record FenceDeviceBody(String agent, Map<String, String> options) {}

    private final InventoryStore store;
    private final HaController ha;
    private final HaSettings settings;
    private final Oversight oversight;
    private final Clock clock;

    private final AuditTrail audit;

    HaRoutes(InventoryStore store, HaController ha, Oversight oversight, AuditTrail audit, Clock clock) {
        this.audit = audit;
        this.store = store;
        this.ha = ha;
        this.settings = ha.settings();
        this.oversight = oversight;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.get(base + "/clusters/{id}/ha", Permission.HA_READ, ctx -> ctx.json(clusterHa(cluster(ctx))));
        routes.put(base + "/clusters/{id}/ha", Permission.HA_MANAGE, this::changeCluster);
        routes.put(base + "/vms/{id}/ha", Permission.HA_MANAGE, this::changeVm);
        routes.get(base + "/vms/{id}/ha", Permission.HA_READ, ctx -> ctx.json(vmHa(vm(ctx))));
        routes.expensive().post(base + "/hosts/{id}/maintenance", Permission.HOST_MAINTENANCE, this::maintenance);
        routes.get(base + "/hosts/{id}/fence", Permission.FENCE_MANAGE, ctx -> ctx.json(shown(host(ctx), settings.fenceDevice(host(ctx).id())
                .orElseThrow(() -> new PaddockException.NotFound("Host '" + host(ctx).name()
                        + "' has no fence device.")))));
        routes.put(base + "/hosts/{id}/fence", Permission.FENCE_MANAGE, this::putFence);
        routes.delete(base + "/hosts/{id}/fence", Permission.FENCE_MANAGE, this::deleteFence);
        routes.get(base + "/ha/status", Permission.HA_READ, ctx -> ctx.json(Map.of("hosts", ha.status())));
        routes.get(base + "/ha/events", Permission.HA_READ, ctx -> ctx.json(Map.of("items",
                oversight.audit().listActions("ha.", Query.offset(ctx), Query.limit(ctx)))));
        routes.get(base + "/ha/stream", Permission.HA_READ, new HaStream(ha, oversight.audit())::handle);
    }

    private Cluster cluster(Context ctx) {
        return store.cluster(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("cluster", ctx));
    }

    private Host host(Context ctx) {
        return store.host(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("host", ctx));
    }

    private Vm vm(Context ctx) {
        return store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
    }

    private ClusterHa clusterHa(Cluster cluster) {
        HaSettings.ClusterTuning tuning = settings.tuning(cluster.id());
        // VMs being started or moved count where they are going
        AdmissionVerdict verdict = AdmissionControl.standard().check(ha.ledger().claims().applyTo(store.room()),
                cluster.id());
        String admission = switch (verdict) {
            case AdmissionVerdict.Admitted admitted -> admitted.toleratedFailures() == 0
                    ? "no host failure is promised"
                    : "tolerates " + admitted.toleratedFailures() + " host failure(s): " + admitted.failureSetsChecked()
                            + " failure sets checked";
            case AdmissionVerdict.Refused refused -> refused.reason();
        };
        return new ClusterHa(cluster.id(), cluster.haEnabled(), tuning.paused(), cluster.toleratedHostFailures(),
                tuning.detectionWindow().toSeconds(), verdict.admitted(), admission);
    }

    private void changeCluster(Context ctx) {
        Cluster cluster = cluster(ctx);
        ClusterHaChange change = RequestBody.read(ctx, ClusterHaChange.class);
        HaSettings.ClusterTuning tuning = settings.tuning(cluster.id());
        boolean enabled = change.enabled() == null ? cluster.haEnabled() : change.enabled();
        int tolerated = change.toleratedHostFailures() == null ? cluster.toleratedHostFailures()
                : (int) Requests.between(change.toleratedHostFailures(), 0, MAX_TOLERATED_FAILURES,
                        "toleratedHostFailures", "");
        Duration window = change.detectionWindowSeconds() == null ? tuning.detectionWindow()
                : Duration.ofSeconds(Requests.between(change.detectionWindowSeconds(), MIN_WINDOW_SECONDS,
                        MAX_WINDOW_SECONDS, "detectionWindowSeconds", " s"));
        boolean paused = change.paused() == null ? tuning.paused() : change.paused();
        store.put(new Cluster(cluster.id(), cluster.siteId(), cluster.name(), enabled, tolerated));
        settings.putTuning(cluster.id(), new HaSettings.ClusterTuning(paused, window));
        audit(ctx, "ha.cluster.set", cluster.id(), "cluster " + cluster.name() + ": HA " + (enabled ? "enabled" : "disabled")
                + (paused ? ", paused" : "") + ", tolerates " + tolerated + " host failure(s), detection window "
                + window.toSeconds() + " s");
        ha.wake();
        ctx.json(clusterHa(store.cluster(cluster.id()).orElseThrow()));
    }

    private VmHa vmHa(Vm vm) {
        return settings.vmHa(vm.id()).map(h -> new VmHa(vm.id(), h.priority(), h.enabled()))
                .orElseGet(() -> new VmHa(vm.id(), vm.haPriority(), vm.isProtected()));
    }

    /** The VM's priority lives on the VM (0 = not protected); a disabled VM keeps its priority in HA's table. */
    private void changeVm(Context ctx) {
        Vm vm = vm(ctx);
        VmHaChange change = RequestBody.read(ctx, VmHaChange.class);
        VmHa before = vmHa(vm);
        int priority = change.priority() == null ? before.priority()
                : (int) Requests.between(change.priority(), 0, VmRoutes.MAX_HA_PRIORITY, "priority", "");
        boolean enabled = change.enabled() == null ? before.enabled() || change.priority() != null : change.enabled();
        if (enabled && priority == 0) {
            throw new PaddockException.InvalidValue("Field 'priority' must be at least 1 to protect VM '"
                    + vm.name() + "': priority 0 means not protected.");
        }
        int effective = enabled ? priority : 0;
        Vm changed = new Vm(vm.id(), vm.name(), vm.clusterId(), vm.hostId(), vm.demand(), vm.state(), vm.origin(),
                vm.tier(), effective, vm.affinityGroups(), vm.antiAffinityGroups(), vm.licences(), vm.disks(),
                vm.nics(), vm.watchdog());
        store.put(changed);
        settings.putVmHa(vm.id(), new HaSettings.VmHa(priority, enabled));
        audit(ctx, "ha.vm.set", vm.id(), "VM " + vm.name() + ": HA " + (enabled ? "enabled" : "disabled") + ", priority "
                + priority);
        ctx.json(new VmHa(vm.id(), priority, enabled));
    }

    private void maintenance(Context ctx) {
        Host host = host(ctx);
        Maintenance request = RequestBody.read(ctx, Maintenance.class);
        String action = request.action() == null ? "" : request.action();
        AtomicBoolean changed = new AtomicBoolean();
        Optional<OperationView> evacuation = switch (action) {
            case "enter" -> evacuate(ctx, host, changed, Boolean.TRUE.equals(request.powerOffUnmovable()));
            case "exit" -> {
                changed.set(ha.exitMaintenance(host, Guard.caller(ctx).name()));
                yield Optional.empty();
            }
            default -> throw new PaddockException.InvalidValue("Field 'action' must be 'enter' or 'exit', was '"
                    + action + "'.");
        };
        evacuation.ifPresent(view -> audit(ctx, "host.evacuate", host.id(), "evacuate host " + host.name() + ": "
                + view.stepsTotal() + " VM(s) migrate (operation " + view.id() + ")"));
        ctx.json(new MaintenanceState(host.id(), action.equals("enter"), changed.get(),
                evacuation.map(view -> OperationResource.location(view.id()))));
    }

    /**
     * Enters maintenance and migrates the host's running VMs away, targets chosen and claimed by the placement
     * engine under the ledger's lock; the host is in maintenance before the lock is let go, so no placement lands
     * on it meanwhile. A VM that fits nowhere refuses the request with the engine's sentence, and nothing moves;
     * unless asked to power such VMs off, which the operation then shuts down after the migrations.
     */
    private Optional<OperationView> evacuate(Context ctx, Host host, AtomicBoolean changed, boolean powerOffUnmovable) {
        if (settings.hostsInMaintenance().contains(host.id())) {
            // evacuated when it entered: its VMs' migrations are running or done, not to be planned twice
            return Optional.empty();
        }
        return ha.ledger().submit((room, claims) -> switch (VmRoutes.LIVE_MOVES.evacuate(room, claims, host.id(),
                powerOffUnmovable)) {
            case Evacuation.Stuck stuck -> throw new PaddockException.Conflict(stuck.sentence()
                    + " Move or stop it first, or enter maintenance with powerOffUnmovable to shut it down.");
            case Evacuation.Moves moves -> {
                changed.set(ha.enterMaintenance(host, Guard.caller(ctx).name()));
                moves.powerOff().forEach(stuck -> audit(ctx, "host.evacuate.power-off", stuck.vm().id(), "VM "
                        + stuck.vm().name() + " is shut down as host " + host.name() + " enters maintenance: "
                        + stuck.sentence()));
                yield moves.operation(Guard.caller(ctx).name(), Evacuation.PARALLEL_MIGRATIONS);
            }
        });
    }

    private void putFence(Context ctx) {
        Host host = host(ctx);
        FenceDeviceBody body = RequestBody.read(ctx, FenceDeviceBody.class);
        FenceDevice device;
        try {
            device = new FenceDevice(body.agent(), body.options() == null ? Map.of() : body.options());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PaddockException.InvalidValue("Fence device of host '" + host.name() + "': " + e.getMessage()
                    + ".");
        }
        Optional<Map<String, Object>> before = settings.fenceDevice(host.id()).map(old -> shown(host, old));
        settings.putFenceDevice(host.id(), device);
        audit(ctx, "ha.fence.configured", host.id(), "host " + host.name() + " is fenced by " + device,
                new AuditChange(before.map(Object.class::cast), Optional.of(shown(host, device))));
        ctx.json(shown(host, device));
    }

    private void deleteFence(Context ctx) {
        Host host = host(ctx);
        Optional<FenceDevice> before = settings.fenceDevice(host.id());
        if (before.isEmpty() || !settings.deleteFenceDevice(host.id())) {
            throw new PaddockException.NotFound("Host '" + host.name() + "' has no fence device.");
        }
        audit(ctx, "ha.fence.removed", host.id(), "host " + host.name() + " has no fence device any more",
                AuditChange.removed(shown(host, before.get())));
        ctx.status(204);
    }

    /** A fence device as the API shows it: every secret option masked. */
    private static Map<String, Object> shown(Host host, FenceDevice device) {
        Map<String, String> options = new TreeMap<>();
        device.options().forEach((key, value) -> options.put(key, FenceDevice.isSecret(key) ? MASK : value));
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("hostId", host.id());
        shown.put("agent", device.agent());
        shown.put("options", options);
        return shown;
    }

    private void audit(Context ctx, String action, String subjectId, String detail) {
        audit.record(ctx, action, subjectId, detail);
    }

    private void audit(Context ctx, String action, String subjectId, String detail, AuditChange change) {
        audit.record(ctx, new AuditNote(action, subjectId, detail, change));
    }
}

package dev.paddock.api;

import dev.paddock.backup.BackupSchedule;
import dev.paddock.backup.BackupScheduler;
import dev.paddock.backup.BackupSchedules;
import dev.paddock.backup.Cadence;
import dev.paddock.backup.RepositoryRecord;
import dev.paddock.backup.RetentionPolicy;
import dev.paddock.backup.ScheduledRun;
import dev.paddock.model.Cluster;
import dev.paddock.model.Vm;
import dev.paddock.security.Permission;
import dev.paddock.store.DuplicateNameException;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Backup schedules: made, listed, enabled or disabled, given another interval, deleted, and run now. A schedule's
 * view carries each VM it covers with its last run, so "did last night's backup of db-1 work?" is one GET.
 */
final class BackupScheduleRoutes {

    static final String PATH = RestApi.BASE + "/backup-schedules";

    private final Optional<BackupScheduler> scheduler;
    private final InventoryStore store;
    private final AuditTrail audit;
    private final Clock clock;

    BackupScheduleRoutes(Optional<BackupScheduler> scheduler, InventoryStore store, AuditTrail audit, Clock clock) {
        this.scheduler = scheduler;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        routes.get(PATH, Permission.BACKUP_READ, ctx -> ctx.json(Map.of("items", schedules().list().stream()
                .map(this::view).toList())));
        routes.post(PATH, Permission.BACKUP_MANAGE, this::create);
        routes.get(PATH + "/{id}", Permission.BACKUP_READ, ctx -> ctx.json(view(schedule(ctx))));
        routes.patch(PATH + "/{id}", Permission.BACKUP_MANAGE, this::change);
        routes.delete(PATH + "/{id}", Permission.BACKUP_MANAGE, this::delete);
        routes.expensive().post(PATH + "/{id}/run", Permission.BACKUP_RUN, this::run);
    }

    private BackupScheduler scheduler() {
        return scheduler.orElseThrow(() -> new PaddockException.Conflict("This server keeps no backup schedules."));
    }

    private BackupSchedules schedules() {
        return scheduler().schedules();
    }

    private BackupSchedule schedule(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        return schedules().get(id).or(() -> schedules().byName(id))
                .orElseThrow(() -> new PaddockException.NotFound("No backup schedule has id or name '" + id + "'."));
    }

    /** What a client sends to make a schedule. */
    record NewSchedule(String name, String repository, List<String> vms, List<String> clusters, List<String> groups,
            String interval, Integer keepLast, Integer keepDaily, Integer keepWeekly, Boolean enabled) {}

    private void create(Context ctx) {
        NewSchedule request = RequestBody.read(ctx, NewSchedule.class);
        String name = Requests.name(request.name(), "name");
        Cadence cadence = cadence(Requests.required(request.interval(), "interval"));
        Optional<RetentionPolicy> retention = retention(request);
        String repositoryName = Requests.required(request.repository(), "repository");
        RepositoryRecord repository = scheduler().backups().repositories().stream()
                .filter(r -> r.id().equals(repositoryName) || r.name().equals(repositoryName)).findFirst()
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'repository' names no backup repository: '"
                        + repositoryName + "'."));
        BackupSchedule.Coverage coverage = new BackupSchedule.Coverage(vms(request.vms()),
                clusters(request.clusters()), groups(request.groups()));
        if (coverage.isEmpty()) {
            throw new PaddockException.InvalidValue("Say what the schedule backs up: VMs ('vms'), every VM of a"
                    + " cluster ('clusters') or of an affinity group ('groups').");
        }
        if (schedules().byName(name).isPresent()) {
            throw duplicate(name);
        }
        BackupSchedule schedule = new BackupSchedule(InventoryRoutes.newId(), name, repository.id(), coverage, cadence,
                retention, !Boolean.FALSE.equals(request.enabled()), Guard.caller(ctx).name(), clock.instant(),
                Optional.empty());
        try {
            schedules().put(schedule);
        } catch (DuplicateNameException e) {
            throw duplicate(name);
        }
        audit.record(ctx, new AuditNote("backup-schedule.create", schedule.id(), "make backup schedule " + name
                + " into repository " + repository.name() + ", " + cadence.text()));
        InventoryRoutes.created(ctx, "backup-schedules", schedule.id(), view(schedule));
    }

    private static PaddockException duplicate(String name) {
        return new PaddockException.Conflict("A backup schedule named '" + name + "' already exists.");
    }

    /** VMs by id or name; a name two VMs share must be given as an id. */
    private Set<String> vms(List<String> named) {
        if (named == null || named.isEmpty()) {
            return Set.of();
        }
        java.util.Collection<Vm> vms = store.room().vms();
        Set<String> ids = new LinkedHashSet<>();
        for (String name : named) {
            Optional<Vm> byId = store.vm(name == null ? "" : name);
            List<Vm> byName = vms.stream().filter(vm -> vm.name().equals(name)).toList();
            if (byId.isPresent()) {
                ids.add(byId.get().id());
            } else if (byName.size() == 1) {
                ids.add(byName.get(0).id());
            } else if (byName.isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'vms' names no VM: '" + name + "'.");
            } else {
                throw new PaddockException.InvalidValue("Field 'vms' names " + byName.size() + " VMs '" + name
                        + "' (in different clusters): give its id instead.");
            }
        }
        return ids;
    }

    private Set<String> clusters(List<String> named) {
        if (named == null || named.isEmpty()) {
            return Set.of();
        }
        Map<String, Cluster> byName = store.clusters().stream()
                .collect(Collectors.toMap(Cluster::name, Function.identity(), (a, b) -> a));
        Set<String> ids = new LinkedHashSet<>();
        for (String name : named) {
            ids.add(store.cluster(name == null ? "" : name).or(() -> Optional.ofNullable(byName.get(name)))
                    .map(Cluster::id).orElseThrow(() -> new PaddockException.InvalidValue(
                            "Field 'clusters' names no cluster: '" + name + "'.")));
        }
        return ids;
    }

    private Set<String> groups(List<String> named) {
        if (named == null || named.isEmpty()) {
            return Set.of();
        }
        Set<String> known = store.room().vms().stream().flatMap(vm -> vm.affinityGroups().stream())
                .collect(Collectors.toSet());
        for (String group : named) {
            if (!known.contains(group)) {
                throw new PaddockException.InvalidValue("Field 'groups' names an affinity group no VM is in: '"
                        + group + "'.");
            }
        }
        return Set.copyOf(named);
    }

    private static Cadence cadence(String text) {
        try {
            return Cadence.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'interval': " + e.getMessage() + ".");
        }
    }

    private static Optional<RetentionPolicy> retention(NewSchedule request) {
        if (request.keepLast() == null && request.keepDaily() == null && request.keepWeekly() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RetentionPolicy(count(request.keepLast(), "keepLast"),
                    count(request.keepDaily(), "keepDaily"), count(request.keepWeekly(), "keepWeekly")));
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Retention: " + e.getMessage() + ".");
        }
    }

    private static int count(Integer value, String field) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > 100_000) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is a count from 0 to 100000, not "
                    + value + ".");
        }
        return value;
    }

    /** What a client sends to change a schedule: either or both. */
    record ScheduleChange(Boolean enabled, String interval) {}

    private void change(Context ctx) {
        BackupSchedule schedule = schedule(ctx);
        ScheduleChange request = RequestBody.read(ctx, ScheduleChange.class);
        if (request.enabled() == null && request.interval() == null) {
            throw new PaddockException.InvalidValue("Say what to change: 'enabled' or 'interval'.");
        }
        boolean enabled = request.enabled() == null ? schedule.enabled() : request.enabled();
        Cadence cadence = request.interval() == null ? schedule.cadence() : cadence(request.interval());
        schedules().change(schedule.id(), enabled, cadence);
        audit.record(ctx, new AuditNote("backup-schedule.change", schedule.id(), "backup schedule " + schedule.name()
                + (enabled ? " enabled, " : " disabled, ") + cadence.text()));
        ctx.json(view(schedules().get(schedule.id()).orElseThrow(() -> new PaddockException.NotFound(
                "Backup schedule '" + schedule.name() + "' was deleted meanwhile."))));
    }

    private void delete(Context ctx) {
        BackupSchedule schedule = schedule(ctx);
        schedules().delete(schedule.id());
        audit.record(ctx, new AuditNote("backup-schedule.delete", schedule.id(), "delete backup schedule "
                + schedule.name() + " (its restore points stay)"));
        ctx.status(204);
    }

    private void run(Context ctx) {
        BackupSchedule schedule = schedule(ctx);
        List<BackupScheduler.Result> results = scheduler().runNow(schedule.id(), Guard.caller(ctx).name());
        List<String> submitted = results.stream().filter(r -> r.run().outcome() == ScheduledRun.Outcome.RUNNING
                && r.run().lastRun().equals(r.run().submitted().orElse(null)))
                .map(r -> r.vm().name()).toList();
        audit.record(ctx, new AuditNote("backup-schedule.run", schedule.id(), "run backup schedule "
                + schedule.name() + " now: " + submitted.size() + " of " + results.size() + " VMs submitted"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", schedule.id());
        body.put("name", schedule.name());
        body.put("items", results.stream().map(r -> run(r.vm(), Optional.of(r.run()))).toList());
        ctx.status(202).json(body);
    }

    private Map<String, Object> view(BackupSchedule schedule) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", schedule.id());
        body.put("name", schedule.name());
        body.put("repositoryId", schedule.repositoryId());
        body.put("repository", scheduler().backups().repositories().stream()
                .filter(r -> r.id().equals(schedule.repositoryId())).map(RepositoryRecord::name).findFirst()
                .orElse(null));
        body.put("vms", List.copyOf(schedule.coverage().vms()));
        body.put("clusters", List.copyOf(schedule.coverage().clusters()));
        body.put("groups", List.copyOf(schedule.coverage().groups()));
        body.put("interval", schedule.cadence().text());
        body.put("keepLast", schedule.retention().map(RetentionPolicy::last).orElse(null));
        body.put("keepDaily", schedule.retention().map(RetentionPolicy::daily).orElse(null));
        body.put("keepWeekly", schedule.retention().map(RetentionPolicy::weekly).orElse(null));
        body.put("enabled", schedule.enabled());
        body.put("owner", schedule.owner());
        body.put("created", schedule.created());
        body.put("lastRound", schedule.lastRound().orElse(null));
        body.put("nextRound", schedule.nextRound().orElse(null));
        Map<String, ScheduledRun> runs = schedules().runs(schedule.id()).stream()
                .collect(Collectors.toMap(ScheduledRun::vmId, Function.identity()));
        List<Map<String, Object>> covered = new ArrayList<>();
        for (Vm vm : BackupScheduler.covered(schedule, store.room().vms())) {
            covered.add(run(vm, Optional.ofNullable(runs.get(vm.id()))));
        }
        body.put("covered", covered);
        return body;
    }

    /** A VM's last run; a VM no run has handled yet shows its state and nulls. */
    private static Map<String, Object> run(Vm vm, Optional<ScheduledRun> run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vm", vm.id());
        body.put("vmName", vm.name());
        body.put("state", vm.state().name());
        body.put("outcome", run.map(r -> r.outcome().name()).orElse(null));
        body.put("lastRun", run.map(ScheduledRun::lastRun).orElse(null));
        body.put("operation", run.flatMap(ScheduledRun::operationId).orElse(null));
        body.put("message", run.flatMap(ScheduledRun::message).orElse(null));
        body.put("lastSuccess", run.flatMap(ScheduledRun::lastSuccess).orElse(null));
        body.put("usualSeconds", run.flatMap(ScheduledRun::usual).map(d -> d.toMillis() / 1000.0).orElse(null));
        body.put("overdue", run.map(ScheduledRun::alarmed).orElse(false));
        return body;
    }
}

package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.Oversight;
import dev.paddock.ha.FailoverPlanner;
import dev.paddock.ha.FailoverPolicy;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.inventory.InventoryController;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.OperationView;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.SimulatedHeartbeats;
import dev.paddock.sim.DemoRoom;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedRoom;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.security.ServerKeys;
import dev.paddock.security.TestKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcHaSettings;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The demo room under a real HA controller: the store on H2, the real inventory controller and operation runner,
 * the simulated room's BMCs as fence agents, a detection window of {@link #WINDOW}, and a notifier that keeps what
 * it hears. Every host has its simulated fence device.
 */
final class HaRoom implements AutoCloseable {

    static final Duration WINDOW = Duration.ofSeconds(1);
    static final Duration PERIOD = Duration.ofMillis(100);
    static final Duration FENCE_RETRY = Duration.ofMillis(300);

    final HikariDataSource dataSource;
    final JdbcInventoryStore store;
    final RealTimeClock simClock = new RealTimeClock();
    final SimulatedHypervisor sim;
    final SimulatedFenceAgent bmcs;
    final HaSettings settings;
    final Oversight oversight;
    final OperationRunner runner;
    final InventoryController inventory;
    final HaController ha;
    final List<Notifier.Notice> notices = Collections.synchronizedList(new ArrayList<>());

    HaRoom(Path directory) {
        dataSource = TestDatabases.h2(directory);
        store = new JdbcInventoryStore(dataSource);
        SimulatedRoom demo = DemoRoom.build(simClock, 2026);
        sim = demo.hypervisor();
        Room room = demo.room();
        room.sites().forEach(store::put);
        room.clusters().forEach(store::put);
        room.hosts().forEach(store::put);
        room.networks().forEach(store::put);
        room.datastores().forEach(store::put);
        store.putAll(room.vms());
        ServerKeys keys = TestKeys.in(directory, dataSource);
        settings = new JdbcHaSettings(dataSource, keys.secrets());
        for (Host host : room.hosts()) {
            settings.putFenceDevice(host.id(), SimulatedFenceAgent.deviceFor(host.id()));
        }
        for (Cluster cluster : room.clusters()) {
            settings.putTuning(cluster.id(), new HaSettings.ClusterTuning(false, WINDOW));
        }
        oversight = new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, keys));
        inventory = new InventoryController(store, sim, Duration.ofSeconds(1), change -> { },
                settings::hostsInMaintenance);
        inventory.start();
        // the inventory attaches the hosts on its own thread: tests ask the hosts about their domains at once
        org.awaitility.Awaitility.await("every host attached").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).until(() -> room.hosts().stream().allMatch(this::attached));
        bmcs = new SimulatedFenceAgent(sim);
        runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim, new DeviceFencing(settings, bmcs));
        runner.start();
        ha = new HaController(new HaController.Wiring(store, inventory, runner, sim, settings, bmcs,
                new SimulatedHeartbeats(sim, Clock.systemUTC()), oversight, notices::add, new HaMeters(),
                Clock.systemUTC()), PERIOD, FENCE_RETRY);
        ha.start();
    }

    private boolean attached(Host host) {
        try {
            sim.domains(host.id());
            return true;
        } catch (dev.paddock.hypervisor.HypervisorException e) {
            return false;
        }
    }

    /** The first host (by id) with at least two protected VMs, one of which the planner can place elsewhere. */
    Host hostWithRestartableVms() {
        Room now = store.room();
        return now.hosts().stream()
                .sorted(java.util.Comparator.comparing(Host::id))
                .filter(h -> vmsOn(h).stream().filter(Vm::isProtected).count() >= 2)
                .filter(h -> !FailoverPlanner.standard().plan(now, java.util.Set.of(h.id()), FailoverPolicy.DEFAULT)
                        .restarts().isEmpty())
                .findFirst().orElseThrow(() -> new IllegalStateException("no host of the demo room can fail over"));
    }

    /** The subjects of the HA decisions {@code action}, in order. */
    List<String> subjectsOf(String action) {
        return haEvents().stream().filter(e -> e.action().equals(action)).map(AuditEntry::subjectId).toList();
    }

    /** Disables HA for a VM as the API does: priority 0 on the VM, its priority kept in HA's table. */
    void disableHa(Vm vm) {
        store.put(new Vm(vm.id(), vm.name(), vm.clusterId(), vm.hostId(), vm.demand(), vm.state(),
                vm.origin(), vm.tier(), 0, vm.affinityGroups(), vm.antiAffinityGroups(), vm.licences(), vm.disks(),
                vm.nics()));
        settings.putVmHa(vm.id(), new HaSettings.VmHa(vm.haPriority(), false));
    }

    /** A host of {@code clusterId} carrying both protected and unprotected VMs, or any protected one. */
    Host hostWithVms(String clusterId) {
        List<Host> hosts = store.room().hostsOf(clusterId);
        return hosts.stream()
                .filter(h -> vmsOn(h).stream().anyMatch(Vm::isProtected)
                        && vmsOn(h).stream().anyMatch(vm -> !vm.isProtected()))
                .findFirst()
                .orElseGet(() -> hosts.stream().filter(h -> vmsOn(h).stream().anyMatch(Vm::isProtected))
                        .findFirst().orElseThrow());
    }

    List<Vm> vmsOn(Host host) {
        return store.vmsOnHost(host.id());
    }

    /** The hosts where the VM's domain really runs, every host of the room looked at (crashed ones too). */
    List<String> runningOn(String vmId) {
        List<String> where = new ArrayList<>();
        for (var host : sim.hosts()) {
            for (DomainInfo domain : sim.domainsOn(host.hostname())) {
                if (domain.uuid().equals(vmId) && domain.state() == VmState.RUNNING) {
                    where.add(host.hostname());
                }
            }
        }
        return where;
    }

    boolean poweredOn(String hostname) {
        return sim.hosts().stream().filter(h -> h.hostname().equals(hostname)).findFirst().orElseThrow().poweredOn();
    }

    List<AuditEntry> haEvents() {
        List<AuditEntry> events = new ArrayList<>(oversight.audit().listActions("ha.", 0, 1000));
        Collections.reverse(events);
        return events;
    }

    List<String> haActions(String subjectId) {
        return haEvents().stream().filter(e -> e.subjectId().equals(subjectId)).map(AuditEntry::action).toList();
    }

    List<OperationView> failovers() {
        return runner.list(0, 100).items().stream().filter(op -> op.kind().equals(HaController.FAILOVER_KIND))
                .toList();
    }

    @Override
    public void close() {
        ha.close();
        runner.close();
        inventory.close();
        sim.close();
        simClock.close();
        dataSource.close();
    }
}

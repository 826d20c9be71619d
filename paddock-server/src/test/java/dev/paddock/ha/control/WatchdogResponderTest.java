package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.api.TestServer;
import dev.paddock.audit.Alarm;
import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.Oversight;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorEvent.WatchdogFired;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.Step;
import dev.paddock.sim.Fault;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.security.TestKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guest watchdog's second level on the simulated room (seeded, manual clock): a hung guest's watchdog fires,
 * the sim takes the device's action, and the responder audits, alarms, notifies, counts and brings the VM back.
 */
class WatchdogResponderTest {

    private static final Duration HANG = Duration.ofSeconds(30);
    private static final String HOST = TestServer.HOST_1.id();
    private static final String HOSTNAME = TestServer.HOST_1.name();
    private static final WatchdogResponder.Policy POLICY =
            new WatchdogResponder.Policy(2, Duration.ofHours(1), Duration.ofMillis(50));

    @TempDir
    Path directory;

    private final ManualClock clock = ManualClock.atEpochOf2030();
    private final SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 42);
    private final List<Notifier.Notice> notices = Collections.synchronizedList(new ArrayList<>());
    private final HaMeters meters = new HaMeters();
    private HikariDataSource dataSource;
    private JdbcInventoryStore store;
    private Oversight oversight;
    private OperationRunner runner;
    private WatchdogResponder responder;

    @BeforeEach
    void room() {
        dataSource = TestDatabases.h2(directory);
        store = new JdbcInventoryStore(dataSource);
        store.put(TestServer.SITE);
        store.put(TestServer.CLUSTER);
        store.put(TestServer.HOST_1);
        sim.addHost(HOSTNAME, Resources.of(8_000, 16_384, 100, 1_000));
        sim.attach(HOST, TestServer.HOST_1.uri());
        oversight = new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, TestKeys.in(directory, dataSource)));
        runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim);
        runner.start();
        responder = new WatchdogResponder(new WatchdogResponder.Wiring(store, runner, sim, oversight, notices::add,
                meters, Clock.systemUTC()), POLICY);
        responder.start();
    }

    @AfterEach
    void close() {
        responder.close();
        runner.close();
        sim.close();
        dataSource.close();
    }

    @Test
    @DisplayName("a reset brings the guest back by itself: the fire is audited, alarmed, notified and counted, and"
            + " Paddock starts nothing")
    void reset() {
        String vm = runningVm("app-1", Watchdog.Action.RESET);

        hang(vm);

        await().until(() -> outcomes("running") == 1);
        assertThat(actionsOn(vm)).containsExactly("ha.watchdog.fired", "ha.watchdog.running");
        assertThat(alarms()).extracting(Alarm::kind).containsExactly("ha.watchdog.fired");
        assertThat(notices).singleElement().satisfies(notice -> {
            assertThat(notice.kind()).isEqualTo("ha.watchdog.fired");
            assertThat(notice.subjectId()).isEqualTo(vm);
            assertThat(notice.message()).contains("app-1", HOST, "action: reset");
        });
        assertThat(fires("reset")).isEqualTo(1);
        assertThat(runner.list(0, 10).items()).isEmpty();
        assertThat(state(vm)).isEqualTo(VmState.RUNNING);
    }

    @ParameterizedTest(name = "action {0} leaves the guest {1}; Paddock restarts it with {2}")
    @CsvSource({
            "POWEROFF, STOPPED, start",
            "PAUSE,    PAUSED,  power off + start"})
    @DisplayName("an action that leaves the guest down is followed by a restart operation")
    void restarts(Watchdog.Action action, VmState left, String how) {
        String vm = runningVm("app-1", action);

        hang(vm);

        await().until(() -> state(vm) == VmState.RUNNING && outcomes("restarted") == 1);
        assertThat(actionsOn(vm)).containsExactly("ha.watchdog.fired", "ha.watchdog.restart");
        OperationView restart = runner.list(0, 10).items().getFirst();
        assertThat(restart.kind()).isEqualTo(WatchdogResponder.RESTART_KIND);
        assertThat(restart.owner()).isEqualTo(HaController.ACTOR);
        assertThat(restart.stepsTotal()).isEqualTo(how.equals("start") ? 1 : 2);
        assertThat(alarms()).extracting(Alarm::kind).containsExactlyInAnyOrder("ha.watchdog.fired",
                "ha.watchdog.restart");
        assertThat(fires(action.xmlName())).isEqualTo(1);
    }

    @Test
    @DisplayName("Prometheus shows the fires by action and the outcomes")
    void prometheus() {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.bindTo(prometheus);
        String vm = runningVm("app-1", Watchdog.Action.POWEROFF);

        hang(vm);

        await().until(() -> outcomes("restarted") == 1);
        assertThat(prometheus.scrape()).contains("paddock_ha_watchdog_fires_total{action=\"poweroff\"} 1.0",
                "paddock_ha_watchdog_outcomes_total{outcome=\"restarted\"} 1.0");
    }

    @Test
    @DisplayName("action none only reports: the hung guest is left running, no restart")
    void none() {
        String vm = runningVm("app-1", Watchdog.Action.NONE);

        hang(vm);

        await().until(() -> fires("none") == 1);
        assertThat(actionsOn(vm)).containsExactly("ha.watchdog.fired");
        assertThat(runner.list(0, 10).items()).isEmpty();
        assertThat(state(vm)).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("after more fires in the window than the policy allows, Paddock gives up with an alarm and leaves"
            + " the VM off")
    void givesUp() {
        String vm = runningVm("app-1", Watchdog.Action.POWEROFF);

        for (int restart = 1; restart <= POLICY.maxRestarts(); restart++) {
            hang(vm);
            int done = restart;
            await().until(() -> state(vm) == VmState.RUNNING && outcomes("restarted") == done);
        }
        hang(vm);

        await().until(() -> outcomes("gave-up") == 1);
        assertThat(alarms()).extracting(Alarm::kind).contains("ha.watchdog.gave-up");
        assertThat(notices).last().satisfies(notice -> assertThat(notice.message())
                .contains("hung 3 times", "no longer brings it back"));
        assertThat(state(vm)).isEqualTo(VmState.STOPPED);
        assertThat(runner.list(0, 10).items()).hasSize(POLICY.maxRestarts());
    }

    @Test
    @DisplayName("a domain Paddock does not know is reported and left to the hypervisor")
    void unknownDomain() {
        DomainSpec rogue = DomainSpec.of("rogue-1", "rogue", 1, 256)
                .withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.POWEROFF));
        sim.define(HOST, rogue);
        sim.start(HOST, rogue.uuid());

        hang(rogue.uuid());

        await().until(() -> actionsOn(rogue.uuid()).size() == 2);
        assertThat(actionsOn(rogue.uuid())).containsExactly("ha.watchdog.fired", "ha.watchdog.ignored");
        assertThat(runner.list(0, 10).items()).isEmpty();
    }

    @ParameterizedTest(name = "a guest left {0} is restarted by {1}")
    @CsvSource({
            "PAUSED,  'DestroyVm,StartVm'",
            "STOPPED, StartVm",
            "CRASHED, StartVm"})
    @DisplayName("the restart plan powers a paused guest off first: its OS is the one that hung")
    void restartPlan(VmState state, String steps) {
        var fired = new WatchdogFired(Instant.EPOCH, "h", "vm-1", "app", Watchdog.Action.PAUSE);

        assertThat(WatchdogResponder.restart(fired, state).steps()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly(steps.split(","));
        assertThat(WatchdogResponder.restart(fired, state).steps()).last().isEqualTo(new Step.StartVm("h", "vm-1"));
    }

    private String runningVm(String name, Watchdog.Action action) {
        String id = "00000000-0000-4000-8000-0000000000a1";
        store.put(new Vm(id, name, TestServer.CLUSTER.id(), Optional.of(HOST), Resources.of(1_000, 512, 0, 0),
                VmState.RUNNING, VmOrigin.MANAGED, "app", 10, Set.of(), Set.of(), Set.of(), List.of(), List.of()));
        sim.define(HOST, DomainSpec.of(id, name, 1, 512)
                .withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, action)));
        sim.start(HOST, id);
        return id;
    }

    private void hang(String uuid) {
        sim.inject(new Fault.GuestHang(HOSTNAME, uuid, HANG));
        clock.advance(HANG);
    }

    private VmState state(String uuid) {
        return sim.domain(HOST, uuid).orElseThrow().state();
    }

    private List<String> actionsOn(String subject) {
        List<AuditEntry> entries = new ArrayList<>(oversight.audit().listActions("ha.watchdog", 0, 100));
        Collections.reverse(entries);
        return entries.stream().filter(e -> e.subjectId().equals(subject)).map(AuditEntry::action).toList();
    }

    private List<Alarm> alarms() {
        return oversight.alarms().list(false, 0, 100);
    }

    private double fires(String action) {
        var counter = meters.registry().find("paddock.ha.watchdog.fires").tag("action", action).counter();
        return counter == null ? 0 : counter.count();
    }

    private double outcomes(String outcome) {
        var counter = meters.registry().find("paddock.ha.watchdog.outcomes").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20));
    }
}

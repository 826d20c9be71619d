package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import dev.paddock.ha.HostHealth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.audit.Alarm;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Vm;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.StepState;
import dev.paddock.sim.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HA controller on the demo room with a one-second detection window: what a crashed, isolated, unfenceable,
 * maintained or paused host leads to, read from the simulated hosts themselves and the audit log.
 */
class HaControllerTest {

    /** Long enough for a whole window, a judgement and a few fence retries. */
    private static final Duration QUIET = HaRoom.WINDOW.multipliedBy(3);

    @TempDir
    Path directory;

    HaRoom room;

    @BeforeEach
    void start() {
        room = new HaRoom(directory);
    }

    @AfterEach
    void stop() {
        room.close();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
    }

    /**
     * The demo room's anti-affinity groups leave some VMs of any host with nowhere to go: those stay down with an
     * alarm, the others run again elsewhere, each exactly once.
     */
    @Test
    void aCrashedHostIsFencedThenItsProtectedVmsRunElsewhereOnceAndTheOthersStayDown() {
        Host failed = room.hostWithRestartableVms();
        room.disableHa(room.vmsOn(failed).stream().filter(Vm::isProtected).findFirst().orElseThrow());
        Set<String> protectedVms = room.vmsOn(failed).stream().filter(Vm::isProtected).map(Vm::id)
                .collect(Collectors.toSet());
        List<Vm> unprotected = room.vmsOn(failed).stream().filter(vm -> !vm.isProtected()).toList();
        assertThat(unprotected).isNotEmpty();

        room.sim.inject(new Fault.HostCrash(failed.name()));

        await().until(() -> room.failovers().stream().anyMatch(op -> op.state().isFinal())
                && room.haActions(failed.id()).contains("ha.fence.confirmed"));
        assertThat(room.failovers()).singleElement().extracting(op -> op.state()).isEqualTo(OperationState.DONE);
        List<String> restarted = room.subjectsOf("ha.restart.planned");
        List<String> unplaced = room.subjectsOf("ha.restart.unplaced");
        assertThat(restarted).isNotEmpty().doesNotHaveDuplicates();
        assertThat(Set.copyOf(concat(restarted, unplaced))).isEqualTo(protectedVms);
        for (String vm : restarted) {
            List<String> where = room.runningOn(vm);
            assertThat(where).as(vm).hasSize(1).doesNotContain(failed.name());
            assertThat(room.sim.effects(vm).started()).as(vm + " starts").isEqualTo(1);
        }
        await().until(() -> restarted.stream().allMatch(vm -> room.store.vm(vm).orElseThrow().hostId()
                .equals(java.util.Optional.of(room.runningOn(vm).getFirst()))));
        for (String vm : unplaced) {
            assertThat(room.runningOn(vm)).as(vm).isEmpty();
            assertThat(room.oversight.alarms().list(true, 0, 100)).anyMatch(a -> a.subjectId().equals(vm)
                    && a.kind().equals("ha.restart.unplaced"));
        }
        for (Vm vm : unprotected) {
            assertThat(room.runningOn(vm.id())).as(vm.name()).isEmpty();
        }
        assertThat(room.haActions(failed.id())).containsSubsequence("ha.host.suspect", "ha.host.fencing",
                "ha.fence.confirmed");
        List<OperationView.StepView> steps = room.failovers().getFirst().steps();
        assertThat(steps.getFirst().description()).as("the failover's first step").startsWith("fence host "
                + failed.id());
        assertThat(steps.getFirst().state()).isEqualTo(StepState.DONE);
        for (OperationView.StepView restart : steps.subList(1, steps.size())) {
            assertThat(restart.started().orElseThrow()).as("the fence is done before " + restart.description())
                    .isAfterOrEqualTo(steps.getFirst().finished().orElseThrow());
        }
        assertThat(room.notices).extracting(Notifier.Notice::kind).contains("ha.host.dead", "ha.fence.confirmed");
        assertThat(room.ha.meters().registry().get("paddock.ha.detect").timer().count()).isEqualTo(1);
        assertThat(room.ha.meters().registry().get("paddock.ha.fence").timer().count()).isEqualTo(1);
        assertThat(room.ha.meters().registry().get("paddock.ha.failovers").tag("outcome", "DONE").counter().count())
                .isEqualTo(1);
    }

    /**
     * The crashed host powered on again after its failover: the definitions of VMs now running elsewhere are
     * removed from it, and the protected VMs no other host could take start on it again, each once.
     */
    @Test
    void aFencedHostBackOnLosesItsStaleDefinitionsAndRestartsTheVmsNobodyElseTook() {
        Host failed = room.hostWithRestartableVms();
        // One survivor only: anti-affinity with what it already runs leaves some of the failed host's VMs nowhere to go.
        room.store.hosts().stream()
                .filter(h -> h.clusterId().equals(failed.clusterId()) && !h.id().equals(failed.id()))
                .skip(1)
                .forEach(h -> assertThat(room.ha.enterMaintenance(h, "test")).isTrue());
        room.sim.inject(new Fault.HostCrash(failed.name()));
        await().until(() -> room.failovers().stream().anyMatch(op -> op.state() == OperationState.DONE));
        List<String> restarted = room.subjectsOf("ha.restart.planned");
        List<String> unplaced = room.subjectsOf("ha.restart.unplaced");
        assertThat(unplaced).as("with one survivor, anti-affinity leaves some VMs nowhere to go").isNotEmpty();

        room.sim.inject(new Fault.HostPowerOn(failed.name()));

        await().until(() -> unplaced.stream().allMatch(vm -> room.runningOn(vm).equals(List.of(failed.name()))));
        await().until(() -> room.sim.domainsOn(failed.name()).stream().noneMatch(d -> restarted.contains(d.uuid())));
        for (String vm : concat(restarted, unplaced)) {
            assertThat(room.runningOn(vm)).as(vm).hasSize(1);
            assertThat(room.sim.effects(vm).started()).as(vm + " starts").isEqualTo(1);
        }
        assertThat(room.haActions(failed.id())).contains("ha.host.fenced", "ha.host.healthy", "ha.restart.in-place");
    }

    /** A host without VMs to place recovers at once, and its recovery time is measured. */
    @Test
    void aCrashedHostWhoseVmsAreAllUnprotectedIsFencedAndRecoveredWithoutAFailover() {
        Host failed = room.hostWithRestartableVms();
        room.vmsOn(failed).stream().filter(Vm::isProtected).forEach(room::disableHa);

        room.sim.inject(new Fault.HostCrash(failed.name()));

        await().until(() -> room.ha.status().stream()
                .anyMatch(s -> s.hostId().equals(failed.id()) && s.health() == HostHealth.FENCED));
        assertThat(room.failovers()).as("the fence is the failover's only step: nothing restarts")
                .allSatisfy(op -> assertThat(op.steps()).extracting(OperationView.StepView::description)
                        .containsExactly("fence host " + failed.id() + " (power off, confirmed)"));
        assertThat(room.notices).extracting(Notifier.Notice::kind).contains("ha.recovered");
        assertThat(room.ha.meters().registry().get("paddock.ha.restart").timer().count()).isEqualTo(1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void anIsolatedHostWhoseHeartbeatIsFreshIsNeitherFencedNorDrained() {
        Host cut = room.hostWithVms("prod-a");
        Set<String> running = room.vmsOn(cut).stream().map(Vm::id).collect(Collectors.toSet());

        room.sim.inject(new Fault.HostIsolation(cut.name()));

        await().until(() -> room.haActions(cut.id()).contains("ha.host.isolated"));
        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> true);
        assertThat(room.poweredOn(cut.name())).isTrue();
        assertThat(room.haActions(cut.id())).doesNotContain("ha.host.fencing", "ha.fence.confirmed");
        assertThat(room.failovers()).isEmpty();
        for (String vm : running) {
            assertThat(room.runningOn(vm)).as(vm).containsExactly(cut.name());
        }
    }

    @Test
    void aFenceThatFailsRestartsNothingRaisesOneAlarmAndIsRetriedUntilItHolds() {
        Host failed = room.hostWithRestartableVms();
        room.bmcs.cut(failed.name());

        room.sim.inject(new Fault.HostCrash(failed.name()));

        await().until(() -> room.ha.meters().registry().get("paddock.ha.fence.failures").counter().count() >= 3);
        assertThat(room.failovers()).as("every attempt fails at its fence and runs no restart").isNotEmpty()
                .allSatisfy(op -> {
                    assertThat(op.state()).isIn(OperationState.FAILED, OperationState.RUNNING,
                            OperationState.PENDING);
                    assertThat(op.steps()).extracting(OperationView.StepView::state)
                            .doesNotContain(StepState.DONE, StepState.ROLLED_BACK);
                });
        assertThat(room.haActions(failed.id())).as("a failing fence is audited once, not at every retry")
                .containsOnlyOnce("ha.fence.failed");
        assertThat(room.haActions(failed.id())).doesNotContain("ha.fence.confirmed");
        for (Vm vm : room.vmsOn(failed)) {
            assertThat(room.runningOn(vm.id())).as(vm.name()).isEmpty();
        }
        List<Alarm> alarms = room.oversight.alarms().list(true, 0, 100).stream()
                .filter(a -> a.kind().equals("ha.fence.failed")).toList();
        assertThat(alarms).singleElement().satisfies(alarm -> {
            assertThat(alarm.subjectId()).isEqualTo(failed.id());
            assertThat(alarm.message()).contains("none of its VMs is restarted");
        });

        room.bmcs.restore(failed.name());

        await().until(() -> room.haActions(failed.id()).contains("ha.fence.confirmed")
                && room.failovers().stream().anyMatch(op -> op.state() == OperationState.DONE));
    }

    @Test
    void aHostInMaintenanceIsNotFencedWhenItGoesDown() {
        Host host = room.hostWithVms("prod-a");
        assertThat(room.ha.enterMaintenance(host, "test")).isTrue();
        await().until(() -> room.ha.status().stream()
                .anyMatch(s -> s.hostId().equals(host.id()) && s.health() == HostHealth.MAINTENANCE));

        room.sim.inject(new Fault.HostCrash(host.name()));

        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> true);
        assertThat(room.haActions(host.id())).doesNotContain("ha.host.fencing", "ha.fence.failed",
                "ha.fence.confirmed");
        assertThat(room.failovers()).isEmpty();
        assertThat(room.ha.enterMaintenance(host, "test")).as("entering twice changes nothing").isFalse();
        assertThat(room.store.host(host.id()).orElseThrow().state()).isEqualTo(HostState.DISCONNECTED);

        room.sim.inject(new Fault.HostPowerOn(host.name()));

        await().until(() -> room.store.host(host.id()).orElseThrow().state() == HostState.MAINTENANCE);
        assertThat(room.ha.status()).filteredOn(s -> s.hostId().equals(host.id())).singleElement()
                .extracting(HaController.HostStatus::health).isEqualTo(HostHealth.MAINTENANCE);
    }

    @Test
    void aPausedClusterLetsAHostGoDownWithoutFenceOrRestart() {
        Host host = room.hostWithVms("prod-a");
        room.settings.putTuning("prod-a", new HaSettings.ClusterTuning(true, HaRoom.WINDOW));
        room.ha.wake();

        room.sim.inject(new Fault.HostCrash(host.name()));

        Awaitility.await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> true);
        assertThat(room.haActions(host.id())).doesNotContain("ha.host.suspect", "ha.host.fencing",
                "ha.fence.confirmed");
        assertThat(room.failovers()).isEmpty();
        assertThat(room.ha.status()).filteredOn(s -> s.hostId().equals(host.id()))
                .singleElement().extracting(HaController.HostStatus::armed).isEqualTo(false);
    }
}

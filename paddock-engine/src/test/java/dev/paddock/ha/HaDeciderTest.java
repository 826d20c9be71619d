package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Host;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The HA loop's decisions on plain values: what it audits, alarms, notifies, measures and submits from what the
 * loop read of three hosts ({@code h1} carries a protected VM {@code db} and an unprotected {@code web}), with a
 * ten-second window and a five-second fence retry.
 */
class HaDeciderTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final Room room = TestRooms.room()
            .host("h1", 16, 64).host("h2", 16, 64).host("h3", 16, 64)
            .vm("db", "h1", 2, 4, 2, "db").vm("web", "h1", 2, 4, 0, "web")
            .build();
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final HaDecider decider = new HaDecider(RETRY);
    private final AtomicInteger operations = new AtomicInteger();

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    private Host host(String id) {
        return room.host(id).orElseThrow();
    }

    private static HaDecider.Armed connected() {
        return new HaDecider.Armed(true, Optional.empty(), Optional.empty(), () -> PowerState.ON, HaPolicy.DEFAULT);
    }

    private static HaDecider.Armed silent(PowerState power, AtomicInteger asked) {
        return new HaDecider.Armed(false, Optional.empty(), Optional.empty(), () -> {
            asked.incrementAndGet();
            return power;
        }, HaPolicy.DEFAULT);
    }

    /** One pass over the three hosts: {@code h1} as read, the others answering. */
    private List<HaEffect> pass(HaDecider.Reading h1, int second) {
        List<HaEffect> effects = new ArrayList<>(decider.judge(host("h1"), h1, at(second)));
        effects.addAll(decider.judge(host("h2"), connected(), at(second)));
        effects.addAll(decider.judge(host("h3"), connected(), at(second)));
        return effects;
    }

    /** h1 answers at 0, falls silent at 1 with its power off, and is judged dead at 2. */
    private List<HaEffect> powerLoss() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(pass(connected(), 0)).isEmpty();
        assertThat(pass(silent(PowerState.OFF, asked), 1)).containsExactly(
                new HaEffect.Audit("ha.host.suspect", "h1", "host h1 HEALTHY -> SUSPECT: keepalive lost at " + at(1)));
        return pass(silent(PowerState.OFF, asked), 2);
    }

    /** The failover the decider asks for, planned by the real planner and submitted as the next operation. */
    private HaEffect.SubmitFailover submitFailover(Room observed, int second) {
        assertThat(decider.failoverWanted(observed, at(second))).isTrue();
        List<HaEffect> effects = decider.recover(observed, id -> !id.equals("h1"), at(second));
        return (HaEffect.SubmitFailover) effects.getLast();
    }

    private List<HaEffect> submit(HaEffect.SubmitFailover failover) {
        FailoverPlan plan = FailoverPlanner.standard().plan(failover.view(), failover.failedHostIds(),
                FailoverPolicy.DEFAULT.withUnavailableHosts(failover.unavailable()));
        return decider.submitted(plan, Optional.of("op-" + operations.incrementAndGet()), Map.of("h1", 0));
    }

    private List<HaEffect> fenceStep(FailoverEnd.StepResult result, int second) {
        String outcome = result == FailoverEnd.StepResult.DONE ? "DONE" : "FAILED";
        return decider.ended(new FailoverEnd("op-" + operations.get(), outcome, Optional.empty(), List.of(
                new FailoverEnd.StepEnd(result, Optional.of(at(second)), "power off"))), room, at(second));
    }

    private static List<String> audits(List<HaEffect> effects) {
        return effects.stream().filter(HaEffect.Audit.class::isInstance).map(e -> ((HaEffect.Audit) e).action())
                .toList();
    }

    private static <T extends HaEffect> List<T> only(List<HaEffect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aHostWhosePowerIsLostIsFencedThenFailedOverThenRecoveredWhenItsProtectedVmRunsElsewhere() {
        List<HaEffect> dead = powerLoss();

        assertThat(audits(dead)).containsExactly("ha.host.fencing");
        assertThat(dead).contains(new HaEffect.MeterDetected(Duration.ofSeconds(1)));
        assertThat(only(dead, HaEffect.Notify.class)).extracting(HaEffect.Notify::kind).containsExactly("ha.host.dead");
        assertThat(decider.health("h1")).isEqualTo(HostHealth.FENCING);

        HaEffect.SubmitFailover failover = submitFailover(room, 2);
        assertThat(failover.failedHostIds()).containsExactly("h1");
        assertThat(failover.toFence()).containsExactly("h1");
        assertThat(failover.unavailable()).contains("h1");
        assertThat(failover.view().host("h1").orElseThrow().state()).isNotEqualTo(dev.paddock.model.HostState.CONNECTED);
        List<HaEffect> submitted = submit(failover);
        assertThat(submitted).singleElement().isInstanceOfSatisfying(HaEffect.Audit.class, audit -> {
            assertThat(audit.action()).isEqualTo("ha.restart.planned");
            assertThat(audit.subjectId()).isEqualTo("id-db");
            assertThat(audit.detail()).endsWith("in operation op-1");
        });
        assertThat(decider.following()).contains("op-1");
        assertThat(decider.nextPass(at(2), PERIOD, RECHECK)).as("h1 became suspect since last asked")
                .isEqualTo(Duration.ZERO);
        assertThat(decider.nextPass(at(2), PERIOD, RECHECK)).as("a failover under way is looked at often")
                .isEqualTo(RECHECK);

        List<HaEffect> confirmed = fenceStep(FailoverEnd.StepResult.DONE, 3);

        assertThat(audits(confirmed)).containsExactly("ha.fence.confirmed", "ha.failover.done");
        assertThat(confirmed).contains(new HaEffect.MeterFenced(Duration.ofSeconds(1)),
                new HaEffect.MeterFailover("DONE"));
        assertThat(only(confirmed, HaEffect.Notify.class)).extracting(HaEffect.Notify::kind)
                .containsExactly("ha.fence.confirmed");
        assertThat(decider.health("h1")).isEqualTo(HostHealth.RECOVERING);
        assertThat(decider.following()).isEmpty();

        Room restarted = room.with(room.vm("id-db").orElseThrow().withHost("h2"));
        assertThat(decider.failoverWanted(restarted, at(5))).as("a recovering host wants its VMs settled").isTrue();
        List<HaEffect> recovered = decider.recover(restarted, id -> !id.equals("h1"), at(5));

        assertThat(recovered).containsExactly(
                new HaEffect.Audit("ha.host.fenced", "h1",
                        "host h1 recovered: every protected VM of it is running elsewhere"),
                new HaEffect.MeterRestarted(Duration.ofSeconds(2)),
                new HaEffect.Notify("ha.recovered", "h1",
                        "host h1 recovered: every protected VM of it is running elsewhere"));
        assertThat(decider.health("h1")).isEqualTo(HostHealth.FENCED);
        assertThat(decider.failoverWanted(restarted, at(6))).isFalse();
    }

    @Test
    void aHostJudgedDeadIsNotAskedForItsPowerAgain() {
        powerLoss();
        AtomicInteger asked = new AtomicInteger();

        pass(silent(PowerState.OFF, asked), 3);

        assertThat(asked).hasValue(0);
    }

    @Test
    void aFailingFenceIsAuditedAtItsFirstAndEveryTwelfthFailureAlarmedOnceAndRetriedAfterTheDelay() {
        powerLoss();
        List<String> audited = new ArrayList<>();
        List<HaEffect.RaiseAlarm> alarms = new ArrayList<>();
        int failures = 0;
        int second = 2;
        for (int attempt = 1; attempt <= 24; attempt++) {
            assertThat(submit(submitFailover(room, second))).isNotEmpty();
            List<HaEffect> failed = fenceStep(FailoverEnd.StepResult.FAILED, second);
            assertThat(failed).contains(new HaEffect.MeterFenceFailure(), new HaEffect.MeterFailover("FAILED"));
            assertThat(audits(failed)).contains("ha.failover.failed");
            only(failed, HaEffect.Audit.class).stream().filter(a -> a.action().equals("ha.fence.failed"))
                    .forEach(a -> audited.add(a.detail().replaceAll(".*\\(", "(")));
            alarms.addAll(only(failed, HaEffect.RaiseAlarm.class));
            failures++;
            assertThat(decider.failoverWanted(room, at(second + 4))).as("no retry before the delay").isFalse();
            second += 5;
        }

        assertThat(failures).isEqualTo(24);
        assertThat(audited).containsExactly("(attempt 1)", "(attempt 12)", "(attempt 24)");
        assertThat(alarms).singleElement().satisfies(alarm -> {
            assertThat(alarm.kind()).isEqualTo("ha.fence.failed");
            assertThat(alarm.subjectId()).isEqualTo("h1");
            assertThat(alarm.message()).contains("none of its VMs is restarted");
        });
        assertThat(decider.health("h1")).isEqualTo(HostHealth.FENCING);

        submit(submitFailover(room, second));
        assertThat(audits(fenceStep(FailoverEnd.StepResult.DONE, second)))
                .containsExactly("ha.fence.confirmed", "ha.failover.done");
    }

    @Test
    void aFenceStepNeverBegunLeavesItsHostDueWithoutAFailure() {
        powerLoss();
        submit(submitFailover(room, 2));

        List<HaEffect> ended = decider.ended(new FailoverEnd("op-1", "FAILED", Optional.of("an earlier step failed"),
                List.of(new FailoverEnd.StepEnd(FailoverEnd.StepResult.NOT_ENDED, Optional.empty(), ""))), room,
                at(3));

        assertThat(ended).containsExactly(new HaEffect.MeterFailover("FAILED"), new HaEffect.Audit(
                "ha.failover.failed", "op-1", "failover operation op-1 ended FAILED: an earlier step failed"));
        assertThat(decider.failoverWanted(room, at(3))).isTrue();
    }

    @Test
    void anOperationTheJournalLostEndsAsLostAndItsHostIsFencedAgain() {
        powerLoss();
        submit(submitFailover(room, 2));

        assertThat(decider.ended(FailoverEnd.lost("op-1"), room, at(3))).containsExactly(
                new HaEffect.MeterFailover("LOST"),
                new HaEffect.Audit("ha.failover.lost", "op-1", "failover operation op-1 ended LOST"));
        assertThat(submitFailover(room, 3).toFence()).containsExactly("h1");
    }

    @Test
    void aVmLeftUnplacedIsAuditedAndAlarmedOnceAcrossPasses() {
        Unplaced big = new Unplaced("id-big", "big", "h1", "no host has room for it", Map.of());
        FailoverPlan plan = new FailoverPlan(List.of("h1"), List.of(), List.of(big), Resources.of(0, 0, 0, 0));

        List<HaEffect> first = decider.submitted(plan, Optional.empty(), Map.of());
        List<HaEffect> again = decider.submitted(plan, Optional.of("op-2"), Map.of("h1", 0));

        assertThat(first).containsExactly(
                new HaEffect.Audit("ha.restart.unplaced", "id-big", "VM big of h1 cannot restart: no host has room"
                        + " for it"),
                new HaEffect.RaiseAlarm("ha.restart.unplaced", "id-big", "VM big of host h1 cannot restart: no host"
                        + " has room for it"));
        assertThat(again).isEmpty();
        assertThat(decider.following()).contains("op-2");
    }

    @Test
    void disarmingAHostForgetsEverythingItRememberedOfIt() {
        powerLoss();
        submit(submitFailover(room, 2));
        assertThat(fenceStep(FailoverEnd.StepResult.FAILED, 2)).hasAtLeastOneElementOfType(HaEffect.RaiseAlarm.class);

        assertThat(pass(new HaDecider.Disarmed(), 3)).singleElement().isInstanceOfSatisfying(HaEffect.Audit.class,
                audit -> assertThat(audit.action()).isEqualTo("ha.host.disarmed"));
        assertThat(decider.health("h1")).isEqualTo(HostHealth.HEALTHY);
        assertThat(pass(new HaDecider.Disarmed(), 4)).as("a healthy host is disarmed quietly").isEmpty();

        // armed again and lost again: a new episode, counted and alarmed afresh, timed from its own decision
        AtomicInteger asked = new AtomicInteger();
        assertThat(pass(connected(), 10)).isEmpty();
        pass(silent(PowerState.OFF, asked), 11);
        assertThat(pass(silent(PowerState.OFF, asked), 12)).contains(new HaEffect.MeterDetected(Duration.ofSeconds(1)));
        submit(submitFailover(room, 12));
        List<HaEffect> failed = fenceStep(FailoverEnd.StepResult.FAILED, 12);
        assertThat(only(failed, HaEffect.Audit.class)).anySatisfy(a -> assertThat(a.detail()).endsWith("(attempt 1)"));
        assertThat(failed).hasAtLeastOneElementOfType(HaEffect.RaiseAlarm.class);
        submit(submitFailover(room, 17));
        assertThat(fenceStep(FailoverEnd.StepResult.DONE, 20)).contains(new HaEffect.MeterFenced(Duration.ofSeconds(8)));
    }

    @Test
    void aFencedHostBackOnHasItsStaleDefinitionsCleanedAndItsVmsRestartedInPlace() {
        powerLoss();
        submit(submitFailover(room, 2));
        fenceStep(FailoverEnd.StepResult.DONE, 3);
        decider.recover(room.with(room.vm("id-db").orElseThrow().withHost("h2")), id -> !id.equals("h1"), at(4));
        assertThat(decider.health("h1")).isEqualTo(HostHealth.FENCED);

        List<HaEffect> back = pass(connected(), 30);

        assertThat(back).containsExactly(
                new HaEffect.Audit("ha.host.healthy", "h1", "host h1 FENCED -> HEALTHY: keepalive answers"),
                new HaEffect.CleanStale("h1"), new HaEffect.RestartInPlace("h1"));
    }

    @Test
    void aHostBackOnCleansTheDefinitionsOfVmsRunningElsewhereAndRestartsTheProtectedOnesThatRanNowhere() {
        Room after = TestRooms.room().host("h1", 16, 64).host("h2", 16, 64)
                .vm("db", "h2", 2, 4, 2, "db").vm("app", "h1", 2, 4, 1, "app").vm("web", "h1", 2, 4, 0, "web")
                .build();
        List<DomainInfo> domains = List.of(domain("db", VmState.STOPPED), domain("app", VmState.STOPPED),
                domain("web", VmState.STOPPED), domain("other", VmState.RUNNING));

        assertThat(HaDecider.staleDefinitions("h1", domains, after)).containsExactly(
                new HaDecider.StaleDefinition(domain("db", VmState.STOPPED), "h2"));
        assertThat(HaDecider.restartsInPlace("h1", domains, after)).containsExactly("id-app");
        assertThat(HaDecider.staleRemoved(after.host("h1").orElseThrow(),
                HaDecider.staleDefinitions("h1", domains, after), "op-9")).containsExactly(new HaEffect.Audit(
                "ha.stale.undefined", "id-db", "removes the stale definition of VM db from host h1 in operation op-9:"
                        + " it runs on h2"));
    }

    private static DomainInfo domain(String name, VmState state) {
        return new DomainInfo("id-" + name, name, "h1", state, 2, 4096, true);
    }

    /**
     * The loop passes again at once after a host became suspect (its device is asked on that pass), then every
     * recheck, and at the very end of the detection window rather than up to a recheck after it.
     */
    @Test
    void theNextPassComesAtOnceAfterASuspectThenEveryRecheckAndAtTheEndOfItsWindow() {
        AtomicInteger asked = new AtomicInteger();
        pass(connected(), 0);
        assertThat(decider.nextPass(at(0), PERIOD, RECHECK)).isEqualTo(PERIOD);

        pass(silent(PowerState.ON, asked), 1);
        assertThat(decider.nextPass(at(1), PERIOD, RECHECK)).isEqualTo(Duration.ZERO);
        pass(silent(PowerState.ON, asked), 1);
        assertThat(decider.nextPass(at(1), PERIOD, RECHECK)).isEqualTo(RECHECK);

        Instant almost = at(11).minusMillis(200);
        assertThat(decider.nextPass(almost, PERIOD, RECHECK)).as("the window of h1 ends at 11 s")
                .isEqualTo(Duration.ofMillis(200));
        assertThat(decider.nextPass(at(12), PERIOD, RECHECK)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aHostInMaintenanceIsNeitherJudgedNorFenced() {
        assertThat(pass(connected(), 0)).isEmpty();
        assertThat(pass(new HaDecider.InMaintenance(), 1)).containsExactly(new HaEffect.Audit(
                "ha.host.maintenance", "h1", "host h1 HEALTHY -> MAINTENANCE: maintenance entered"));

        for (int second = 2; second < 120; second += 5) {
            assertThat(pass(new HaDecider.InMaintenance(), second)).isEmpty();
            assertThat(decider.failoverWanted(room, at(second))).isFalse();
        }
        assertThat(decider.health("h1")).isEqualTo(HostHealth.MAINTENANCE);
        assertThat(decider.nextPass(at(120), PERIOD, RECHECK)).isEqualTo(PERIOD);
    }

    @Test
    void anIsolatedHostIsNotifiedAndNeitherFencedNorFailedOver() {
        HaDecider.Armed cutOff = new HaDecider.Armed(false, Optional.empty(), Optional.of(at(29)),
                () -> PowerState.ON, HaPolicy.DEFAULT);
        pass(connected(), 0);
        pass(cutOff, 1);

        List<HaEffect> isolated = pass(cutOff, 30);

        assertThat(audits(isolated)).containsExactly("ha.host.isolated");
        assertThat(only(isolated, HaEffect.Notify.class)).extracting(HaEffect.Notify::kind)
                .containsExactly("ha.host.isolated");
        assertThat(decider.failoverWanted(room, at(30))).isFalse();
    }
}

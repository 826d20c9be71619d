package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.sim.Fault;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.hypervisor.DomainBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A thousand seeded HA scenarios on the simulated room (crashes, multiple failures, flapping, isolation,
 * partitions with and without the BMC, failing fence devices, fast reboots, manager crashes), each driven second
 * by second on a manual clock through {@link HaLoop}, with invariants checked after every incident and every tick:
 *
 * <ul>
 *   <li>no VM runs on two hosts;
 *   <li>no VM is started away from its host before that host's fence is confirmed;
 *   <li>at the end, every protected VM runs again when admission control said the cluster could absorb the
 *       failures that happened.
 * </ul>
 *
 * A violation names the seed and the command that replays it alone ({@code -Dha.seed=N}, which also prints the
 * scenario's audit log); {@code -Dha.scenarios=N} runs more seeds than the usual thousand.
 */
class HaSimulationTest {

    static final int SCENARIOS = 1_000;

    @Test
    void aScenarioReplaysIdenticallyFromItsSeed() {
        for (long seed : new long[] {4, 5, 8, 17}) {
            Run first = new Run(HaScenario.generate(seed), HaLoop.Flaw.NONE);
            Run second = new Run(HaScenario.generate(seed), HaLoop.Flaw.NONE);
            first.play();
            second.play();
            assertThat(first.audit).as("seed %d", seed).isNotEmpty().isEqualTo(second.audit);
        }
    }

    /** Within seconds: after a single host crash, every protected VM runs again within the window plus 5 s. */
    @Test
    void aSingleCrashIsRecoveredWithinAFewSecondsSinceItsPowerControllerReportsItOff() {
        long slowest = 0;
        int measured = 0;
        for (long seed = 0; seed < 300; seed++) {
            HaScenario scenario = HaScenario.generate(seed);
            if (!scenario.kind().equals("crash") || scenario.timeline().stream()
                    .anyMatch(t -> t.incident() instanceof HaScenario.Incident.ManagerCrash)) {
                continue;
            }
            Run run = new Run(scenario, HaLoop.Flaw.NONE);
            run.play();
            if (run.promised) {
                measured++;
                slowest = Math.max(slowest, run.lastRecoverySeconds());
            }
        }
        assertThat(measured).isGreaterThan(10);
        // a crashed host's BMC reports it off, so it is judged without waiting for the whole detection window
        long window = HaPolicy.DEFAULT_DETECTION_WINDOW.toSeconds();
        assertThat(slowest).as("slowest recovery over %d crashes", measured).isPositive().isLessThan(window);
    }

    @Test
    void aLoopThatRestartsWithoutAConfirmedFenceIsCaught() {
        List<String> caught = new ArrayList<>();
        for (long seed = 0; seed < 60; seed++) {
            Run run = new Run(HaScenario.generate(seed), HaLoop.Flaw.RESTARTS_WITHOUT_FENCE);
            run.play();
            caught.addAll(run.violations);
        }
        assertThat(caught).anyMatch(v -> v.contains("not confirmed fenced"));
        assertThat(caught).anyMatch(v -> v.contains("runs on") && v.contains(" and "));
    }

    @Test
    void aLoopThatNeverRestartsIsCaughtWhereverCapacityWasPromised() {
        int caught = 0;
        for (long seed = 0; seed < 40; seed++) {
            Run run = new Run(HaScenario.generate(seed), HaLoop.Flaw.NEVER_RESTARTS);
            run.play();
            caught += run.violations.stream().anyMatch(v -> v.contains("at the end, although admission")) ? 1 : 0;
        }
        assertThat(caught).isGreaterThan(5);
    }

    @Test
    void aThousandSeededScenariosKeepEveryInvariant() {
        Optional<Long> only = Optional.ofNullable(System.getProperty("ha.seed")).map(Long::parseLong);
        int count = Integer.getInteger("ha.scenarios", SCENARIOS);
        List<Long> seeds = only.map(List::of).orElseGet(() -> LongStream.range(0, count).boxed().toList());
        List<String> violations = new ArrayList<>();
        HaMetrics metrics = new HaMetrics();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        int promised = 0;
        for (long seed : seeds) {
            Run run = new Run(HaScenario.generate(seed), HaLoop.Flaw.NONE);
            run.play();
            promised += run.promised ? 1 : 0;
            kinds.merge(run.scenario.kind(), 1, Integer::sum);
            metrics.addAll(run.metrics);
            if (!run.violations.isEmpty()) {
                violations.add("seed " + seed + " (" + run.scenario.kind() + "): " + run.violations.get(0)
                        + "\n  replay: mvn -B -q -pl paddock-engine verify -Dtest='HaSimulationTest#aThousand*' -Dha.seed=" + seed
                        + (only.isPresent() ? "\n  audit:\n    " + String.join("\n    ", run.audit) : ""));
            }
        }
        System.out.println("HA simulation: " + seeds.size() + " scenarios " + kinds + ", " + promised
                + " with restarts promised by admission control; "
                + HaMetrics.summary("detect", metrics.detect) + "; " + HaMetrics.summary("fence", metrics.fence)
                + "; " + HaMetrics.summary("recover", metrics.recover));
        assertThat(violations).as(String.join("\n", violations.subList(0, Math.min(10, violations.size()))))
                .isEmpty();
        if (only.isEmpty()) {
            assertThat(promised).as("scenarios where every protected VM had to run again").isGreaterThan(SCENARIOS / 3);
        }
    }

    /** One scenario on its own sim, clock, BMCs, datastore heartbeats, inventory and audit log. */
    static final class Run {
        final HaScenario scenario;
        final List<String> violations = new ArrayList<>();
        final List<String> audit = new ArrayList<>();
        final HaMetrics metrics = new HaMetrics();
        private final ManualClock clock = ManualClock.atEpochOf2030();
        private final SimulatedHypervisor sim;
        private final SimulatedFenceAgent power;
        private final Map<String, Vm> inventory = new LinkedHashMap<>();
        private final Map<String, Instant> heartbeats = new HashMap<>();
        private final Set<String> storageCut = new HashSet<>();
        private final Set<String> everOff = new HashSet<>();
        private final GuardedHypervisor guarded;
        private final HaLoop.Flaw flaw;
        private HaLoop loop;
        boolean promised;
        private int lastDownSecond = -1;

        Run(HaScenario scenario, HaLoop.Flaw flaw) {
            this.scenario = scenario;
            this.flaw = flaw;
            Room room = scenario.room();
            sim = SimulatedHypervisor.create(clock, scenario.seed());
            for (Host host : room.hosts()) {
                sim.addHost(host.id(), host.capacity());
            }
            for (Vm vm : room.vms()) {
                sim.addDomain(vm.hostId().orElseThrow(), DomainBuilder.specOf(vm, room), vm.state());
                inventory.put(vm.id(), vm);
            }
            power = new SimulatedFenceAgent(sim);
            guarded = new GuardedHypervisor(sim, this::checkStart);
            loop = newLoop();
        }

        private HaLoop newLoop() {
            return new HaLoop(scenario.room(), inventory, guarded, power,
                    host -> Optional.ofNullable(heartbeats.get(host)), HaPolicy.DEFAULT, audit, metrics, flaw);
        }

        void play() {
            boolean admitted = AdmissionControl.standard().check(scenario.room(), "c1").admitted();
            int next = 0;
            List<HaScenario.Timed> timeline = scenario.timeline();
            for (int second = 0; second <= scenario.seconds() && violations.isEmpty(); second++) {
                while (next < timeline.size() && timeline.get(next).second() == second) {
                    HaScenario.Incident incident = timeline.get(next++).incident();
                    apply(incident);
                    audit.add(clock.now() + " incident " + incident);
                    checkNoVmOnTwoHosts("after " + incident + " at " + second + " s");
                }
                beat();
                loop.tick(clock.now());
                checkNoVmOnTwoHosts("after the HA loop's tick at " + second + " s");
                if (!allProtectedVmsRun()) {
                    lastDownSecond = second;
                }
                clock.advance(Duration.ofSeconds(1));
            }
            int tolerated = scenario.room().clusters().iterator().next().toleratedHostFailures();
            if (violations.isEmpty() && admitted && everOff.size() <= tolerated) {
                promised = true;
                checkEveryProtectedVmRuns(tolerated);
            }
        }

        private void apply(HaScenario.Incident incident) {
            switch (incident) {
                case HaScenario.Incident.Crash crash -> sim.inject(new Fault.HostCrash(crash.host()));
                case HaScenario.Incident.PowerOn on -> {
                    sim.inject(new Fault.HostPowerOn(on.host()));
                    power.poweredOnElsewhere(on.host());
                }
                case HaScenario.Incident.Isolate isolate -> sim.inject(new Fault.HostIsolation(isolate.host()));
                case HaScenario.Incident.Reconnect reconnect -> sim.heal(new Fault.HostIsolation(reconnect.host()));
                case HaScenario.Incident.CutStorage cut -> storageCut.add(cut.host());
                case HaScenario.Incident.RestoreStorage restore -> storageCut.remove(restore.host());
                case HaScenario.Incident.CutBmc cut -> power.cut(cut.host());
                case HaScenario.Incident.RestoreBmc restore -> power.restore(restore.host());
                case HaScenario.Incident.FailFences fail -> power.failNext(fail.calls());
                case HaScenario.Incident.ManagerCrash crash -> {
                    scenario.room().hosts().forEach(h -> sim.detach(h.id()));
                    loop = newLoop();
                }
            }
        }

        /** A host that is powered on and sees its storage writes its heartbeat on the shared datastore. */
        private void beat() {
            for (SimHostStatus host : sim.hosts()) {
                if (host.poweredOn() && !storageCut.contains(host.hostname())) {
                    heartbeats.put(host.hostname(), clock.now());
                }
                if (!host.poweredOn()) {
                    everOff.add(host.hostname());
                }
            }
        }

        private void checkNoVmOnTwoHosts(String when) {
            Map<String, String> runningOn = new HashMap<>();
            for (SimHostStatus host : sim.hosts()) {
                for (DomainInfo domain : sim.domainsOn(host.hostname())) {
                    if (isActive(domain)) {
                        String other = runningOn.put(domain.uuid(), host.hostname());
                        if (other != null) {
                            violations.add("VM " + domain.name() + " runs on " + other + " and " + host.hostname()
                                    + " " + when);
                        }
                    }
                }
            }
        }

        /** Before any start: the VM's last host must be confirmed fenced, or reachable and not running it. */
        private void checkStart(String hostId, String uuid) {
            Vm vm = inventory.get(uuid);
            String from = vm.hostId().orElseThrow();
            if (from.equals(hostId)) {
                return;
            }
            SimHostStatus status = sim.hosts().stream().filter(h -> h.hostname().equals(from)).findFirst().orElseThrow();
            boolean reachable = status.poweredOn() && !status.isolated();
            boolean runsThere = sim.domainsOn(from).stream().anyMatch(d -> d.uuid().equals(uuid) && isActive(d));
            if (!power.confirmedOff(from) && !(reachable && !runsThere)) {
                violations.add("VM " + vm.name() + " started on " + hostId + " at " + clock.now() + " while its host "
                        + from + " was " + (status.poweredOn() ? "on" : "off") + " and not confirmed fenced");
            }
        }

        private void checkEveryProtectedVmRuns(int tolerated) {
            for (Vm vm : scenario.room().vms()) {
                if (!vm.isProtected() || vm.state() != VmState.RUNNING) {
                    continue;
                }
                long running = sim.hosts().stream()
                        .flatMap(h -> sim.domainsOn(h.hostname()).stream())
                        .filter(d -> d.uuid().equals(vm.id()) && isActive(d))
                        .count();
                if (running != 1) {
                    violations.add("protected VM " + vm.name() + " (priority " + vm.haPriority() + ") runs on "
                            + running + " hosts at the end, although admission control said cluster c1 absorbs "
                            + tolerated + " failure(s) and " + everOff.size() + " host(s) went down " + everOff);
                    return;
                }
            }
        }

        /** Seconds from the first incident to the last tick at which a protected VM was still down. */
        long lastRecoverySeconds() {
            int first = scenario.timeline().get(0).second();
            return lastDownSecond < first ? 0 : lastDownSecond + 1 - first;
        }

        private boolean allProtectedVmsRun() {
            Set<String> running = new HashSet<>();
            for (SimHostStatus host : sim.hosts()) {
                sim.domainsOn(host.hostname()).stream().filter(Run::isActive).forEach(d -> running.add(d.uuid()));
            }
            return scenario.room().vms().stream()
                    .filter(vm -> vm.isProtected() && vm.state() == VmState.RUNNING)
                    .allMatch(vm -> running.contains(vm.id()));
        }

        private static boolean isActive(DomainInfo domain) {
            return domain.state() == VmState.RUNNING || domain.state() == VmState.PAUSED;
        }
    }
}

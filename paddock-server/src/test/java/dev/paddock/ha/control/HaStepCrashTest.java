package dev.paddock.ha.control;

import static dev.paddock.operation.ChildJvm.await;
import static dev.paddock.operation.ChildJvm.follow;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.VmState;
import dev.paddock.operation.ChildJvm;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.StepState;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.TestDatabases;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server killed with {@code kill -9} in the middle of one of HA's own steps finishes it once on restart: the
 * fence of a hung host (the host is powered off once, whether the kill came before or after the BMC acted) and
 * the removal of stale definitions from a fenced host back on (each definition removed once). At the kill the
 * journal shows the step RUNNING; after the restart DONE, and the room's counters show each effect once. The
 * server is {@link HaStepCrashChild}, a real JVM; the simulated room survives in its state file.
 */
class HaStepCrashTest {

    @TempDir
    Path directory;

    private Path database;
    private Path stateFile;

    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "while the BMC is slow to power the hung host off,         FENCE BEGIN,        300",
        "just after the BMC powered it off (the step not yet done), EFFECT POWERED OFF, 0",
    })
    void aServerKilledDuringAFenceFinishesItOnRestartPoweringTheHostOffOnce(String when, String line, long delay)
            throws Exception {
        List<String> killed = killAt("fence", line, delay);
        OperationView atKill = failoverAtKill();
        assertThat(atKill.steps().getFirst().description()).startsWith("fence host h1");
        assertThat(atKill.steps().getFirst().state()).as("the fence step at the kill").isEqualTo(StepState.RUNNING);

        List<String> resumed = resume("resume-fence");

        assertThat(concat(killed, resumed)).as("power-offs of node-1 by both servers")
                .filteredOn(l -> l.startsWith("EFFECT POWERED OFF")).hasSize(1);
        List<OperationView> failovers = operations(HaController.FAILOVER_KIND);
        OperationView resumedFailover = failovers.stream().filter(op -> op.id().equals(atKill.id())).findFirst()
                .orElseThrow();
        assertThat(resumedFailover.state()).isEqualTo(OperationState.DONE);
        assertThat(resumedFailover.steps()).extracting(OperationView.StepView::state).containsOnly(StepState.DONE);
        boolean offBeforeKill = killed.stream().anyMatch(l -> l.startsWith("EFFECT POWERED OFF"));
        assertThat(resumedFailover.steps().getFirst().log()).as("the resumed fence step's log")
                .startsWith(offBeforeKill ? "host h1 already off" : "fenced host h1");
        assertThat(failovers).as("fence steps that powered node-1 off")
                .flatMap(OperationView::steps)
                .filteredOn(step -> step.description().startsWith("fence host") && step.log().startsWith("fenced"))
                .hasSize(offBeforeKill ? 0 : 1);
        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedHypervisor room = RoomFile.load(stateFile, clock);
            try {
                assertThat(room.hosts()).filteredOn(h -> h.hostname().equals("node-1"))
                        .extracting(SimHostStatus::poweredOn).containsExactly(false);
                for (int i = 1; i <= HaStepCrashChild.VMS; i++) {
                    String vm = "v" + i;
                    assertThat(runningOn(room, vm)).as("hosts running " + vm).hasSize(1).doesNotContain("node-1");
                    assertThat(room.effects(vm).started()).as("starts of " + vm).isEqualTo(1);
                }
            } finally {
                room.close();
            }
        }
    }

    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "during the first slow undefine,                            CLEAN-STALE,        300",
        "during the second slow undefine (the first one done),      EFFECT UNDEFINED,   300",
    })
    void aServerKilledWhileRemovingStaleDefinitionsFinishesOnRestartRemovingEachOnce(String when, String line,
            long delay) throws Exception {
        killAt("stale", line, delay);
        OperationView atKill = operations(HaController.CLEAN_STALE_KIND).getFirst();
        assertThat(atKill.steps()).extracting(OperationView.StepView::state).as("the clean-up at the kill")
                .contains(StepState.RUNNING);

        resume("resume-stale");

        List<OperationView> cleanUps = operations(HaController.CLEAN_STALE_KIND);
        assertThat(cleanUps).as("clean-up operations").singleElement().satisfies(op -> {
            assertThat(op.state()).isEqualTo(OperationState.DONE);
            assertThat(op.steps()).hasSize(HaStepCrashChild.VMS).extracting(OperationView.StepView::state)
                    .containsOnly(StepState.DONE);
        });
        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedHypervisor room = RoomFile.load(stateFile, clock);
            try {
                for (int i = 1; i <= HaStepCrashChild.VMS; i++) {
                    String vm = "v" + i;
                    assertThat(room.domainsOn("node-1")).extracting(DomainInfo::uuid).doesNotContain(vm);
                    assertThat(room.effects(vm).undefined()).as("definitions of " + vm + " removed").isEqualTo(1);
                    assertThat(runningOn(room, vm)).as("hosts running " + vm).hasSize(1).doesNotContain("node-1");
                }
            } finally {
                room.close();
            }
        }
    }

    /** Starts the server in {@code mode}, kills it {@code delay} ms after it printed {@code line}; its output. */
    private List<String> killAt(String mode, String line, long delay) throws Exception {
        database = directory.resolve("db");
        stateFile = directory.resolve("room.state");
        Process first = child(mode);
        BlockingQueue<String> lines = follow(first);
        await(lines, line);
        Thread.sleep(delay);
        first.destroyForcibly();
        assertThat(first.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        List<String> seen = new ArrayList<>(List.of(line));
        seen.addAll(lines);
        return seen;
    }

    private List<String> resume(String mode) throws Exception {
        Process second = child(mode);
        BlockingQueue<String> resumed = follow(second);
        assertThat(second.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the restarted server ends").isTrue();
        List<String> lines = List.copyOf(resumed);
        assertThat(lines).as("output of the restarted server").contains("FINISHED");
        return lines;
    }

    private OperationView failoverAtKill() {
        List<OperationView> failovers = operations(HaController.FAILOVER_KIND);
        assertThat(failovers).as("failover operations at the kill").singleElement();
        return failovers.getFirst();
    }

    /** The journal's operations of {@code kind}, oldest first. */
    private List<OperationView> operations(String kind) {
        try (HikariDataSource dataSource = TestDatabases.h2(database)) {
            List<OperationView> all = new ArrayList<>(new JdbcOperationJournal(dataSource).list(0, 100).items());
            java.util.Collections.reverse(all);
            return all.stream().filter(op -> op.kind().equals(kind)).toList();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> runningOn(SimulatedHypervisor room, String vm) {
        List<String> where = new ArrayList<>();
        for (SimHostStatus host : room.hosts()) {
            for (DomainInfo domain : room.domainsOn(host.hostname())) {
                if (domain.uuid().equals(vm) && domain.state() == VmState.RUNNING) {
                    where.add(host.hostname());
                }
            }
        }
        return where;
    }

    private Process child(String mode) throws IOException {
        return ChildJvm.start(HaStepCrashChild.class, directory.resolve("child-" + mode + ".log"),
                database.toString(), stateFile.toString(), mode);
    }
}

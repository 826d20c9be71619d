package dev.paddock.operation;

import static dev.paddock.operation.ChildJvm.await;
import static dev.paddock.operation.ChildJvm.follow;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.Effects;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.Page;
import dev.paddock.store.TestDatabases;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server killed with {@code kill -9} in the middle of an operation, or of its rollback, finishes it on
 * restart, exactly once: one operation in the journal, every step in its final state, and no domain changed
 * twice (the room's effect counters, and the effects both servers reported, add up to each change once).
 * The server is {@link CrashChild}, a real JVM; the simulated room survives in its state file.
 */
class CrashRecoveryTest {


    @TempDir
    Path directory;

    private Path database;
    private Path stateFile;
    /** Effects the killed server reported. */
    private long effectsBefore;

    /**
     * Kill after the child reported {@code effects} effects, then waited {@code delayMillis}. Every define and
     * start takes {@link CrashChild#SLOW}, so a kill lands inside a step or just after one, never after the end.
     */
    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "during the first slow define,                  0, 250",
        "just after the first domain was defined,       1, 0",
        "during the first slow start,                   1, 250",
        "just after the first domain was started,       2, 0",
        "during the second slow define,                 2, 250",
        "just after the second domain was defined,      3, 0",
    })
    void aKilledServerFinishesTheOperationOnceOnRestart(String when, int effects, long delayMillis) throws Exception {
        long effectsAfter = killAndRestart("submit", effects, delayMillis);
        assertThat(effectsAfter).as("effects left to the restarted server").isEqualTo(4 - effectsBefore);

        OperationView operation = theOnlyOperation();
        assertThat(operation.state()).isEqualTo(OperationState.DONE);
        assertThat(operation.steps()).extracting(OperationView.StepView::state).containsOnly(StepState.DONE);
        try (HikariDataSource dataSource = TestDatabases.h2(database)) {
            assertThat(new JdbcInventoryStore(dataSource).vmsOnHost("h1")).hasSize(2);
        }
        assertThat(effectsOn("v1")).as("effects on v1").isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
        assertThat(effectsOn("v2")).as("effects on v2").isEqualTo(new Effects(1, 1, 0, 0, 0, 0));
    }

    /**
     * The operation is cancelled once its first VM has started (two effects: defined, started); its rollback
     * powers that VM off and undefines it, each slowly. Kill during the rollback.
     */
    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "during the slow power-off of the rollback,    2, 250",
        "just after the rollback powered the VM off,   3, 0",
        "during the slow undefine of the rollback,     3, 250",
    })
    void aServerKilledWhileRollingBackFinishesTheRollbackOnceOnRestart(String when, int effects, long delayMillis)
            throws Exception {
        long effectsAfter = killAndRestart("submit-cancel", effects, delayMillis);
        assertThat(effectsAfter).as("effects left to the restarted server").isEqualTo(4 - effectsBefore);

        OperationView operation = theOnlyOperation();
        assertThat(operation.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(operation.steps()).extracting(OperationView.StepView::state).containsExactly(
                StepState.ROLLED_BACK, StepState.ROLLED_BACK, StepState.ROLLED_BACK,
                StepState.SKIPPED, StepState.SKIPPED, StepState.SKIPPED);
        try (HikariDataSource dataSource = TestDatabases.h2(database)) {
            assertThat(new JdbcInventoryStore(dataSource).vm("v1")).isEmpty();
        }
        assertThat(effectsOn("v1")).as("effects on v1").isEqualTo(new Effects(1, 1, 0, 1, 1, 0));
        assertThat(effectsOn("v2")).as("effects on v2").isEqualTo(Effects.NONE);
    }

    /**
     * Starts a server in {@code mode}, kills it after {@code effects} effects and {@code delayMillis}, restarts
     * it on the same files and waits for it to finish. Returns the effects of the restarted server; the
     * killed one's are in {@link #effectsBefore}.
     */
    private long killAndRestart(String mode, int effects, long delayMillis) throws Exception {
        database = directory.resolve("db");
        stateFile = directory.resolve("room.state");
        Process first = child(mode);
        BlockingQueue<String> lines = follow(first);
        await(lines, "SUBMITTED");
        for (int seen = 0; seen < effects; seen++) {
            await(lines, "EFFECT");
        }
        Thread.sleep(delayMillis);
        first.destroyForcibly();
        assertThat(first.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).as("the operation was still under way when the server was killed")
                .doesNotContain("FINISHED");
        effectsBefore = effects + lines.stream().filter(line -> line.startsWith("EFFECT")).count();

        Process second = child("resume");
        BlockingQueue<String> resumed = follow(second);
        assertThat(second.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the restarted server ends").isTrue();
        assertThat(second.exitValue()).as("exit code of the restarted server").isZero();
        assertThat(List.copyOf(resumed)).contains("FINISHED");
        long effectsAfter = resumed.stream().filter(line -> line.startsWith("EFFECT")).count();
        assertThat(effectsAfter).as("effects left to the restarted server").isPositive();
        return effectsAfter;
    }

    private OperationView theOnlyOperation() {
        try (HikariDataSource dataSource = TestDatabases.h2(database)) {
            Page<OperationView> operations = new JdbcOperationJournal(dataSource).list(0, 10);
            assertThat(operations.total()).as("operations in the journal").isEqualTo(1);
            return operations.items().getFirst();
        }
    }

    private Effects effectsOn(String uuid) {
        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedHypervisor room = RoomFile.load(stateFile, clock);
            try {
                return room.effects(uuid);
            } finally {
                room.close();
            }
        }
    }

    private Process child(String mode) throws IOException {
        return ChildJvm.start(CrashChild.class, directory.resolve("child-" + mode + ".log"), database.toString(),
                stateFile.toString(), mode);
    }
}

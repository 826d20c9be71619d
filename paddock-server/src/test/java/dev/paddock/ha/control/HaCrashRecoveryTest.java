package dev.paddock.ha.control;

import static dev.paddock.operation.ChildJvm.await;
import static dev.paddock.operation.ChildJvm.follow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.VmState;
import dev.paddock.operation.ChildJvm;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
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
 * A server killed with {@code kill -9} in the middle of a failover finishes it on restart without starting any VM
 * twice: the restarted server's HA controller fences the dead host again (a no-op on a host that is off), waits
 * for the runner to finish the journaled failover, learns where the VMs run and plans nothing more. The server is
 * {@link HaCrashChild}, a real JVM; the simulated room survives in its state file.
 */
class HaCrashRecoveryTest {


    @TempDir
    Path directory;

    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "as soon as the failover is journaled,       0, 0",
        "during the first slow start,                0, 900",
        "just after the first VM started again,      1, 0",
    })
    void aServerKilledDuringAFailoverFinishesItOnRestartStartingEachVmOnce(String when, int starts, long delayMillis)
            throws Exception {
        Path database = directory.resolve("db");
        Path stateFile = directory.resolve("room.state");
        Process first = child(database, stateFile, "crash");
        BlockingQueue<String> lines = follow(first);
        await(lines, "FAILOVER");
        for (int seen = 0; seen < starts; seen++) {
            await(lines, "EFFECT STARTED");
        }
        Thread.sleep(delayMillis);
        first.destroyForcibly();
        assertThat(first.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).as("the failover was still under way when the server was killed").doesNotContain("FINISHED");

        Process second = child(database, stateFile, "resume");
        BlockingQueue<String> resumed = follow(second);
        assertThat(second.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the restarted server ends").isTrue();
        assertThat(List.copyOf(resumed)).as("output of the restarted server").contains("FINISHED");

        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedHypervisor room = RoomFile.load(stateFile, clock);
            try {
                for (int i = 1; i <= HaCrashChild.VMS; i++) {
                    String vm = "v" + i;
                    assertThat(runningOn(room, vm)).as("hosts running " + vm).hasSize(1).doesNotContain("node-1");
                    assertThat(room.effects(vm).started()).as("starts of " + vm).isEqualTo(1);
                }
            } finally {
                room.close();
            }
        }
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

    private Process child(Path database, Path stateFile, String mode) throws IOException {
        return ChildJvm.start(HaCrashChild.class, directory.resolve("child-" + mode + ".log"), database.toString(),
                stateFile.toString(), mode);
    }
}

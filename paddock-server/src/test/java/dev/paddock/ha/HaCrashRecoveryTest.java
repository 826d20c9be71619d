package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.model.VmState;
import dev.paddock.sim.RealTimeClock;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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

    private static final long CHILD_TIMEOUT_SECONDS = 90;

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
        assertThat(first.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).as("the failover was still under way when the server was killed").doesNotContain("FINISHED");

        Process second = child(database, stateFile, "resume");
        BlockingQueue<String> resumed = follow(second);
        assertThat(second.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the restarted server ends").isTrue();
        assertThat(List.copyOf(resumed)).as("output of the restarted server").contains("FINISHED");

        try (RealTimeClock clock = new RealTimeClock()) {
            SimulatedHypervisor room = SimulatedHypervisor.load(stateFile, clock);
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), HaCrashChild.class.getName(),
                database.toString(), stateFile.toString(), mode)
                .redirectError(directory.resolve("child-" + mode + ".log").toFile())
                .start();
    }

    private static BlockingQueue<String> follow(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("UNREADABLE " + e.getMessage());
            }
        });
        return lines;
    }

    private static String await(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        while (true) {
            String line = lines.poll(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the child never printed " + prefix);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }
}

package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.operation.ChildJvm;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Paddock server killed with {@code kill -9} during a failover of a real lab host: the restarted server (same
 * store) fences again (a no-op on a host that is off), lets the runner finish the journaled failover, learns where
 * the VMs run and restarts each protected VM exactly once. The servers are {@link LabHaChild} JVMs; h1 dies by its
 * BMC. A {@link DiskWitness} polls libvirt on every host throughout: no disk is ever open by two running domains.
 */
@Tag("lab")
class LabHaCrashTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private static final int VMS = 3;
    private static final Duration FAILOVER = Duration.ofSeconds(120);

    @TempDir
    Path directory;

    @ParameterizedTest(name = "killed {0}")
    @CsvSource({
        "as the failover is submitted (fence step first),    ha.restart.planned",
        "as soon as the fence is audited confirmed,          ha.fence.confirmed",
    })
    void aServerKilledDuringAFailoverOfALabHostFinishesItStartingEachVmOnce(String when, String killAt)
            throws Exception {
        Lab lab = LAB.lab();
        Path data = directory.resolve("data");
        List<LabPaddock.SeededVm> vms = new ArrayList<>();
        Child first = Child.start(data, lab.shared(), directory.resolve("first.log"));
        LabPaddock.Registered registered;
        try (DiskWitness witness = DiskWitness.over(lab.directory(), lab.hosts().size())) {
            Child second = null;
            try {
                registered = first.paddock().register(lab, LabHaTest.WINDOW);
                for (int i = 0; i < VMS; i++) {
                    vms.add(first.seed(registered, 1, "crash-" + UUID.randomUUID().toString().substring(0, 8), VMS - i));
                }
                for (LabPaddock.SeededVm vm : vms) {
                    LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(60),
                            () -> lab.heartbeat(vm.disk()).orElse(0) >= 2);
                }

                lab.powerOff(1);
                String h1 = registered.host(1);
                LabAwait.until("the audit entry " + killAt, FAILOVER, () -> first.paddock().haEvents().stream()
                        .anyMatch(e -> e.path("action").asText().equals(killAt)));
                first.kill();

                second = Child.start(data, lab.shared(), directory.resolve("second.log"));
                LabPaddock paddock = second.paddock();
                LabAwait.until("h1's recovery finished by the restarted server", FAILOVER,
                        () -> paddock.haEvent("ha.host.fenced", h1));
                for (LabPaddock.SeededVm vm : vms) {
                    LabAwait.until(vm.name() + " running on one host other than h1", FAILOVER, () -> {
                        List<String> hosts = witness.runningOn(vm.name());
                        return hosts.size() == 1 && !hosts.contains("h1");
                    });
                }
                for (LabPaddock.SeededVm vm : vms) {
                    long atRestart = lab.heartbeat(vm.disk()).orElse(-1);
                    long[] seen = {-1};
                    LabAwait.until("a new heartbeat of " + vm.name(), Duration.ofSeconds(60), () -> {
                        seen[0] = lab.heartbeat(vm.disk()).orElse(atRestart);
                        return seen[0] != atRestart;
                    });
                    LabAwait.until("the heartbeat of " + vm.name() + " beyond " + seen[0], Duration.ofSeconds(60),
                            () -> lab.heartbeat(vm.disk()).orElse(0) > seen[0]);
                    Set<String> elsewhere = new HashSet<>(witness.everRanOn(vm.name()));
                    elsewhere.remove("h1");
                    assertThat(elsewhere).as("hosts other than h1 that ever ran " + vm.name()).hasSize(1);
                }
                assertThat(LabPaddock.qemuProcesses(1)).as("QEMU processes on the powered-off h1").isEmpty();
                assertThat(witness.conflicts()).as("moments two running domains used one disk").isEmpty();

                lab.powerOn(1);
                LabAwait.until("h1 healthy again", FAILOVER, () -> paddock.health(h1).equals("HEALTHY"));
                for (LabPaddock.SeededVm vm : vms) {
                    paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
                }
                for (LabPaddock.SeededVm vm : vms) {
                    LabAwait.until("VM " + vm.name() + " deleted", Duration.ofSeconds(60),
                            () -> paddock.get("/api/v1/vms/" + vm.id()).status() == 404);
                }
                assertThat(witness.conflicts()).as("moments two running domains used one disk").isEmpty();
            } finally {
                first.kill();
                if (second != null) {
                    second.stop();
                }
                if (lab.power(1) == Lab.Power.OFF) {
                    lab.powerOn(1);
                }
            }
        }
    }

    /** A {@link LabHaChild} server: its REST API, and its stdin for seeding VMs. */
    private record Child(Process process, BlockingQueue<String> lines, Writer commands, LabPaddock paddock) {

        static Child start(Path data, Path shared, Path log) throws IOException, InterruptedException {
            Process process = ChildJvm.start(LabHaChild.class, log, data.toString(), shared.toString(),
                    LabPaddock.TOKEN);
            BlockingQueue<String> lines = ChildJvm.follow(process);
            String url = ChildJvm.await(lines, "URL ").substring("URL ".length()).strip();
            return new Child(process, lines, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                    new LabPaddock(URI.create(url)));
        }

        LabPaddock.SeededVm seed(LabPaddock.Registered registered, int host, String name, int priority)
                throws IOException, InterruptedException {
            commands.write("seed " + registered.clusterId() + " " + registered.datastoreId() + " "
                    + registered.host(host) + " " + name + " " + priority + "\n");
            commands.flush();
            String[] seeded = ChildJvm.await(lines, "SEEDED ").split(" ");
            return new LabPaddock.SeededVm(seeded[1], name, Path.of(seeded[2]));
        }

        /** kill -9: no shutdown hook, no clean close of anything. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        /** Closing stdin asks the child to close its server. */
        void stop() throws InterruptedException {
            try {
                commands.close();
            } catch (IOException ignored) {
                // the child is gone already
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}

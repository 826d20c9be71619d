package dev.paddock.server.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Resources;
import dev.paddock.sim.Effects;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The room file holds through a {@code kill -9} of the process that writes it. */
class KillTest {

    @TempDir
    Path dir;

    /** Run in a child JVM: starts and destroys domains for ever, each call rewriting the state file. */
    public static void main(String[] args) {
        SimulatedHypervisor sim = RoomFile.open(Path.of(args[0]), ManualClock.atEpochOf2030(), 1);
        if (sim.hosts().isEmpty()) {
            sim.addHost("a", Resources.of(64_000, 131_072, 100, 1_000));
        }
        sim.attach("A", "sim://a");
        for (int i = 0; i < 20; i++) {
            sim.define("A", DomainSpec.of("vm-" + i, "vm-" + i, 1, 1_024));
        }
        System.out.println("ready");
        System.out.flush();
        for (long round = 0; ; round++) {
            String uuid = "vm-" + (round % 20);
            sim.start("A", uuid);
            sim.destroy("A", uuid);
        }
    }

    @Test
    @DisplayName("after a kill -9 mid-write the room reloads whole, with each domain's effects consistent")
    void survivesKill() throws Exception {
        Path file = dir.resolve("room.state");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KillTest.class.getName(),
                file.toString())
                .redirectErrorStream(true)
                .start();
        try {
            var output = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            assertThat(output.readLine()).isEqualTo("ready");
            Thread.sleep(Duration.ofMillis(700));
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }

        SimulatedHypervisor reloaded = RoomFile.load(file, ManualClock.atEpochOf2030());

        List<DomainInfo> domains = reloaded.domainsOn("a");
        assertThat(domains).hasSize(20);
        int rounds = 0;
        for (DomainInfo domain : domains) {
            Effects effects = reloaded.effects(domain.uuid());
            // A start and its destroy are two calls: the kill may fall between them, never inside one.
            assertThat(effects.started() - effects.destroyed()).isBetween(0, 1);
            assertThat(domain.state().name()).isEqualTo(effects.started() > effects.destroyed() ? "RUNNING" : "STOPPED");
            rounds += effects.started();
        }
        assertThat(rounds).as("the child got some work done before it was killed").isPositive();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allSatisfy(name -> assertThat(name).startsWith("room.state"));
        }
    }
}

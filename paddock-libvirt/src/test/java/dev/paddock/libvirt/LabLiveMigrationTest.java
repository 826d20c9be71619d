package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real guest keeps running through a live migration: its heartbeat counter never stops climbing. */
@Tag("lab")
class LabLiveMigrationTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private LibvirtHypervisor hypervisor;
    private DomainSpec guest;

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
            hypervisor.attach(host.id(), host.uri());
        }
        String uuid = UUID.randomUUID().toString();
        guest = LAB.lab().guest(uuid, "heartbeat-" + uuid.substring(0, 8), 1, 128);
    }

    @AfterEach
    void remove() {
        try {
            for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
                if (hypervisor.domain(host.id(), guest.uuid()).isPresent()) {
                    hypervisor.destroy(host.id(), guest.uuid());
                    hypervisor.undefine(host.id(), guest.uuid());
                }
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("a guest migrated h1 to h2 over an explicit URI, with bandwidth and downtime limits, keeps counting")
    void heartbeatSurvivesMigration() {
        String h1 = LAB.lab().host(1).id();
        String h2 = LAB.lab().host(2).id();
        hypervisor.define(h1, guest);
        hypervisor.start(h1, guest.uuid());
        long before = awaitHeartbeatAbove(0, Duration.ofSeconds(60));
        var progress = new CopyOnWriteArrayList<Double>();
        var options = new MigrationOptions(Optional.of(200L), Optional.of(Duration.ofMillis(300)),
                Optional.of("tcp://10.77.0.2"));

        MigrationResult result = hypervisor.migrate(guest.uuid(), h1, h2, options, progress::add);

        assertThat(hypervisor.domain(h2, guest.uuid())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain(h2, guest.uuid())).map(d -> d.persistent()).contains(true);
        assertThat(hypervisor.domain(h1, guest.uuid())).as("undefined on the source").isEmpty();
        assertThat(result.downtime()).isPositive().isLessThan(result.elapsed());
        assertThat(result.bytesTransferred()).isPositive();
        assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(1.0);
        long after = awaitHeartbeatAbove(before, Duration.ofSeconds(30));
        long later = awaitHeartbeatAbove(after, Duration.ofSeconds(30));
        assertThat(List.of(before, after, later)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("a migration cancelled while it copies fails clearly and leaves the guest running on its source")
    void cancelledMigration() throws Exception {
        String h1 = LAB.lab().host(1).id();
        String h2 = LAB.lab().host(2).id();
        hypervisor.define(h1, guest);
        hypervisor.start(h1, guest.uuid());
        awaitHeartbeatAbove(0, Duration.ofSeconds(60));
        var progress = new CopyOnWriteArrayList<Double>();
        // 1 MiB/s makes the copy of the guest's memory take tens of seconds: time enough to cancel.
        var slow = new MigrationOptions(Optional.of(1L), Optional.empty(), Optional.empty());
        var migration = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> hypervisor.migrate(guest.uuid(), h1, h2, slow, progress::add));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (progress.isEmpty() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
        }
        assertThat(progress).as("progress reported while copying").isNotEmpty();

        hypervisor.abortMigration(h1, guest.uuid());

        assertThat(migration).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(dev.paddock.hypervisor.HypervisorException.class)
                .withMessageContaining("migrate " + guest.uuid());
        assertThat(hypervisor.domain(h1, guest.uuid())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain(h2, guest.uuid())).isEmpty();
        long beat = LAB.lab().heartbeat(guest).orElseThrow();
        awaitHeartbeatAbove(beat, Duration.ofSeconds(30));
    }

    private long awaitHeartbeatAbove(long floor, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OptionalLong beat = OptionalLong.empty();
        while (System.nanoTime() < deadline) {
            beat = LAB.lab().heartbeat(guest);
            if (beat.isPresent() && beat.getAsLong() > floor) {
                return beat.getAsLong();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("the guest's heartbeat did not climb above " + floor + " within " + timeout
                + " (last read: " + beat + ")");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

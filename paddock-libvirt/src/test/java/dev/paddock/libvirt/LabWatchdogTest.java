package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.WatchdogFired;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real guest OS hangs (its /init stops feeding the i6300esb watchdog after {@link #HANG_AFTER_SECONDS}): QEMU
 * resets it, the adapter reports libvirt's watchdog event, and the guest boots again, its heartbeat counter
 * starting over from 1.
 */
@Tag("lab")
class LabWatchdogTest {

    private static final int HANG_AFTER_SECONDS = 15;

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
    private LibvirtHypervisor hypervisor;
    private DomainSpec guest;
    private String h1;

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        h1 = LAB.lab().host(1).id();
        hypervisor.attach(h1, LAB.lab().host(1).uri());
        hypervisor.subscribe(events::add);
        String uuid = UUID.randomUUID().toString();
        guest = LAB.lab().watchdogGuest(uuid, "hangs-" + uuid.substring(0, 8), HANG_AFTER_SECONDS);
    }

    @AfterEach
    void remove() {
        try {
            if (hypervisor.domain(h1, guest.uuid()).isPresent()) {
                hypervisor.destroy(h1, guest.uuid());
                hypervisor.undefine(h1, guest.uuid());
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("a hung guest's watchdog fires, the adapter reports it, and QEMU's reset boots the guest afresh")
    void hungGuestIsReset() {
        hypervisor.define(h1, guest);
        hypervisor.start(h1, guest.uuid());
        long before = awaitHeartbeat(beat -> beat >= HANG_AFTER_SECONDS, Duration.ofSeconds(90),
                "climb past the hang");

        WatchdogFired fired = awaitWatchdog(Duration.ofSeconds(120));

        assertThat(fired.hostId()).isEqualTo(h1);
        assertThat(fired.name()).isEqualTo(guest.name());
        assertThat(fired.action()).isEqualTo(Watchdog.Action.RESET);
        long after = awaitHeartbeat(beat -> beat < before, Duration.ofSeconds(60), "start again from 1");
        assertThat(after).as("the counter of a freshly booted guest").isLessThan(before);
        assertThat(hypervisor.domain(h1, guest.uuid())).map(d -> d.state()).contains(VmState.RUNNING);
    }

    private WatchdogFired awaitWatchdog(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (HypervisorEvent event : events) {
                if (event instanceof WatchdogFired fired && fired.uuid().equals(guest.uuid())) {
                    return fired;
                }
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("no watchdog event for " + guest.uuid() + " within " + timeout + "; events: " + events);
    }

    private long awaitHeartbeat(java.util.function.LongPredicate wanted, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OptionalLong beat = OptionalLong.empty();
        while (System.nanoTime() < deadline) {
            beat = LAB.lab().heartbeat(guest);
            if (beat.isPresent() && wanted.test(beat.getAsLong())) {
                return beat.getAsLong();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("the guest's heartbeat did not " + what + " within " + timeout + " (last read: "
                + beat + ")");
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

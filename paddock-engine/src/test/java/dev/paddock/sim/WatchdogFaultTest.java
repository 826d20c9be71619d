package dev.paddock.sim;

import dev.paddock.hypervisor.DomainBuilder;
import static dev.paddock.sim.SimulatedHypervisorTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent.WatchdogFired;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchdogFaultTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ManualClock clock = ManualClock.atEpochOf2030();
    private final SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 5);
    private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void aHost() {
        sim.addHost("a", Resources.of(8_000, 16_384, 100, 1_000));
        sim.attach("A", "sim://a");
        sim.subscribe(events::add);
    }

    @ParameterizedTest(name = "with action {0} the guest ends {1}, and the fire is followed by {2}")
    @CsvSource({
            "RESET,    RUNNING, nothing",
            "POWEROFF, STOPPED, STOPPED",
            "PAUSE,    PAUSED,  SUSPENDED",
            "NONE,     RUNNING, nothing"})
    @DisplayName("a hung guest's watchdog fires after its timeout and the sim takes the device's action")
    void fires(Watchdog.Action action, VmState after, String followedBy) {
        runningGuest("g", action);

        sim.inject(new Fault.GuestHang("a", "g", TIMEOUT));
        clock.advance(TIMEOUT.minusSeconds(1));
        assertThat(events).isEmpty();
        clock.advance(Duration.ofSeconds(1));

        assertThat(events.getFirst()).isEqualTo(new WatchdogFired(clock.now(), "A", "g", "vm-g", action));
        assertThat(events.stream().skip(1).map(e -> ((DomainEvent) e).kind().name()).toList())
                .isEqualTo(followedBy.equals("nothing") ? List.of() : List.of(followedBy));
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(after);
    }

    @Test
    @DisplayName("a reset boots a fresh guest: the hang is over and the watchdog does not fire again")
    void resetEndsTheHang() {
        runningGuest("g", Watchdog.Action.RESET);
        sim.inject(new Fault.GuestHang("a", "g", TIMEOUT));

        clock.advance(TIMEOUT.multipliedBy(4));

        assertThat(events).singleElement().isInstanceOf(WatchdogFired.class);
    }

    @Test
    @DisplayName("a guest without a watchdog hangs unseen: no event, still running")
    void noDevice() {
        sim.define("A", spec("g", 1, 512));
        sim.start("A", "g");
        events.clear();

        sim.inject(new Fault.GuestHang("a", "g", TIMEOUT));
        clock.advance(TIMEOUT.multipliedBy(2));

        assertThat(events).isEmpty();
        assertThat(sim.domain("A", "g").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("a guest restarted before the timeout boots fresh, and a guest that recovers by itself is not fired on")
    void restartOrRecoveryBeforeTheTimeout() {
        runningGuest("restarted", Watchdog.Action.RESET);
        runningGuest("recovers", Watchdog.Action.RESET);
        sim.inject(new Fault.GuestHang("a", "restarted", TIMEOUT));
        Fault hang = new Fault.GuestHang("a", "recovers", TIMEOUT);
        sim.inject(hang);

        sim.destroy("A", "restarted");
        sim.start("A", "restarted");
        sim.heal(hang);
        events.clear();
        clock.advance(TIMEOUT.multipliedBy(2));

        assertThat(events).isEmpty();
    }

    @Test
    @DisplayName("only a running guest can hang")
    void onlyRunning() {
        sim.define("A", spec("g", 1, 512).withWatchdog(Optional.of(new Watchdog(Watchdog.Model.I6300ESB,
                Watchdog.Action.RESET))));

        assertThatThrownBy(() -> sim.inject(new Fault.GuestHang("a", "g", TIMEOUT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a running guest can hang");
    }

    @Test
    @DisplayName("the room's saved text keeps each domain's watchdog")
    void persisted() {
        AtomicReference<String> saved = new AtomicReference<>();
        Watchdog device = new Watchdog(Watchdog.Model.ITCO, Watchdog.Action.POWEROFF);
        try (SimulatedHypervisor written = SimulatedHypervisor.create(clock, 5)) {
            written.saveTo(saved::set);
            written.addHost("a", Resources.of(8_000, 16_384, 100, 1_000));
            written.attach("A", "sim://a");
            written.define("A", spec("g", 1, 512).withWatchdog(Optional.of(device)));
        }
        try (SimulatedHypervisor read = SimulatedHypervisor.restore(saved.get(), "room", clock, saved::set)) {
            read.attach("A", "sim://a");
            read.subscribe(events::add);
            read.start("A", "g");
            read.inject(new Fault.GuestHang("a", "g", TIMEOUT));
            clock.advance(TIMEOUT);
        }

        assertThat(events).filteredOn(WatchdogFired.class::isInstance).singleElement()
                .isEqualTo(new WatchdogFired(clock.now(), "A", "g", "vm-g", Watchdog.Action.POWEROFF));
    }

    @Test
    @DisplayName("a VM's domain is defined with the VM's watchdog, so a restart elsewhere keeps the device")
    void specOfAVmCarriesItsWatchdog() {
        Watchdog device = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.POWEROFF);
        Vm vm = new Vm("v1", "app-1", "c1", Optional.of("A"), Resources.of(1_000, 512, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "app", 5, Set.of(), Set.of(), Set.of(), List.of(), List.of(), Optional.of(device));
        Room room = new Room(List.of(), List.of(), List.of(), List.of(vm), List.of(), List.of());

        assertThat(DomainBuilder.specOf(vm, room).watchdog()).contains(device);
        assertThat(DomainBuilder.specOf(vm.withWatchdog(Optional.empty()), room).watchdog()).isEmpty();
    }

    private void runningGuest(String uuid, Watchdog.Action action) {
        sim.define("A", spec(uuid, 1, 512).withWatchdog(Optional.of(new Watchdog(Watchdog.Model.I6300ESB, action))));
        sim.start("A", uuid);
        events.clear();
    }
}

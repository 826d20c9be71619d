package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.PowerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The HA loop's memory of one host, from keepalive lost to recovered, with a ten-second window. */
class HostWatchTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final HaPolicy POLICY = HaPolicy.DEFAULT;

    private final HostWatch watch = new HostWatch(Duration.ofSeconds(5));
    private final AtomicInteger powerAsked = new AtomicInteger();

    private Optional<HostWatch.Move> silent(int second, PowerState power) {
        return watch.observe("h1", false, Optional.empty(), () -> {
            powerAsked.incrementAndGet();
            return power;
        }, POLICY, T0.plusSeconds(second));
    }

    @Test
    void aSilentHostIsSuspectThenDeadAfterTheWindowAndThePowerControllerIsAskedOnlyWhileItIsSilent() {
        assertThat(watch.observe("h1", true, Optional.empty(), () -> {
            powerAsked.incrementAndGet();
            return PowerState.ON;
        }, POLICY, T0)).isEmpty();
        assertThat(powerAsked).as("asked of a host that answers").hasValue(0);

        assertThat(silent(0, PowerState.ON)).get().extracting(HostWatch.Move::to).isEqualTo(HostHealth.SUSPECT);
        assertThat(silent(9, PowerState.ON)).isEmpty();

        HostWatch.Move dead = silent(10, PowerState.ON).orElseThrow();

        assertThat(dead.to()).isEqualTo(HostHealth.FENCING);
        assertThat(dead.keepaliveLostSince()).contains(T0);
        assertThat(dead.reason()).contains("it is hung");
        assertThat(powerAsked).as("asked on the second silent pass; its reading, a second old, judges the last")
                .hasValue(1);
        assertThat(watch.fenceDue("h1", T0.plusSeconds(10))).isTrue();
    }

    private Optional<HostWatch.Move> silentAt(long millis, PowerState power) {
        return watch.observe("h1", false, Optional.empty(), () -> {
            powerAsked.incrementAndGet();
            return power;
        }, POLICY, T0.plusMillis(millis));
    }

    /**
     * The pass that ends the window takes the device's reading of the pass before when it is recent, so a hung
     * host's fence waits for no further agent call; an older reading, or one from before the window's last
     * moments, is not trusted, and every pass inside the window asks again.
     */
    @Test
    void thePassEndingTheWindowTrustsARecentReadingAndNoOlderOne() {
        silentAt(0, PowerState.ON);
        silentAt(9_500, PowerState.ON);
        silentAt(9_900, PowerState.ON);
        assertThat(powerAsked).as("asked at each pass inside the window").hasValue(2);

        assertThat(silentAt(10_050, PowerState.OFF)).get().extracting(HostWatch.Move::reason).asString()
                .contains("reports it on");
        assertThat(powerAsked).as("the reading of 0.15 s ago judged the pass ending the window").hasValue(2);

        HostWatch stale = new HostWatch(Duration.ofSeconds(5));
        AtomicInteger asked = new AtomicInteger();
        for (long at : new long[] {0, 8_000, 10_000}) {
            stale.observe("h1", false, Optional.empty(), () -> {
                asked.incrementAndGet();
                return PowerState.ON;
            }, POLICY, T0.plusMillis(at));
        }
        assertThat(asked).as("a reading 2 s old is asked again").hasValue(2);
    }

    @Test
    void theNextDecisionIsTheEndOfTheFirstWindowOfASuspectHost() {
        assertThat(watch.nextDecision()).isEmpty();
        silentAt(1_000, PowerState.ON);
        watch.observe("h2", false, Optional.empty(), () -> PowerState.ON, POLICY, T0.plusMillis(3_000));

        assertThat(watch.nextDecision()).contains(T0.plusMillis(11_000));

        watch.observe("h1", true, Optional.empty(), () -> PowerState.ON, POLICY, T0.plusMillis(4_000));
        assertThat(watch.nextDecision()).as("h1 answers again").contains(T0.plusMillis(13_000));
    }

    /**
     * A connection its keepalive closed after three unanswered one-second probes: the host was silent three seconds
     * before the loop saw it drop, and the window counts from then. The first pass still only makes it suspect,
     * even with its power reported off.
     */
    @Test
    void theWindowOfAHostSilentBeforeItsConnectionDroppedCountsFromItsSilence() {
        Optional<Instant> silentSince = Optional.of(T0.minusSeconds(3));
        HostWatch.Move suspect = watch.observe("h1", false, silentSince, Optional.empty(), () -> PowerState.OFF,
                POLICY, T0).orElseThrow();
        assertThat(suspect.to()).isEqualTo(HostHealth.SUSPECT);
        assertThat(suspect.keepaliveLostSince()).contains(T0.minusSeconds(3));

        assertThat(watch.observe("h1", false, silentSince, Optional.empty(), () -> PowerState.ON, POLICY,
                T0.plusSeconds(6))).as("9 s of silence").isEmpty();
        HostWatch.Move dead = watch.observe("h1", false, silentSince, Optional.empty(), () -> PowerState.ON, POLICY,
                T0.plusSeconds(7)).orElseThrow();

        assertThat(dead.to()).as("10 s of silence, 7 s after the drop").isEqualTo(HostHealth.FENCING);
        assertThat(dead.keepaliveLostSince()).contains(T0.minusSeconds(3));
    }

    @Test
    void aSilentHostItsPowerControllerReportsOffIsFencedWithoutWaitingForTheWindow() {
        assertThat(silent(0, PowerState.ON)).get().extracting(HostWatch.Move::to).isEqualTo(HostHealth.SUSPECT);

        HostWatch.Move dead = silent(2, PowerState.OFF).orElseThrow();

        assertThat(dead.to()).isEqualTo(HostHealth.FENCING);
        assertThat(dead.reason()).contains("reports it off");
        assertThat(watch.fenceDue("h1", T0.plusSeconds(2))).isTrue();
    }

    @Test
    void aFailedFenceWaitsForItsRetryAndOnlyAConfirmedOneStartsRecovery() {
        silent(0, PowerState.ON);
        silent(10, PowerState.ON);

        HostWatch.Move failed = watch.fenced("h1", new FenceOutcome.Failed(FenceAction.OFF, 1, "no login"),
                T0.plusSeconds(10));

        assertThat(failed.to()).isEqualTo(HostHealth.FENCING);
        assertThat(failed.reason()).contains("no restart", "retry in 5000 ms");
        assertThat(watch.fenceDue("h1", T0.plusSeconds(14))).isFalse();
        assertThat(watch.fenceDue("h1", T0.plusSeconds(15))).isTrue();
        assertThat(watch.in(HostHealth.RECOVERING)).isEmpty();

        watch.fenced("h1", new FenceOutcome.Power(FenceAction.STATUS, PowerState.OFF), T0.plusSeconds(15));

        assertThat(watch.in(HostHealth.RECOVERING)).containsExactly("h1");
        assertThat(watch.unavailable()).contains("h1");
        assertThat(watch.recovered("h1")).get().extracting(HostWatch.Move::to).isEqualTo(HostHealth.FENCED);
    }

    @Test
    void aHostWhoseHeartbeatIsFreshIsIsolatedNotFenced() {
        watch.observe("h1", false, Optional.of(T0), () -> PowerState.ON, POLICY, T0);

        HostWatch.Move isolated = watch.observe("h1", false, Optional.of(T0.plusSeconds(10)), () -> PowerState.ON,
                POLICY, T0.plusSeconds(10)).orElseThrow();

        assertThat(isolated.to()).isEqualTo(HostHealth.ISOLATED);
        assertThat(watch.fenceDue("h1", T0.plusSeconds(10))).isFalse();
    }

    @Test
    void maintenanceWaitsForAFenceAlreadyDecidedAndOtherwiseDisarmsTheHost() {
        silent(0, PowerState.ON);
        silent(10, PowerState.ON);
        assertThat(watch.maintenance("h1", true)).as("a fence once decided is carried out").isEmpty();

        assertThat(watch.maintenance("h2", true)).get().extracting(HostWatch.Move::to)
                .isEqualTo(HostHealth.MAINTENANCE);
        assertThat(watch.maintenance("h2", false)).get().extracting(HostWatch.Move::to).isEqualTo(HostHealth.HEALTHY);
        assertThat(watch.maintenance("h2", false)).as("leaving twice changes nothing").isEmpty();
    }

    @Test
    void aPowerOffIsConfirmedOnlyByAStatusThatReadsOff() {
        FenceAgent liar = (device, action) -> switch (action) {
            case OFF -> new FenceOutcome.Done(action, "Success: Powered OFF");
            default -> new FenceOutcome.Power(action, PowerState.ON);
        };
        FenceDevice device = new FenceDevice("fence_liar", java.util.Map.of());

        assertThat(liar.powerOff(device).confirmsOff()).isFalse();
    }
}

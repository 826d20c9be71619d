package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.PowerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HealthAssessorTest {

    private static final Instant LOST = Instant.parse("2030-01-01T00:00:00Z");

    /**
     * Seconds since keepalive was lost (empty = answering), age of the last heartbeat (empty = none), BMC power,
     * expected conclusion; the detection window is the default 10 s.
     */
    @ParameterizedTest(name = "keepalive lost {0} s ago, heartbeat {1} s old, power {2}: {3}")
    @CsvSource(nullValues = "none", textBlock = """
            none, 1,    ON,      Healthy
            none, none, UNKNOWN, Healthy
            0,    none, ON,      Suspect
            9,    none, UNKNOWN, Suspect
            0,    none, OFF,     Suspect
            1,    none, OFF,     Dead
            9,    20,   OFF,     Dead
            9,    0,    OFF,     Suspect
            10,   2,    ON,      Isolated
            10,   10,   UNKNOWN, Isolated
            30,   11,   ON,      Dead
            10,   none, ON,      Dead
            10,   none, OFF,     Dead
            10,   60,   UNKNOWN, Unreachable
            10,   none, UNKNOWN, Unreachable
            """)
    void twoIndependentPathsTellDeadFromIsolatedFromPartitioned(
            Integer lostSecondsAgo, Integer heartbeatAge, PowerState power, String expected) {
        Instant now = LOST.plusSeconds(lostSecondsAgo == null ? 0 : lostSecondsAgo);
        HostObservation observation = new HostObservation("h1",
                lostSecondsAgo == null ? Optional.empty() : Optional.of(LOST),
                heartbeatAge == null ? Optional.empty() : Optional.of(now.minusSeconds(heartbeatAge)), power);

        Assessment assessment = HealthAssessor.assess(observation, HaPolicy.DEFAULT, now);

        assertThat(assessment.getClass().getSimpleName()).isEqualTo(expected);
        assertThat(assessment.hostId()).isEqualTo("h1");
        assertThat(assessment.needsFence()).isEqualTo(expected.equals("Dead") || expected.equals("Unreachable"));
    }

    @Test
    void aSuspectHostIsJudgedWhenItsWindowEnds() {
        HaPolicy policy = new HaPolicy(Duration.ofSeconds(4));
        HostObservation silent = new HostObservation("h1", Optional.of(LOST), Optional.empty(), PowerState.ON);

        assertThat(HealthAssessor.assess(silent, policy, LOST.plusSeconds(3)))
                .isEqualTo(new Assessment.Suspect("h1", LOST, LOST.plusSeconds(4)));
        assertThat(HealthAssessor.assess(silent, policy, LOST.plusSeconds(4))).isInstanceOf(Assessment.Dead.class);
    }

    @Test
    void reasonsSayWhichPathsWereSilentAndForHowLong() {
        HostObservation silent = new HostObservation("h3", Optional.of(LOST), Optional.of(LOST), PowerState.UNKNOWN);

        Assessment assessment = HealthAssessor.assess(silent, HaPolicy.DEFAULT, LOST.plusSeconds(12));

        assertThat(assessment).isEqualTo(new Assessment.Unreachable("h3", "host h3 has not answered its keepalive"
                + " for 12 s, its datastore heartbeat stopped 12 s ago, and its power controller does not answer:"
                + " it is dead or partitioned, and only a confirmed fence can tell"));
    }

    @Test
    void decideJudgesEveryHostAtTheSameInstant() {
        List<Assessment> assessments = HealthAssessor.decide(List.of(
                new HostObservation("h1", Optional.empty(), Optional.empty(), PowerState.ON),
                new HostObservation("h2", Optional.of(LOST), Optional.empty(), PowerState.OFF)),
                HaPolicy.DEFAULT, LOST.plusSeconds(10));

        assertThat(assessments).extracting(Assessment::event)
                .containsExactly(HostHealth.Event.KEEPALIVE_REGAINED, HostHealth.Event.HOST_DEAD);
    }

    @Test
    void theDetectionWindowDefaultsToTenSecondsAndMustBePositive() {
        assertThat(HaPolicy.DEFAULT.detectionWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> new HaPolicy(Duration.ZERO)).hasMessageContaining("must be positive");
    }

    /**
     * Over random observations: a fence is called for only after a whole silent window with a stale heartbeat, or
     * sooner for a host its power controller reports off that wrote no heartbeat since it fell silent.
     */
    @Test
    void aHostIsNeverFencedWhileItsHeartbeatIsFreshOrBeforeItsWindowEnds() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant now = LOST.plusSeconds(random.nextInt(60));
            Optional<Instant> lost = random.nextBoolean() ? Optional.empty() : Optional.of(now.minusSeconds(random.nextInt(30)));
            Optional<Instant> beat = random.nextBoolean() ? Optional.empty() : Optional.of(now.minusSeconds(random.nextInt(30)));
            PowerState power = PowerState.values()[random.nextInt(PowerState.values().length)];
            HaPolicy policy = new HaPolicy(Duration.ofSeconds(1 + random.nextInt(20)));

            Assessment assessment = HealthAssessor.assess(new HostObservation("h", lost, beat, power), policy, now);

            if (assessment.needsFence()) {
                boolean reportedOff = power == PowerState.OFF && now.isAfter(lost.orElseThrow())
                        && beat.filter(b -> b.isAfter(lost.orElseThrow())).isEmpty();
                if (!reportedOff) {
                    assertThat(lost.orElseThrow().plus(policy.detectionWindow())).isBeforeOrEqualTo(now);
                    assertThat(beat.filter(b -> !b.plus(policy.detectionWindow()).isBefore(now))).isEmpty();
                }
            }
            assertThat(assessment instanceof Assessment.Healthy).isEqualTo(lost.isEmpty());
        }
    }
}

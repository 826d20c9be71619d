package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CadenceTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("every 15m", new Cadence.Every(Duration.ofMinutes(15)), "every 15m"),
                Arguments.of("15m", new Cadence.Every(Duration.ofMinutes(15)), "every 15m"),
                Arguments.of("every 1h30m", new Cadence.Every(Duration.ofMinutes(90)), "every 1h30m"),
                Arguments.of("Every 15s", new Cadence.Every(Duration.ofSeconds(15)), "every 15s"),
                Arguments.of("every 2d", new Cadence.Every(Duration.ofDays(2)), "every 2d"),
                Arguments.of("daily 01:30 Europe/Paris", new Cadence.Daily(LocalTime.of(1, 30), PARIS),
                        "daily 01:30 Europe/Paris"),
                Arguments.of("daily 23:05", new Cadence.Daily(LocalTime.of(23, 5), ZoneOffset.UTC), "daily 23:05 UTC"),
                Arguments.of("daily 06:00 UTC", new Cadence.Daily(LocalTime.of(6, 0), ZoneOffset.UTC), "daily 06:00 UTC"));
    }

    @ParameterizedTest(name = "''{0}'' reads as {2}")
    @MethodSource("texts")
    void readsAndWritesBack(String text, Cadence cadence, String written) {
        assertThat(Cadence.parse(text)).isEqualTo(cadence);
        assertThat(cadence.text()).isEqualTo(written);
        assertThat(Cadence.parse(written)).isEqualTo(cadence);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("every 14s", "from 15 s to 31 days, not 14s"),
                Arguments.of("every 32d", "from 15 s to 31 days, not 32d"),
                Arguments.of("every 0m", "from 15 s to 31 days"),
                Arguments.of("every fortnight", "'fortnight' is no interval"),
                Arguments.of("every 15", "'15' is no interval"),
                Arguments.of("every 15m extra", "reads 'every 15m'"),
                Arguments.of("daily 25:00", "'25:00' is no time of day"),
                Arguments.of("daily 01:30 Mars/Olympus", "'Mars/Olympus' is no time zone"),
                Arguments.of("daily", "reads 'daily HH:MM [ZONE]'"),
                Arguments.of("weekly 01:00", "reads 'every 15m'"));
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @MethodSource("mistakes")
    void refusesWithASentence(String text, String why) {
        assertThatThrownBy(() -> Cadence.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
    }

    @Test
    @DisplayName("every: the first round at once, then one period after each round's start")
    void everyPeriod() {
        Cadence every = Cadence.parse("every 15m");

        assertThat(every.roundDue(Optional.empty(), CREATED, CREATED)).contains(CREATED);
        Instant first = CREATED;
        assertThat(every.roundDue(Optional.of(first), CREATED, first.plusSeconds(899))).isEmpty();
        assertThat(every.roundDue(Optional.of(first), CREATED, first.plusSeconds(900))).contains(first.plusSeconds(900));
    }

    @Test
    @DisplayName("a round a little late starts at its own time, so the schedule does not drift by the tick")
    void aLittleLateKeepsItsTime() {
        Cadence every = Cadence.parse("every 15m");

        assertThat(every.roundDue(Optional.of(CREATED), CREATED, CREATED.plusSeconds(901)))
                .contains(CREATED.plusSeconds(900));
    }

    @Test
    @DisplayName("a server down for a day runs an every-15m schedule once when it is back, not 96 times")
    void downForADayRunsOnce() {
        Cadence every = Cadence.parse("every 15m");
        Instant back = CREATED.plus(Duration.ofDays(1)).plusSeconds(7);

        List<Instant> rounds = rounds(every, Optional.of(CREATED), back, back.plusSeconds(60), Duration.ofSeconds(1));

        assertThat(rounds).containsExactly(back);
        assertThat(every.due(Optional.of(back), CREATED)).isEqualTo(back.plus(Duration.ofMinutes(15)));
    }

    @Test
    @DisplayName("a daily schedule is first due at the next time of day after it is made, then each day")
    void dailyTimes() {
        Cadence daily = Cadence.parse("daily 01:30 Europe/Paris");

        Instant first = daily.due(Optional.empty(), CREATED);
        assertThat(first).isEqualTo(Instant.parse("2026-03-02T00:30:00Z"));
        assertThat(daily.roundDue(Optional.empty(), CREATED, first.minusSeconds(1))).isEmpty();
        assertThat(daily.roundDue(Optional.empty(), CREATED, first)).contains(first);
        assertThat(daily.due(Optional.of(first), CREATED)).isEqualTo(Instant.parse("2026-03-03T00:30:00Z"));
    }

    @Test
    @DisplayName("across spring-forward: 01:30 Paris moves from 00:30Z to 23:30Z; 02:30, skipped that day, runs at 03:30")
    void springForward() {
        Cadence early = Cadence.parse("daily 01:30 Europe/Paris");
        Cadence skipped = Cadence.parse("daily 02:30 Europe/Paris");
        Instant saturday = Instant.parse("2026-03-28T12:00:00Z");

        assertThat(rounds(early, Optional.of(saturday), saturday, saturday.plus(Duration.ofDays(2)),
                Duration.ofMinutes(1))).containsExactly(Instant.parse("2026-03-29T00:30:00Z"),
                Instant.parse("2026-03-29T23:30:00Z"));
        assertThat(rounds(skipped, Optional.of(saturday), saturday, saturday.plus(Duration.ofDays(2)),
                Duration.ofMinutes(1))).containsExactly(Instant.parse("2026-03-29T01:30:00Z"),
                Instant.parse("2026-03-30T00:30:00Z"));
    }

    @Test
    @DisplayName("across fall-back: 02:30 Paris happens twice on the last Sunday of October and runs once")
    void fallBack() {
        Cadence repeated = Cadence.parse("daily 02:30 Europe/Paris");
        Instant saturday = Instant.parse("2026-10-24T12:00:00Z");

        assertThat(rounds(repeated, Optional.of(saturday), saturday, saturday.plus(Duration.ofDays(2)),
                Duration.ofMinutes(1))).containsExactly(Instant.parse("2026-10-25T00:30:00Z"),
                Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    @DisplayName("a daily schedule whose server was down past its time runs once when back, and next at its time")
    void dailyLate() {
        Cadence daily = Cadence.parse("daily 01:30 Europe/Paris");
        Instant last = Instant.parse("2026-03-02T00:30:00Z");
        Instant back = Instant.parse("2026-03-04T09:00:00Z");

        assertThat(daily.roundDue(Optional.of(last), CREATED, back)).contains(back);
        assertThat(daily.due(Optional.of(back), CREATED)).isEqualTo(Instant.parse("2026-03-05T00:30:00Z"));
    }

    @Test
    @DisplayName("VMs of a round are spread at most 2 s apart and within half a period")
    void stagger() {
        Cadence every = Cadence.parse("every 15s");
        Cadence daily = Cadence.parse("daily 01:00");

        assertThat(daily.offset(0, 3)).isZero();
        assertThat(daily.offset(2, 3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(every.offset(1, 3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(every.offset(1, 10)).isEqualTo(Duration.ofMillis(750));
        assertThat(every.offset(99, 100)).isLessThan(Duration.ofMillis(7500));
        assertThat(every.offset(1, 100)).isPositive();
        assertThatThrownBy(() -> every.offset(3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a VM is overdue two periods and its usual duration after its last good backup started")
    void overdue() {
        Cadence every = Cadence.parse("every 15m");

        assertThat(every.overdueAt(CREATED, Duration.ofMinutes(3))).isEqualTo(CREATED.plus(Duration.ofMinutes(33)));
        assertThat(Cadence.parse("daily 01:30").overdueAt(CREATED, Duration.ZERO))
                .isEqualTo(CREATED.plus(Duration.ofDays(2)));
    }

    /** The rounds a controller ticking every {@code tick} from {@code from} to {@code to} starts. */
    private static List<Instant> rounds(Cadence cadence, Optional<Instant> last, Instant from, Instant to,
            Duration tick) {
        List<Instant> rounds = new ArrayList<>();
        Optional<Instant> lastRound = last;
        for (Instant now = from; !now.isAfter(to); now = now.plus(tick)) {
            Optional<Instant> round = cadence.roundDue(lastRound, CREATED, now);
            if (round.isPresent()) {
                rounds.add(round.get());
                lastRound = round;
            }
        }
        return rounds;
    }
}

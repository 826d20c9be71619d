package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RetentionTest {

    /** Points named by when they were taken (UTC), so a table reads as a calendar. */
    private static final List<Retention.Stamp> POINTS = Stream.of(
                    "2026-11-16T10:00", // Monday, week 47
                    "2026-11-23T10:00", // Monday, week 48
                    "2026-11-29T23:00", // Sunday, week 48
                    "2026-12-04T08:00", // Friday, week 49
                    "2026-12-05T08:00", // Saturday
                    "2026-12-05T20:00",
                    "2026-12-06T06:00", // Sunday
                    "2026-12-06T12:00",
                    "2026-12-06T18:00")
            .map(at -> new Retention.Stamp(at, Instant.parse(at + ":00Z")))
            .toList();

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of("the last three are the three newest", new RetentionPolicy(3, 0, 0),
                        List.of("2026-12-06T18:00", "2026-12-06T12:00", "2026-12-06T06:00")),
                Arguments.of("daily keeps the newest of each recent day that has a point", new RetentionPolicy(0, 3, 0),
                        List.of("2026-12-06T18:00", "2026-12-05T20:00", "2026-12-04T08:00")),
                Arguments.of("weekly keeps the newest of each ISO week, Sunday closing the week",
                        new RetentionPolicy(0, 0, 3),
                        List.of("2026-12-06T18:00", "2026-11-29T23:00", "2026-11-16T10:00")),
                Arguments.of("rules add up and a point kept twice counts once", new RetentionPolicy(2, 2, 2),
                        List.of("2026-12-06T18:00", "2026-12-06T12:00", "2026-12-05T20:00", "2026-11-29T23:00")),
                Arguments.of("more than there are keeps everything", new RetentionPolicy(20, 0, 0),
                        POINTS.reversed().stream().map(Retention.Stamp::id).toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void keeps(String rule, RetentionPolicy policy, List<String> kept) {
        Retention.Decision decision = Retention.decide(POINTS, policy, ZoneOffset.UTC);

        assertThat(decision.kept().keySet()).containsExactlyElementsOf(kept);
        assertThat(decision.forgotten()).hasSize(POINTS.size() - kept.size()).doesNotContainAnyElementsOf(kept);
    }

    @Test
    void says_why_each_point_is_kept() {
        Retention.Decision decision = Retention.decide(POINTS, new RetentionPolicy(1, 1, 1), ZoneOffset.UTC);

        assertThat(decision.kept()).containsExactly(
                java.util.Map.entry("2026-12-06T18:00", List.of("last", "daily 2026-12-06", "weekly 2026-W49")));
    }

    @Test
    void days_are_those_of_the_zone_given() {
        // In Tokyo (UTC+9) 18:00 UTC on Sunday 6 December is Monday 7 December, week 50, and 23:00 UTC on Sunday
        // 29 November is Monday 30 November, week 49: the weeks fall differently.
        Retention.Decision tokyo = Retention.decide(POINTS, new RetentionPolicy(0, 0, 3), ZoneId.of("Asia/Tokyo"));

        assertThat(tokyo.kept().keySet())
                .containsExactly("2026-12-06T18:00", "2026-12-06T12:00", "2026-11-23T10:00");
    }

    @Test
    void a_policy_that_keeps_nothing_is_refused() {
        assertThatThrownBy(() -> new RetentionPolicy(0, 0, 0)).hasMessageContaining("at least one");
    }
}

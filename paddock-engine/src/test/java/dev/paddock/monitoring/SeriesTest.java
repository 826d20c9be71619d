package dev.paddock.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static Usage cpu(Instant at, double cpu) {
        return new Usage(at, cpu, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void pointsOfOneStepAreAveragedAndReadBackOldestFirst() {
        Series series = new Series();
        series.add(cpu(T0, 0.2));
        series.add(cpu(T0.plusSeconds(5), 0.4));
        series.add(cpu(T0.plusSeconds(10), 0.9));

        List<Series.Point> points = series.points(T0, T0.plusSeconds(20), Duration.ZERO, T0.plusSeconds(20));

        assertThat(points).extracting(Series.Point::at).containsExactly(T0, T0.plusSeconds(10));
        assertThat(points.get(0).values()[0]).isEqualTo(0.3f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(points.get(1).values()[0]).isEqualTo(0.9f);
    }

    @Test
    void aLongerStepReAveragesTheTiersStepsWeightedByTheirPoints() {
        Series series = new Series();
        for (int s = 0; s < 60; s += 10) {
            series.add(cpu(T0.plusSeconds(s), s < 30 ? 0.0 : 0.6));
        }

        List<Series.Point> points = series.points(T0, T0.plusSeconds(59), Duration.ofMinutes(1), T0.plusSeconds(60));

        assertThat(points).hasSize(1);
        assertThat(points.getFirst().values()[0]).isEqualTo(0.3f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void eachTierKeepsAtMostItsCapacityAndDropsTheOldestFirst() {
        Series series = new Series(List.of(new Series.Tier(Duration.ofSeconds(10), 6),
                new Series.Tier(Duration.ofSeconds(60), 3)));
        for (int s = 0; s < 600; s += 10) {
            series.add(cpu(T0.plusSeconds(s), s));
        }

        assertThat(series.sizes()).containsExactly(6, 3);
        Instant now = T0.plusSeconds(600);
        List<Series.Point> fine = series.points(now.minusSeconds(60), now, Duration.ZERO, now);
        assertThat(fine).extracting(Series.Point::at).first().isEqualTo(T0.plusSeconds(540));
        assertThat(fine).hasSize(6);
    }

    @Test
    void aQueryFartherBackThanTheFineTierReachesReadsTheCoarserTier() {
        Series series = new Series(List.of(new Series.Tier(Duration.ofSeconds(10), 6),
                new Series.Tier(Duration.ofSeconds(60), 60)));
        for (int s = 0; s < 1800; s += 10) {
            series.add(cpu(T0.plusSeconds(s), 0.5));
        }
        Instant now = T0.plusSeconds(1800);

        List<Series.Point> points = series.points(T0, now, Duration.ZERO, now);

        assertThat(points).hasSize(30);
        assertThat(Duration.between(points.get(0).at(), points.get(1).at())).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aPointOlderThanTheNewestStepIsDropped() {
        Series series = new Series();
        series.add(cpu(T0.plusSeconds(30), 0.5));
        series.add(cpu(T0, 1.0));

        assertThat(series.points(T0, T0.plusSeconds(60), Duration.ZERO, T0.plusSeconds(60)))
                .singleElement().extracting(Series.Point::at).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void aWeekOfTenSecondSamplesStaysWithinTheTiersCapacities() {
        Series series = new Series();
        for (long s = 0; s < Duration.ofDays(8).toSeconds(); s += 10) {
            series.add(cpu(T0.plusSeconds(s), 0.1));
        }
        assertThat(series.sizes()).containsExactly(360, 1440, 1008);
    }
}

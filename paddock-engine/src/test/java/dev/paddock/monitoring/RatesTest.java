package dev.paddock.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RatesTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static DomainStats stats(long cpuNanos, int vcpus, long read, long written, long received, long sent) {
        return new DomainStats("vm-1", cpuNanos, vcpus, 1L << 30, 512L << 20, read, written, received, sent);
    }

    @Test
    void aDomainsCountersTenSecondsApartGiveItsSharesAndRatesPerSecond() {
        Usage usage = Rates.of(stats(0, 2, 0, 0, 0, 0), T0, stats(5_000_000_000L, 2, 10_000, 20_000, 30_000, 40_000),
                T0.plusSeconds(10)).orElseThrow();

        assertThat(usage.cpu()).as("5 s of CPU over 10 s on 2 vCPUs").isCloseTo(0.25, within(1e-9));
        assertThat(usage.diskReadRate()).isEqualTo(1_000);
        assertThat(usage.diskWriteRate()).isEqualTo(2_000);
        assertThat(usage.networkReceiveRate()).isEqualTo(3_000);
        assertThat(usage.networkTransmitRate()).isEqualTo(4_000);
        assertThat(usage.memoryShare()).isEqualTo(0.5);
        assertThat(usage.at()).isEqualTo(T0.plusSeconds(10));
    }

    @ParameterizedTest(name = "a counter read {0} then {1} counted {2}")
    @CsvSource({"100, 250, 150", "100, 100, 0", "1000, 40, 40", "0, 0, 0"})
    void aCounterThatWentDownWasRestartedAndCountedItsNewValue(long before, long after, long counted) {
        assertThat(Rates.delta(before, after)).isEqualTo(counted);
    }

    @Test
    void aRestartedDomainIsMeasuredFromItsRestartNotAsANegativeRate() {
        Usage usage = Rates.of(stats(900_000_000_000L, 1, 1 << 20, 0, 0, 0), T0, stats(1_000_000_000L, 1, 4096, 0, 0, 0),
                T0.plusSeconds(10)).orElseThrow();

        assertThat(usage.cpu()).isCloseTo(0.1, within(1e-9));
        assertThat(usage.diskReadRate()).isCloseTo(409.6, within(1e-9));
    }

    @Test
    void noTimeBetweenTwoReadsGivesNoUsage() {
        assertThat(Rates.of(stats(0, 1, 0, 0, 0, 0), T0, stats(10, 1, 0, 0, 0, 0), T0)).isEmpty();
    }

    @Test
    void aShareIsKeptBetweenNoneAndAllWhenTwoClocksDisagree() {
        assertThat(Rates.of(stats(0, 1, 0, 0, 0, 0), T0, stats(10_100_000_000L, 1, 0, 0, 0, 0), T0.plusSeconds(10))
                .orElseThrow().cpu()).isEqualTo(1.0);
    }

    @Test
    void aHostsCpuIsItsBusyShareOfAllItsCpuTimeAndItsTrafficItsGuests() {
        Usage guests = new Usage(T0, 0, 0, 0, 10, 20, 30, 40);
        Usage usage = Rates.of(new HostStats(100, 1000, 4, 8L << 30, 6L << 30),
                new HostStats(100 + 930, 1000 + 1000, 4, 8L << 30, 2L << 30), T0, guests).orElseThrow();

        assertThat(usage.cpu()).isCloseTo(0.93, within(1e-9));
        assertThat(usage.memoryUsedBytes()).isEqualTo(6L << 30);
        assertThat(usage.memoryShare()).isEqualTo(0.75);
        assertThat(usage.networkTransmitRate()).isEqualTo(40);
    }
}

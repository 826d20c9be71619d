package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.security.RateLimiter;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestLimitsTest {

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({"1048576, 1048576", "1MiB, 1048576", "1 MiB, 1048576", "512KiB, 524288", "512k, 524288",
            "2G, 2147483648", "64b, 64"})
    void sizes(String written, long bytes) {
        assertThat(RequestLimits.size(written)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}'' is refused with a sentence")
    @ValueSource(strings = {"", "0", "-1", "1.5MiB", "1TB", "lots", "99999999999999999999G"})
    void wrongSizes(String written) {
        assertThatThrownBy(() -> RequestLimits.size(written)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(".");
    }

    @ParameterizedTest(name = "{0} is {1} per {2} s")
    @CsvSource({"300/min, 300, 60", "10/s, 10, 1", "1000/h, 1000, 3600", "5 / minute, 5, 60"})
    void rates(String written, int count, long seconds) {
        assertThat(RequestLimits.rate(written)).contains(new RateLimiter.Rate(count, Duration.ofSeconds(seconds)));
    }

    @ParameterizedTest(name = "''{0}'' is refused with a sentence")
    @ValueSource(strings = {"", "0/min", "300", "300/day", "many/min", "-1/s"})
    void wrongRates(String written) {
        assertThatThrownBy(() -> RequestLimits.rate(written)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(".");
    }

    @org.junit.jupiter.api.Test
    void offIsNoLimit() {
        assertThat(RequestLimits.rate("off")).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "{0} bytes read as {1}")
    @CsvSource({"1048576, 1 MiB", "1099511627776, 1 TiB", "1500, 1500 bytes", "4096, 4 KiB"})
    void sizesInSentences(long bytes, String said) {
        assertThat(RequestLimits.bytes(bytes)).isEqualTo(said);
    }
}

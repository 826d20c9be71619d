package dev.paddock.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** A clock the test moves. */
    static final class MovedClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    final MovedClock clock = new MovedClock();
    final RateLimiter limiter = new RateLimiter(new RateLimiter.Rate(3, Duration.ofMinutes(1)), clock);

    @Test
    @DisplayName("a whole rate passes at once; the next call waits until one token is back")
    void burstThenWait() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("alice")).isEmpty();
        }

        assertThat(limiter.take("alice")).contains(Duration.ofSeconds(20));
        clock.now = clock.now.plusSeconds(5);
        assertThat(limiter.take("alice")).contains(Duration.ofSeconds(15));
    }

    @Test
    @DisplayName("tokens come back evenly over the period, never more than the rate")
    void refill() {
        for (int i = 0; i < 3; i++) {
            limiter.take("alice");
        }

        clock.now = clock.now.plusSeconds(20);
        assertThat(limiter.take("alice")).isEmpty();
        assertThat(limiter.take("alice")).isPresent();
        clock.now = clock.now.plus(Duration.ofHours(5));
        assertThat(limiter.take("alice")).isEmpty();
        assertThat(limiter.take("alice")).isEmpty();
        assertThat(limiter.take("alice")).isEmpty();
        assertThat(limiter.take("alice")).isPresent();
    }

    @Test
    @DisplayName("each key has its own bucket, and a refused call takes nothing")
    void perKey() {
        for (int i = 0; i < 10; i++) {
            limiter.take("alice");
        }

        assertThat(limiter.take("bob")).isEmpty();
        clock.now = clock.now.plusSeconds(20);
        assertThat(limiter.take("alice")).isEmpty();
    }

    @Test
    @DisplayName("a rate is written as the option takes it")
    void rateAsWritten() {
        assertThat(new RateLimiter.Rate(300, Duration.ofMinutes(1))).hasToString("300/min");
        assertThat(new RateLimiter.Rate(10, Duration.ofSeconds(1))).hasToString("10/s");
        assertThat(Optional.of(new RateLimiter.Rate(1000, Duration.ofHours(1))).get()).hasToString("1000/h");
    }
}

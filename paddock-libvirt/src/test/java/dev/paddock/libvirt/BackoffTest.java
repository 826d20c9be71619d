package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final Backoff HALF_SECOND_TO_THIRTY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @ParameterizedTest(name = "attempt {0} waits {1} ms")
    @CsvSource({"0, 500", "1, 1000", "2, 2000", "5, 16000", "6, 30000", "7, 30000", "1000, 30000"})
    void doublesUpToTheCap(int attempt, long millis) {
        assertThat(HALF_SECOND_TO_THIRTY.before(attempt)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    @DisplayName("a zero first wait or a cap below it is refused")
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.paddock.server.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RealTimeClockTest {

    @Test
    @DisplayName("the real-time clock runs a scheduled task once its time has come, and really sleeps")
    void realTime() throws InterruptedException {
        try (RealTimeClock clock = new RealTimeClock()) {
            CountDownLatch ran = new CountDownLatch(1);
            Instant due = clock.now().plusMillis(50);
            clock.schedule(due, ran::countDown);

            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(clock.now()).isAfterOrEqualTo(due);

            long before = System.nanoTime();
            clock.sleep(Duration.ofMillis(30));
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
        }
    }
}

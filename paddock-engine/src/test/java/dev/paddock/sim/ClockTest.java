package dev.paddock.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClockTest {

    @Test
    @DisplayName("a manual clock runs due tasks in time order, then in scheduling order, at their due time")
    void manualClockOrder() {
        ManualClock clock = ManualClock.atEpochOf2030();
        Instant start = clock.now();
        List<String> ran = new CopyOnWriteArrayList<>();
        clock.schedule(start.plusSeconds(3), () -> ran.add("c@" + clock.now().getEpochSecond() % 60));
        clock.schedule(start.plusSeconds(1), () -> ran.add("a@" + clock.now().getEpochSecond() % 60));
        clock.schedule(start.plusSeconds(1), () -> ran.add("b@" + clock.now().getEpochSecond() % 60));
        clock.schedule(start.plusSeconds(9), () -> ran.add("late"));

        clock.advance(Duration.ofSeconds(5));

        assertThat(ran).containsExactly("a@1", "b@1", "c@3");
        assertThat(clock.now()).isEqualTo(start.plusSeconds(5));
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    @DisplayName("a task scheduled by a task, within the advance, runs in the same advance")
    void chainedTasks() {
        ManualClock clock = ManualClock.atEpochOf2030();
        List<String> ran = new CopyOnWriteArrayList<>();
        clock.schedule(clock.now().plusSeconds(1), () -> {
            ran.add("first");
            clock.schedule(clock.now().plusSeconds(1), () -> ran.add("second"));
        });

        clock.advance(Duration.ofSeconds(3));

        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    @DisplayName("a manual clock does not go back")
    void noTimeTravel() {
        assertThatThrownBy(() -> ManualClock.atEpochOf2030().advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

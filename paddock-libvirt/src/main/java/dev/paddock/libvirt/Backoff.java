package dev.paddock.libvirt;

import java.time.Duration;

/** How long to wait before each reconnect attempt: {@code first}, doubled per failure, never above {@code max}. */
record Backoff(Duration first, Duration max) {

    Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, not " + first + " and " + max);
        }
    }

    /** The wait before attempt {@code attempt} (0 for the first attempt after a loss). */
    Duration before(int attempt) {
        Duration wait = first;
        for (int i = 0; i < attempt && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}

package dev.paddock.ha;

import java.time.Duration;
import java.util.Objects;

/**
 * How HA judges hosts.
 *
 * @param detectionWindow how long keepalive must stay lost before a host is judged; a datastore heartbeat older
 *     than this is stale
 */
public record HaPolicy(Duration detectionWindow) {

    public static final Duration DEFAULT_DETECTION_WINDOW = Duration.ofSeconds(10);
    public static final HaPolicy DEFAULT = new HaPolicy(DEFAULT_DETECTION_WINDOW);

    public HaPolicy {
        Objects.requireNonNull(detectionWindow, "detectionWindow");
        if (detectionWindow.isNegative() || detectionWindow.isZero()) {
            throw new IllegalArgumentException("the detection window must be positive, was " + detectionWindow);
        }
    }
}

package dev.paddock.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Something a person should look at, raised by a controller and kept until acknowledged. An alarm whose cause went
 * away on its own (a threshold's condition stopped holding) is cleared by the server and says so; it stays in the
 * list until acknowledged, so that nobody misses what happened overnight.
 *
 * @param kind what happened, for example {@code vm.unregistered}
 * @param subjectId the id of what it is about (a VM, a host)
 */
public record Alarm(String id, String kind, String subjectId, String message, Instant raised,
        Optional<Acknowledgement> acknowledged, Optional<Clearance> cleared) {

    /** Who acknowledged an alarm, and when. */
    public record Acknowledgement(String by, Instant at) {}

    /** When the server cleared an alarm, and why. */
    public record Clearance(Instant at, String reason) {}

    public boolean isOpen() {
        return acknowledged.isEmpty();
    }
}

package dev.paddock.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Something a person should look at, raised by a controller and kept until acknowledged.
 *
 * @param kind what happened, for example {@code vm.unregistered}
 * @param subjectId the id of what it is about (a VM, a host)
 */
public record Alarm(String id, String kind, String subjectId, String message, Instant raised,
        Optional<Acknowledgement> acknowledged) {

    /** Who acknowledged an alarm, and when. */
    public record Acknowledgement(String by, Instant at) {}

    public boolean isOpen() {
        return acknowledged.isEmpty();
    }
}

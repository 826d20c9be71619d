package dev.paddock.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The alarms table: raised by controllers, listed newest first, acknowledged by people. */
public interface Alarms {

    Alarm raise(String kind, String subjectId, String message, Instant now);

    /** Newest first; {@code openOnly} leaves out the acknowledged ones. */
    List<Alarm> list(boolean openOnly, int offset, int limit);

    Optional<Alarm> get(String id);

    /**
     * Clears an alarm whose cause went away, saying why; one cleared already keeps its first clearance. Empty when
     * unknown.
     */
    Optional<Alarm> clear(String id, String reason, Instant now);

    /** Acknowledges an open alarm; one acknowledged already keeps its first acknowledgement. Empty when unknown. */
    Optional<Alarm> acknowledge(String id, String by, Instant now);
}

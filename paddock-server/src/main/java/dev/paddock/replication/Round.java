package dev.paddock.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one replication round did: the points it committed at the target, the chunks and bytes it uploaded, and the
 * sentence that ended it when it failed (the points committed before the failure stay committed).
 */
public record Round(Instant started, Duration took, List<String> committed, int chunksSent, long bytesSent,
        Optional<String> failure) {

    public Round {
        committed = List.copyOf(committed);
    }

    public boolean ok() {
        return failure.isEmpty();
    }

    /** One line for the status and the log. */
    public String summary() {
        String done = committed.size() + " point(s) committed, " + chunksSent + " chunk(s) and " + bytesSent
                + " bytes sent in " + took.toMillis() + " ms";
        return failure.map(why -> "failed after " + done + ": " + why).orElse(done);
    }
}

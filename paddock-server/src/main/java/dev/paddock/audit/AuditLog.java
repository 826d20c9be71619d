package dev.paddock.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log, a hash chain: each entry stores the hash of the one before it (see
 * {@link AuditEntry}), and {@link #verify} walks the chain from the first entry.
 *
 * <p>Appends are serialised in this process; the primary key on {@code seq} makes a second writer (another server
 * on the same database) fail rather than fork the chain.
 */
public interface AuditLog {

    /** What a walk of the chain found: intact, or the first entry whose hash or link does not hold. */
    public record Verification(boolean intact, long entries, Optional<Long> firstBrokenSeq, String reason) {}

    AuditEntry append(String actor, String action, String subjectId, String detail, Instant now);

    /** Newest first. */
    List<AuditEntry> list(int offset, int limit);

    /** Newest first, only the entries whose action begins with {@code actionPrefix} (for example {@code ha.}). */
    List<AuditEntry> listActions(String actionPrefix, int offset, int limit);

    /** Walks the whole chain, oldest first: every hash must hold and link to the entry before it. */
    Verification verify();
}

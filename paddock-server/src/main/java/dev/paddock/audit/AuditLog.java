package dev.paddock.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log, a keyed hash chain: each entry stores the hash of the one before it and an HMAC
 * under a key kept outside the database (see {@link AuditEntry} and {@link AuditChain}), and {@link #verify} walks
 * the chain from the first entry.
 *
 * <p>Appends are serialised in this process; the primary key on {@code seq} makes a second writer (another server
 * on the same database) fail rather than fork the chain.
 */
public interface AuditLog {

    /** Why an entry does not hold. */
    enum Fault {
        /** An entry is gone: deleted, or seq skips a number. */
        MISSING,
        /** The entry's previous hash is not the hash of the entry before it. */
        LINK_BROKEN,
        /** The entry's fields are not what its hash covers. */
        EDITED,
        /** A plain SHA-256 hash where the chain is keyed: recomputed by someone without the key. */
        UNKEYED
    }

    /**
     * What a walk of the chain found: intact, or the first entry that does not hold, its fault and why.
     *
     * @param entries how many entries held before the walk stopped
     * @param keyedFrom the first entry that must carry an HMAC
     */
    record Verification(boolean intact, long entries, Optional<Long> firstBrokenSeq, Optional<Fault> fault,
            String reason, long keyedFrom) {}

    AuditEntry append(String actor, String action, String subjectId, String detail, Instant now);

    /** As {@link #append(String, String, String, String, Instant)}, with what the change did (secrets redacted). */
    AuditEntry append(String actor, String action, String subjectId, String detail, AuditChange change, Instant now);

    /** Newest first. */
    List<AuditEntry> list(int offset, int limit);

    /** Newest first, only the entries whose action begins with {@code actionPrefix} (for example {@code ha.}). */
    List<AuditEntry> listActions(String actionPrefix, int offset, int limit);

    /** Oldest first, at most {@code limit} entries from {@code fromSeq} on that were written at or after {@code since}. */
    List<AuditEntry> ascending(long fromSeq, Instant since, int limit);

    /** Walks the whole chain, oldest first: every hash must hold and link to the entry before it. */
    Verification verify();
}

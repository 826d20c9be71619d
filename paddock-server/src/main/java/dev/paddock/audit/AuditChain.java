package dev.paddock.audit;

import dev.paddock.audit.AuditLog.Fault;
import dev.paddock.audit.AuditLog.Verification;
import dev.paddock.security.ServerKeys.ChainStart;
import java.util.Optional;

/**
 * Walks the audit chain oldest first and stops at the first entry that does not hold.
 *
 * <p>How a chain begun by servers without keys stays verifiable: entries before {@code start.seq()} are
 * {@link AuditEntry#PLAIN} and checked by their SHA-256; the entry before {@code start.seq()} must end with the hash
 * recorded in the key directory when the chain was keyed ({@code start.previousHash()}), and every entry from
 * {@code start.seq()} on must be {@link AuditEntry#KEYED} with an HMAC that holds. Someone who can write only the
 * database can therefore neither rewrite the keyed part (no key) nor the plain part (its last hash is recorded
 * outside the database), nor recompute the whole chain with plain SHA-256 (the keyed part would turn plain). What a
 * hash chain cannot see alone is the newest entries cut off its end.
 */
public final class AuditChain {

    private final byte[] key;
    private final ChainStart start;
    private String previous = AuditEntry.GENESIS;
    private long expected = 1;
    private long checked;
    private Optional<Verification> broken = Optional.empty();

    public AuditChain(byte[] key, ChainStart start) {
        this.key = key.clone();
        this.start = start;
    }

    /** Checks the next entry; false once the chain is broken (the verdict is then {@link #verdict()}). */
    public boolean accept(AuditEntry entry) {
        if (broken.isPresent()) {
            return false;
        }
        long seq = entry.seq();
        if (seq != expected) {
            return fail(Fault.MISSING, expected, "entry " + expected + " is missing: deleted, or a gap in seq before"
                    + " entry " + seq);
        }
        if (!entry.previousHash().equals(previous)) {
            return fail(Fault.LINK_BROKEN, seq, "entry " + seq + " does not link to the entry before it");
        }
        if (seq >= start.seq() && entry.chain() != AuditEntry.KEYED) {
            return fail(Fault.UNKEYED, seq, "entry " + seq + " has an unkeyed hash where the chain is keyed (from entry "
                    + start.seq() + "): it was recomputed without the audit key");
        }
        boolean holds = switch (entry.chain()) {
            case AuditEntry.PLAIN -> entry.plainHashHolds();
            case AuditEntry.KEYED -> entry.keyedHashHolds(key);
            default -> false;
        };
        if (!holds) {
            return fail(Fault.EDITED, seq, "entry " + seq + " was changed after it was written: its "
                    + (entry.chain() == AuditEntry.KEYED ? "HMAC" : "hash") + " does not hold");
        }
        if (seq == start.seq() - 1 && !entry.hash().equals(start.previousHash())) {
            return fail(Fault.EDITED, seq, "entry " + seq + ", or one before it, was rewritten: its hash is not the one"
                    + " recorded with the audit key when the chain was keyed");
        }
        previous = entry.hash();
        expected++;
        checked++;
        return true;
    }

    /** The verdict after the last entry was accepted. */
    public Verification verdict() {
        if (broken.isPresent()) {
            return broken.get();
        }
        if (expected < start.seq()) {
            return new Verification(false, checked, Optional.of(expected), Optional.of(Fault.MISSING), "entry "
                    + expected + " is missing: the log ends before the entry the keyed chain starts after",
                    start.seq());
        }
        return new Verification(true, checked, Optional.empty(), Optional.empty(), "every entry holds ("
                + checked + ", keyed from entry " + start.seq() + ")", start.seq());
    }

    private boolean fail(Fault fault, long seq, String reason) {
        broken = Optional.of(new Verification(false, checked, Optional.of(seq), Optional.of(fault), reason,
                start.seq()));
        return false;
    }
}

package dev.paddock.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One line of the audit log. {@code hash} covers every other field and the previous entry's hash, so the log is
 * a chain: changing or removing any entry breaks the hash of every entry after it.
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String subjectId, String detail,
        String previousHash, String hash) {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    /** The entry that follows {@code previousHash}, with its hash computed. */
    public static AuditEntry next(long seq, Instant at, String actor, String action, String subjectId, String detail,
            String previousHash) {
        return new AuditEntry(seq, at, actor, action, subjectId, detail, previousHash,
                hash(seq, at, actor, action, subjectId, detail, previousHash));
    }

    /** True when the stored hash is the hash of the stored fields. */
    public boolean hashHolds() {
        return hash.equals(hash(seq, at, actor, action, subjectId, detail, previousHash));
    }

    /** SHA-256 over the fields, each length-prefixed so that no two different entries read the same. */
    static String hash(long seq, Instant at, String actor, String action, String subjectId, String detail,
            String previousHash) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {Long.toString(seq), at.toString(), actor, action, subjectId, detail,
                previousHash}) {
            text.append(field.length()).append(':').append(field).append(';');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

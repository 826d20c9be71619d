package dev.paddock.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One line of the audit log. {@code hash} covers every other field and the previous entry's hash, so the log is
 * a chain: changing or removing any entry breaks the hash of every entry after it.
 *
 * <p>Two kinds of hash, told apart by {@code chain}: {@value #PLAIN} is the first servers' SHA-256 over the fields
 * (anyone who can write the database can recompute it), {@value #KEYED} is HMAC-SHA256 under the server's audit
 * key over the previous hash followed by the entry's canonical form (see {@link AuditChain} for where each is
 * accepted).
 *
 * @param changeJson what the change did, as JSON {@code {"before":...,"after":...}} with secrets redacted, or empty
 * @param chain how {@code hash} is computed: {@value #PLAIN} or {@value #KEYED}
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String subjectId, String detail,
        @JsonIgnore String changeJson, int chain, String previousHash, String hash) {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    /** SHA-256 over the fields: entries written before the chain was keyed. */
    public static final int PLAIN = 1;
    /** HMAC-SHA256 under the audit key. */
    public static final int KEYED = 2;

    /** The keyed entry that follows {@code previousHash}, with its HMAC computed under {@code key}. */
    public static AuditEntry next(byte[] key, long seq, Instant at, String actor, String action, String subjectId,
            String detail, String change, String previousHash) {
        return new AuditEntry(seq, at, actor, action, subjectId, detail, change, KEYED, previousHash,
                keyedHash(key, seq, at, actor, action, subjectId, detail, change, previousHash));
    }

    /** The before/after of the change as JSON, or null when the entry records none. */
    @JsonProperty("change")
    public JsonNode change() {
        if (changeJson.isEmpty()) {
            return null;
        }
        try {
            return Json.mapper().readTree(changeJson);
        } catch (JsonProcessingException e) {
            return Json.mapper().getNodeFactory().textNode(changeJson);
        }
    }

    /** True when the stored hash is the plain SHA-256 of the stored fields (a {@value #PLAIN} entry's hash). */
    boolean plainHashHolds() {
        return hash.equals(plainHash(seq, at, actor, action, subjectId, detail, previousHash));
    }

    /** True when the stored hash is the HMAC of the stored fields under {@code key}. */
    boolean keyedHashHolds(byte[] key) {
        return MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), keyedHash(key, seq, at, actor, action,
                subjectId, detail, changeJson, previousHash).getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA-256 over the fields, each length-prefixed so that no two different entries read the same. */
    static String plainHash(long seq, Instant at, String actor, String action, String subjectId, String detail,
            String previousHash) {
        String text = canonical(Long.toString(seq), at.toString(), actor, action, subjectId, detail, previousHash);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** HMAC-SHA256(key, previous hash ‖ the entry's length-prefixed fields, its chain version first). */
    static String keyedHash(byte[] key, long seq, Instant at, String actor, String action, String subjectId,
            String detail, String change, String previousHash) {
        String text = previousHash + canonical(Integer.toString(KEYED), Long.toString(seq), at.toString(), actor,
                action, subjectId, detail, change);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static String canonical(String... fields) {
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            text.append(field.length()).append(':').append(field).append(';');
        }
        return text.toString();
    }
}

package dev.paddock.store;

import dev.paddock.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/** What someone who can write the database, but has no key, does to the audit log to hide a change. */
public final class AuditForgery {

    private AuditForgery() {}

    /** Runs {@code sql}, an UPDATE or DELETE of rows of {@code audit}. */
    public static void sql(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.executeUpdate();
        }
    }

    /** What an attacker with only the database does: every hash (up to {@code lastSeq}) recomputed, linked anew. */
    public static void recomputePlain(DataSource dataSource, int chain, long lastSeq) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT seq, at, actor, action, subject_id, detail FROM audit"
                    + " WHERE seq <= ? ORDER BY seq")) {
                s.setLong(1, lastSeq);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new Object[] {r.getLong(1), r.getObject(2, OffsetDateTime.class).toInstant(),
                                r.getString(3), r.getString(4), r.getString(5), r.getString(6)});
                    }
                }
            }
            String previous = AuditEntry.GENESIS;
            for (Object[] row : rows) {
                long seq = (Long) row[0];
                String hash = plainHash(seq, (Instant) row[1], (String) row[2], (String) row[3], (String) row[4],
                        (String) row[5], previous);
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE audit SET chain = ?, previous_hash = ?, hash = ? WHERE seq = ?")) {
                    s.setInt(1, chain);
                    s.setString(2, previous);
                    s.setString(3, hash);
                    s.setLong(4, seq);
                    s.executeUpdate();
                }
                previous = hash;
            }
        }
    }

    /** The first servers' SHA-256 over length-prefixed fields, as anyone can compute it. */
    public static String plainHash(long seq, Instant at, String actor, String action, String subjectId, String detail,
            String previous) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {Long.toString(seq), at.toString(), actor, action, subjectId, detail,
                previous}) {
            text.append(field.length()).append(':').append(field).append(';');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}

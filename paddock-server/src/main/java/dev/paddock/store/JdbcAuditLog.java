package dev.paddock.store;

import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of the {@link AuditLog}, table {@code audit}. Appends are serialised in this process; the primary key on
 * {@code seq} makes a second writer (another server on the same database) fail rather than fork the chain.
 */
public final class JdbcAuditLog implements AuditLog {

    private static final String COLUMNS = "seq, at, actor, action, subject_id, detail, previous_hash, hash";

    private final Jdbc jdbc;

    public JdbcAuditLog(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public synchronized AuditEntry append(String actor, String action, String subjectId, String detail, Instant now) {
        return jdbc.inTransaction(connection -> {
            List<AuditEntry> last = Jdbc.query(connection, "SELECT " + COLUMNS + " FROM audit ORDER BY seq DESC LIMIT 1",
                    s -> { }, JdbcAuditLog::entry);
            long seq = last.isEmpty() ? 1 : last.getFirst().seq() + 1;
            String previous = last.isEmpty() ? AuditEntry.GENESIS : last.getFirst().hash();
            AuditEntry entry = AuditEntry.next(seq, now.truncatedTo(ChronoUnit.MICROS), actor, action, subjectId,
                    detail, previous);
            Jdbc.update(connection, "INSERT INTO audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                s.setLong(1, entry.seq());
                s.setObject(2, JdbcAlarms.offset(entry.at()));
                s.setString(3, entry.actor());
                s.setString(4, entry.action());
                s.setString(5, entry.subjectId());
                s.setString(6, entry.detail());
                s.setString(7, entry.previousHash());
                s.setString(8, entry.hash());
            });
            return entry;
        });
    }

    @Override
    public List<AuditEntry> list(int offset, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit ORDER BY seq DESC LIMIT ? OFFSET ?", s -> {
            s.setInt(1, limit);
            s.setInt(2, offset);
        }, JdbcAuditLog::entry);
    }

    @Override
    public List<AuditEntry> listActions(String actionPrefix, int offset, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit WHERE action LIKE ? ORDER BY seq DESC LIMIT ? OFFSET ?",
                s -> {
                    s.setString(1, actionPrefix.replace("%", "").replace("_", "\\_") + "%");
                    s.setInt(2, limit);
                    s.setInt(3, offset);
                }, JdbcAuditLog::entry);
    }

    @Override
    public Verification verify() {
        List<AuditEntry> entries = jdbc.query("SELECT " + COLUMNS + " FROM audit ORDER BY seq", s -> { },
                JdbcAuditLog::entry);
        String previous = AuditEntry.GENESIS;
        long expectedSeq = 1;
        for (AuditEntry entry : entries) {
            if (entry.seq() != expectedSeq) {
                return broken(entries.size(), expectedSeq, "entry " + expectedSeq + " is missing");
            }
            if (!entry.previousHash().equals(previous)) {
                return broken(entries.size(), entry.seq(), "entry " + entry.seq() + " does not follow the entry before it");
            }
            if (!entry.hashHolds()) {
                return broken(entries.size(), entry.seq(), "entry " + entry.seq() + " was changed after it was written");
            }
            previous = entry.hash();
            expectedSeq++;
        }
        return new Verification(true, entries.size(), Optional.empty(), "every entry holds");
    }

    private static Verification broken(long entries, long seq, String reason) {
        return new Verification(false, entries, Optional.of(seq), reason);
    }

    private static AuditEntry entry(ResultSet r) throws SQLException {
        return new AuditEntry(r.getLong("seq"), r.getObject("at", OffsetDateTime.class).toInstant(), r.getString("actor"),
                r.getString("action"), r.getString("subject_id"), r.getString("detail"), r.getString("previous_hash"),
                r.getString("hash"));
    }
}

package dev.paddock.store;

import dev.paddock.audit.AuditChain;
import dev.paddock.audit.AuditChange;
import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.AuditLog;
import dev.paddock.security.ServerKeys;
import dev.paddock.security.ServerKeys.ChainStart;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;

/**
 * The SQL of the {@link AuditLog}, table {@code audit}. Appends are serialised in this process; the primary key on
 * {@code seq} makes a second writer (another server on the same database) fail rather than fork the chain. Every
 * entry it writes is keyed ({@link AuditEntry#KEYED}); {@link #verify} reads the chain a page at a time.
 */
public final class JdbcAuditLog implements AuditLog {

    private static final String COLUMNS = "seq, at, actor, action, subject_id, detail, change_json, chain,"
            + " previous_hash, hash";
    private static final int PAGE = 1000;

    private final Jdbc jdbc;
    private final byte[] key;
    private final ChainStart start;

    public JdbcAuditLog(DataSource dataSource, byte[] key, ChainStart start) {
        this.jdbc = new Jdbc(dataSource);
        this.key = key.clone();
        this.start = start;
    }

    /**
     * The log under the server's audit key, keyed from where the key directory says; the first time, from the entry
     * after the last one in the database (a database written before keys keeps its plain entries as they are).
     */
    public static JdbcAuditLog keyed(DataSource dataSource, ServerKeys keys) {
        return new JdbcAuditLog(dataSource, keys.auditKey(), keys.auditChainStart(() -> new Jdbc(dataSource)
                .queryOne("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", s -> { },
                        r -> new ChainStart(r.getLong(1) + 1, r.getString(2)))
                .orElse(new ChainStart(1, AuditEntry.GENESIS))));
    }

    @Override
    public AuditEntry append(String actor, String action, String subjectId, String detail, Instant now) {
        return write(actor, action, subjectId, detail, "", now);
    }

    @Override
    public AuditEntry append(String actor, String action, String subjectId, String detail, AuditChange change,
            Instant now) {
        return write(actor, action, subjectId, detail, change.json(), now);
    }

    private synchronized AuditEntry write(String actor, String action, String subjectId, String detail,
            String change, Instant now) {
        return jdbc.inTransaction(connection -> {
            List<AuditEntry> last = Jdbc.query(connection, "SELECT " + COLUMNS + " FROM audit ORDER BY seq DESC LIMIT 1",
                    s -> { }, JdbcAuditLog::entry);
            long seq = last.isEmpty() ? 1 : last.getFirst().seq() + 1;
            String previous = last.isEmpty() ? AuditEntry.GENESIS : last.getFirst().hash();
            AuditEntry entry = AuditEntry.next(key, seq, now.truncatedTo(ChronoUnit.MICROS), actor, action,
                    subjectId, detail, change, previous);
            Jdbc.update(connection, "INSERT INTO audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                s.setLong(1, entry.seq());
                s.setObject(2, JdbcAlarms.offset(entry.at()));
                s.setString(3, entry.actor());
                s.setString(4, entry.action());
                s.setString(5, entry.subjectId());
                s.setString(6, entry.detail());
                s.setString(7, entry.changeJson());
                s.setInt(8, entry.chain());
                s.setString(9, entry.previousHash());
                s.setString(10, entry.hash());
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
    public List<AuditEntry> ascending(long fromSeq, Instant since, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit WHERE seq >= ? AND at >= ? ORDER BY seq LIMIT ?", s -> {
            s.setLong(1, fromSeq);
            s.setObject(2, JdbcAlarms.offset(since));
            s.setInt(3, limit);
        }, JdbcAuditLog::entry);
    }

    @Override
    public Verification verify() {
        AuditChain chain = new AuditChain(key, start);
        long from = Long.MIN_VALUE;
        while (true) {
            long first = from;
            // every row from seq on, whatever its time says: an entry whose time was edited is still walked
            List<AuditEntry> page = jdbc.query("SELECT " + COLUMNS + " FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?",
                    s -> {
                        s.setLong(1, first);
                        s.setInt(2, PAGE);
                    }, JdbcAuditLog::entry);
            for (AuditEntry entry : page) {
                if (!chain.accept(entry)) {
                    return chain.verdict();
                }
            }
            if (page.size() < PAGE) {
                return chain.verdict();
            }
            from = page.getLast().seq() + 1;
        }
    }

    private static AuditEntry entry(ResultSet r) throws SQLException {
        return new AuditEntry(r.getLong("seq"), r.getObject("at", OffsetDateTime.class).toInstant(), r.getString("actor"),
                r.getString("action"), r.getString("subject_id"), r.getString("detail"), r.getString("change_json"),
                r.getInt("chain"), r.getString("previous_hash"), r.getString("hash"));
    }
}

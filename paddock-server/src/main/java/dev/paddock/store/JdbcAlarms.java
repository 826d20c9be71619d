package dev.paddock.store;

import dev.paddock.audit.Alarm;
import dev.paddock.audit.Alarms;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The SQL of {@link Alarms}, table {@code alarms}. */
public final class JdbcAlarms implements Alarms {

    private static final String COLUMNS = "id, kind, subject_id, message, raised, acknowledged, acknowledged_by, cleared,"
            + " cleared_reason";

    private final Jdbc jdbc;

    public JdbcAlarms(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public Alarm raise(String kind, String subjectId, String message, Instant now) {
        Alarm alarm = new Alarm(UUID.randomUUID().toString(), kind, subjectId, message, now.truncatedTo(ChronoUnit.MICROS),
                Optional.empty(), Optional.empty());
        jdbc.update("INSERT INTO alarms (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)", s -> {
            s.setString(1, alarm.id());
            s.setString(2, alarm.kind());
            s.setString(3, alarm.subjectId());
            s.setString(4, alarm.message());
            s.setObject(5, offset(alarm.raised()));
        });
        return alarm;
    }

    @Override
    public List<Alarm> list(boolean openOnly, int offset, int limit) {
        String where = openOnly ? " WHERE acknowledged IS NULL" : "";
        return jdbc.query("SELECT " + COLUMNS + " FROM alarms" + where + " ORDER BY raised DESC, id LIMIT ? OFFSET ?",
                s -> {
                    s.setInt(1, limit);
                    s.setInt(2, offset);
                }, JdbcAlarms::alarm);
    }

    @Override
    public Optional<Alarm> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM alarms WHERE id = ?", s -> s.setString(1, id), JdbcAlarms::alarm);
    }

    @Override
    public Optional<Alarm> clear(String id, String reason, Instant now) {
        jdbc.update("UPDATE alarms SET cleared = ?, cleared_reason = ? WHERE id = ? AND cleared IS NULL", s -> {
            s.setObject(1, offset(now.truncatedTo(ChronoUnit.MICROS)));
            s.setString(2, reason.length() > 4000 ? reason.substring(0, 4000) : reason);
            s.setString(3, id);
        });
        return get(id);
    }

    @Override
    public Optional<Alarm> acknowledge(String id, String by, Instant now) {
        jdbc.update("UPDATE alarms SET acknowledged = ?, acknowledged_by = ? WHERE id = ? AND acknowledged IS NULL",
                s -> {
                    s.setObject(1, offset(now.truncatedTo(ChronoUnit.MICROS)));
                    s.setString(2, by);
                    s.setString(3, id);
                });
        return get(id);
    }

    private static Alarm alarm(ResultSet r) throws SQLException {
        String by = r.getString("acknowledged_by");
        Optional<Alarm.Acknowledgement> acknowledged = Optional.ofNullable(r.getObject("acknowledged", OffsetDateTime.class))
                .map(at -> new Alarm.Acknowledgement(by == null ? "" : by, at.toInstant()));
        String reason = r.getString("cleared_reason");
        Optional<Alarm.Clearance> cleared = Optional.ofNullable(r.getObject("cleared", OffsetDateTime.class))
                .map(at -> new Alarm.Clearance(at.toInstant(), reason == null ? "" : reason));
        return new Alarm(r.getString("id"), r.getString("kind"), r.getString("subject_id"), r.getString("message"),
                r.getObject("raised", OffsetDateTime.class).toInstant(), acknowledged, cleared);
    }

    static OffsetDateTime offset(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

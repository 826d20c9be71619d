package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.backup.BackupSchedule;
import dev.paddock.backup.BackupSchedules;
import dev.paddock.backup.Cadence;
import dev.paddock.backup.RetentionPolicy;
import dev.paddock.backup.ScheduledRun;
import dev.paddock.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** The SQL of {@link BackupSchedules} (tables of {@code V31__backup_schedules.sql}). */
public final class JdbcBackupSchedules implements BackupSchedules {

    private static final String COLUMNS = "id, name, repository_id, cover, cadence, keep_last, keep_daily,"
            + " keep_weekly, enabled, owner, created, last_round";
    private static final String RUN_COLUMNS = "schedule_id, vm_id, round_at, last_run, outcome, operation_id,"
            + " submitted, message, last_success, usual_millis, watched_since, alarmed";
    private static final TypeReference<Map<String, Set<String>>> COVER = new TypeReference<>() { };

    private final Jdbc jdbc;

    public JdbcBackupSchedules(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public void put(BackupSchedule schedule) {
        String cover = cover(schedule.coverage());
        try {
            jdbc.update("INSERT INTO backup_schedules (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    s -> {
                        s.setString(1, schedule.id());
                        s.setString(2, schedule.name());
                        s.setString(3, schedule.repositoryId());
                        s.setString(4, cover);
                        s.setString(5, schedule.cadence().text());
                        count(s, 6, schedule.retention().map(RetentionPolicy::last));
                        count(s, 7, schedule.retention().map(RetentionPolicy::daily));
                        count(s, 8, schedule.retention().map(RetentionPolicy::weekly));
                        s.setBoolean(9, schedule.enabled());
                        s.setString(10, schedule.owner());
                        s.setTimestamp(11, Timestamp.from(schedule.created()));
                        instant(s, 12, schedule.lastRound());
                    });
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException("A backup schedule named '" + schedule.name() + "' already exists.");
        }
    }

    @Override
    public List<BackupSchedule> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM backup_schedules ORDER BY name", s -> { },
                JdbcBackupSchedules::schedule);
    }

    @Override
    public Optional<BackupSchedule> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM backup_schedules WHERE id = ?", s -> s.setString(1, id),
                JdbcBackupSchedules::schedule);
    }

    @Override
    public Optional<BackupSchedule> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM backup_schedules WHERE name = ?", s -> s.setString(1, name),
                JdbcBackupSchedules::schedule);
    }

    @Override
    public boolean change(String id, boolean enabled, Cadence cadence) {
        return jdbc.update("UPDATE backup_schedules SET enabled = ?, cadence = ? WHERE id = ?", s -> {
            s.setBoolean(1, enabled);
            s.setString(2, cadence.text());
            s.setString(3, id);
        }) > 0;
    }

    @Override
    public void markRound(String id, Instant round) {
        jdbc.update("UPDATE backup_schedules SET last_round = ? WHERE id = ?", s -> {
            s.setTimestamp(1, Timestamp.from(round));
            s.setString(2, id);
        });
    }

    @Override
    public boolean delete(String id) {
        return jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM backup_schedule_runs WHERE schedule_id = ?", s -> s.setString(1, id));
            return Jdbc.update(connection, "DELETE FROM backup_schedules WHERE id = ?", s -> s.setString(1, id)) > 0;
        });
    }

    @Override
    public List<ScheduledRun> runs(String scheduleId) {
        return jdbc.query("SELECT " + RUN_COLUMNS + " FROM backup_schedule_runs WHERE schedule_id = ? ORDER BY vm_id",
                s -> s.setString(1, scheduleId), JdbcBackupSchedules::run);
    }

    @Override
    public List<ScheduledRun> running() {
        return jdbc.query("SELECT " + RUN_COLUMNS + " FROM backup_schedule_runs WHERE outcome = ?"
                + " ORDER BY schedule_id, vm_id", s -> s.setString(1, ScheduledRun.Outcome.RUNNING.name()),
                JdbcBackupSchedules::run);
    }

    @Override
    public void putRun(ScheduledRun run) {
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM backup_schedule_runs WHERE schedule_id = ? AND vm_id = ?", s -> {
                s.setString(1, run.scheduleId());
                s.setString(2, run.vmId());
            });
            return Jdbc.update(connection, "INSERT INTO backup_schedule_runs (" + RUN_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, run.scheduleId());
                        s.setString(2, run.vmId());
                        instant(s, 3, run.round());
                        s.setTimestamp(4, Timestamp.from(run.lastRun()));
                        s.setString(5, run.outcome().name());
                        s.setString(6, run.operationId().orElse(null));
                        instant(s, 7, run.submitted());
                        s.setString(8, run.message().map(JdbcBackupSchedules::clip).orElse(null));
                        instant(s, 9, run.lastSuccess());
                        if (run.usual().isPresent()) {
                            s.setLong(10, run.usual().get().toMillis());
                        } else {
                            s.setNull(10, Types.BIGINT);
                        }
                        instant(s, 11, run.watchedSince());
                        s.setBoolean(12, run.alarmed());
                    });
        });
    }

    /** A message fits its column: an operation's error can be long. */
    private static String clip(String message) {
        return message.length() <= 8000 ? message : message.substring(0, 7999) + "…";
    }

    private static String cover(BackupSchedule.Coverage coverage) {
        try {
            return Json.mapper().writeValueAsString(Map.of("vms", coverage.vms(), "clusters", coverage.clusters(),
                    "groups", coverage.groups()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a schedule's coverage does not write as JSON", e);
        }
    }

    private static BackupSchedule schedule(ResultSet r) throws SQLException {
        Map<String, Set<String>> cover;
        try {
            cover = Json.mapper().readValue(r.getString(4), COVER);
        } catch (JsonProcessingException e) {
            throw new StoreException("backup schedule " + r.getString(1) + " has a coverage that does not read", e);
        }
        Optional<RetentionPolicy> retention = Optional.empty();
        Integer last = (Integer) r.getObject(6);
        Integer daily = (Integer) r.getObject(7);
        Integer weekly = (Integer) r.getObject(8);
        if (last != null || daily != null || weekly != null) {
            retention = Optional.of(new RetentionPolicy(last == null ? 0 : last, daily == null ? 0 : daily,
                    weekly == null ? 0 : weekly));
        }
        return new BackupSchedule(r.getString(1), r.getString(2), r.getString(3), new BackupSchedule.Coverage(
                cover.getOrDefault("vms", Set.of()), cover.getOrDefault("clusters", Set.of()),
                cover.getOrDefault("groups", Set.of())), Cadence.parse(r.getString(5)), retention, r.getBoolean(9),
                r.getString(10), r.getTimestamp(11).toInstant(), instant(r, 12));
    }

    private static ScheduledRun run(ResultSet r) throws SQLException {
        long usual = r.getLong(10);
        Optional<Duration> usualDuration = r.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(usual));
        return new ScheduledRun(r.getString(1), r.getString(2), instant(r, 3), r.getTimestamp(4).toInstant(),
                ScheduledRun.Outcome.valueOf(r.getString(5)), Optional.ofNullable(r.getString(6)), instant(r, 7),
                Optional.ofNullable(r.getString(8)), instant(r, 9), usualDuration, instant(r, 11),
                r.getBoolean(12));
    }

    private static Optional<Instant> instant(ResultSet r, int column) throws SQLException {
        Timestamp value = r.getTimestamp(column);
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    private static void instant(PreparedStatement s, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            s.setTimestamp(index, Timestamp.from(value.get()));
        } else {
            s.setTimestamp(index, null);
        }
    }

    private static void count(PreparedStatement s, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            s.setInt(index, value.get());
        } else {
            s.setNull(index, Types.INTEGER);
        }
    }
}

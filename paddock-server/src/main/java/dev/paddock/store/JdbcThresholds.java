package dev.paddock.store;

import dev.paddock.monitoring.Metric;
import dev.paddock.monitoring.Scope;
import dev.paddock.monitoring.ThresholdEvaluator;
import dev.paddock.monitoring.ThresholdRule;
import dev.paddock.monitoring.Thresholds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The SQL of {@link Thresholds}: tables {@code thresholds} and {@code threshold_alarms} of V33. */
public final class JdbcThresholds implements Thresholds {

    private static final String COLUMNS = "id, name, metric, scope_kind, scope_id, comparison, threshold_value,"
            + " duration_seconds, owner, created";

    private final Jdbc jdbc;

    public JdbcThresholds(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public List<ThresholdRule> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM thresholds ORDER BY name", s -> { }, JdbcThresholds::rule);
    }

    @Override
    public Optional<ThresholdRule> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM thresholds WHERE id = ?", s -> s.setString(1, id),
                JdbcThresholds::rule);
    }

    @Override
    public Optional<ThresholdRule> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM thresholds WHERE name = ?", s -> s.setString(1, name),
                JdbcThresholds::rule);
    }

    @Override
    public void put(ThresholdRule rule) {
        try {
            jdbc.update("INSERT INTO thresholds (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                s.setString(1, rule.id());
                s.setString(2, rule.name());
                s.setString(3, rule.metric().key());
                s.setString(4, rule.scope().kind().key());
                s.setString(5, rule.scope().id());
                s.setString(6, rule.comparison().key());
                s.setDouble(7, rule.value());
                s.setLong(8, rule.duration().toSeconds());
                s.setString(9, rule.owner());
                s.setObject(10, JdbcAlarms.offset(rule.created().truncatedTo(ChronoUnit.MICROS)));
            });
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException("A threshold named '" + rule.name() + "' already exists.");
        }
    }

    @Override
    public boolean remove(String id) {
        return jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "DELETE FROM threshold_alarms WHERE threshold_id = ?", s -> s.setString(1, id));
            return Jdbc.update(connection, "DELETE FROM thresholds WHERE id = ?", s -> s.setString(1, id)) > 0;
        });
    }

    @Override
    public Map<ThresholdEvaluator.Key, Raised> raised() {
        Map<ThresholdEvaluator.Key, Raised> raised = new HashMap<>();
        jdbc.query("SELECT threshold_id, subject_id, alarm_id, raised FROM threshold_alarms", s -> { },
                r -> Map.entry(new ThresholdEvaluator.Key(r.getString("threshold_id"), r.getString("subject_id")),
                        new Raised(r.getString("alarm_id"), r.getObject("raised", OffsetDateTime.class).toInstant())))
                .forEach(entry -> raised.put(entry.getKey(), entry.getValue()));
        return raised;
    }

    @Override
    public void markRaised(ThresholdEvaluator.Key key, Raised raised) {
        jdbc.update("INSERT INTO threshold_alarms (threshold_id, subject_id, alarm_id, raised) VALUES (?, ?, ?, ?)", s -> {
            s.setString(1, key.ruleId());
            s.setString(2, key.subjectId());
            s.setString(3, raised.alarmId());
            s.setObject(4, JdbcAlarms.offset(raised.at().truncatedTo(ChronoUnit.MICROS)));
        });
    }

    @Override
    public void markCleared(ThresholdEvaluator.Key key) {
        jdbc.update("DELETE FROM threshold_alarms WHERE threshold_id = ? AND subject_id = ?", s -> {
            s.setString(1, key.ruleId());
            s.setString(2, key.subjectId());
        });
    }

    private static ThresholdRule rule(ResultSet r) throws SQLException {
        String scopeKind = r.getString("scope_kind").toUpperCase(Locale.ROOT);
        return new ThresholdRule(r.getString("id"), r.getString("name"),
                Metric.ofKey(r.getString("metric")).orElseThrow(() -> new IllegalStateException("unknown metric")),
                new Scope(Scope.Kind.valueOf(scopeKind), r.getString("scope_id")),
                ThresholdRule.Comparison.valueOf(r.getString("comparison").toUpperCase(Locale.ROOT)),
                r.getDouble("threshold_value"), Duration.ofSeconds(r.getLong("duration_seconds")), r.getString("owner"),
                r.getObject("created", OffsetDateTime.class).toInstant());
    }
}

package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.paddock.json.Json;
import dev.paddock.operation.OperationJournal;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.StepState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.Page;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The SQL of the {@link OperationJournal}. Every write is its own committed transaction, so what the journal says is
 * what a restarted server will read.
 */
public final class JdbcOperationJournal implements OperationJournal {

    /** The longest log a step keeps; older lines are dropped first. */
    private static final int MAX_LOG = 60_000;

    private static final String OPERATION_COLUMNS =
            "id, kind, target, owner, state, cancel_requested, error, created, updated";

    private final Jdbc jdbc;

    public JdbcOperationJournal(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public String create(OperationPlan plan, Instant now) {
        String id = UUID.randomUUID().toString();
        Instant at = truncate(now);
        jdbc.inTransaction(connection -> {
            Jdbc.update(connection, "INSERT INTO operations (" + OPERATION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, FALSE, NULL, ?, ?)", s -> {
                        s.setString(1, id);
                        s.setString(2, plan.kind());
                        s.setString(3, plan.target());
                        s.setString(4, plan.owner());
                        s.setString(5, OperationState.PENDING.name());
                        s.setObject(6, offset(at));
                        s.setObject(7, offset(at));
                    });
            for (int i = 0; i < plan.steps().size(); i++) {
                insertStep(connection, id, i, plan.steps().get(i));
            }
            return null;
        });
        return id;
    }

    private static void insertStep(Connection connection, String id, int index, Step step) throws SQLException {
        Jdbc.update(connection, "INSERT INTO operation_steps (operation_id, step_index, step, description, state, log)"
                + " VALUES (?, ?, ?, ?, ?, '')", s -> {
                    s.setString(1, id);
                    s.setInt(2, index);
                    s.setString(3, write(step));
                    s.setString(4, step.describe());
                    s.setString(5, StepState.PENDING.name());
                });
    }

    @Override
    public Optional<Entry> entry(String id) {
        return jdbc.inSnapshot(connection -> {
            List<Header> headers = Jdbc.query(connection,
                    "SELECT " + OPERATION_COLUMNS + " FROM operations WHERE id = ?", s -> s.setString(1, id),
                    JdbcOperationJournal::header);
            if (headers.isEmpty()) {
                return Optional.<Entry>empty();
            }
            return Optional.of(entryOf(headers.getFirst(), steps(connection, List.of(id)).get(id)));
        });
    }

    @Override
    public Optional<OperationView> view(String id) {
        return entry(id).map(Entry::view);
    }

    @Override
    public Page<OperationView> list(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0, were " + offset + " and " + limit);
        }
        return jdbc.inSnapshot(connection -> {
            long total = Jdbc.query(connection, "SELECT COUNT(*) FROM operations", s -> {}, r -> r.getLong(1))
                    .getFirst();
            List<Header> headers = Jdbc.query(connection, "SELECT " + OPERATION_COLUMNS
                    + " FROM operations ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", s -> {
                        s.setInt(1, offset);
                        s.setInt(2, limit);
                    }, JdbcOperationJournal::header);
            Map<String, List<StepRow>> steps = steps(connection, headers.stream().map(Header::id).toList());
            List<OperationView> views = headers.stream().map(h -> entryOf(h, steps.get(h.id())).view()).toList();
            return new Page<>(views, total, offset, limit);
        });
    }

    @Override
    public List<String> unfinished() {
        return jdbc.query("SELECT id FROM operations WHERE state IN (?, ?) ORDER BY seq", s -> {
            s.setString(1, OperationState.PENDING.name());
            s.setString(2, OperationState.RUNNING.name());
        }, r -> r.getString(1));
    }

    @Override
    public Map<OperationState, Long> countByState() {
        Map<OperationState, Long> counts = new java.util.EnumMap<>(OperationState.class);
        for (OperationState state : OperationState.values()) {
            counts.put(state, 0L);
        }
        jdbc.query("SELECT state, COUNT(*) FROM operations GROUP BY state", s -> {},
                r -> counts.put(OperationState.valueOf(r.getString(1)), r.getLong(2)));
        return counts;
    }

    @Override
    public boolean cancelRequested(String id) {
        return jdbc.queryOne("SELECT cancel_requested FROM operations WHERE id = ?", s -> s.setString(1, id),
                r -> r.getBoolean(1)).orElse(false);
    }

    @Override
    public boolean requestCancel(String id, Instant now) {
        return jdbc.update("UPDATE operations SET cancel_requested = TRUE, updated = ? WHERE id = ? AND state IN (?, ?)",
                s -> {
                    s.setObject(1, offset(truncate(now)));
                    s.setString(2, id);
                    s.setString(3, OperationState.PENDING.name());
                    s.setString(4, OperationState.RUNNING.name());
                }) > 0;
    }

    @Override
    public void setState(String id, OperationState state, Optional<String> error, Instant now) {
        jdbc.update("UPDATE operations SET state = ?, error = COALESCE(?, error), updated = ? WHERE id = ?", s -> {
            s.setString(1, state.name());
            s.setString(2, error.orElse(null));
            s.setObject(3, offset(truncate(now)));
            s.setString(4, id);
        });
    }

    @Override
    public void startStep(String id, int index, Optional<Step> undo, Instant now) {
        jdbc.update("UPDATE operation_steps SET undo = ? WHERE operation_id = ? AND step_index = ?", s -> {
            s.setString(1, undo.map(JdbcOperationJournal::write).orElse(null));
            s.setString(2, id);
            s.setInt(3, index);
        });
        setStep(id, index, StepState.RUNNING, undo.map(u -> "undo if rolled back: " + u.describe()).orElse(""), now);
    }

    @Override
    public void setStep(String id, int index, StepState state, String logLine, Instant now) {
        Instant at = truncate(now);
        String started = state == StepState.RUNNING ? "?" : "started";
        String finished = state == StepState.RUNNING || state == StepState.PENDING ? "NULL" : "?";
        jdbc.inTransaction(connection -> {
            String log = Jdbc.query(connection,
                    "SELECT log FROM operation_steps WHERE operation_id = ? AND step_index = ?", s -> {
                        s.setString(1, id);
                        s.setInt(2, index);
                    }, r -> r.getString(1)).getFirst();
            String appended = appendLine(log, logLine);
            Jdbc.update(connection, "UPDATE operation_steps SET state = ?, log = ?, started = " + started
                    + ", finished = " + finished + " WHERE operation_id = ? AND step_index = ?", s -> {
                        int i = 1;
                        s.setString(i++, state.name());
                        s.setString(i++, appended);
                        if (state == StepState.RUNNING) {
                            s.setObject(i++, offset(at));
                        }
                        if (!finished.equals("NULL")) {
                            s.setObject(i++, offset(at));
                        }
                        s.setString(i++, id);
                        s.setInt(i, index);
                    });
            Jdbc.update(connection, "UPDATE operations SET updated = ? WHERE id = ?", s -> {
                s.setObject(1, offset(at));
                s.setString(2, id);
            });
            return null;
        });
    }

    private static String appendLine(String log, String line) {
        if (line.isEmpty()) {
            return log;
        }
        String joined = log.isEmpty() ? line : log + "\n" + line;
        return joined.length() <= MAX_LOG ? joined : joined.substring(joined.length() - MAX_LOG);
    }

    private record Header(String id, String kind, String target, String owner, OperationState state,
            boolean cancelRequested, Optional<String> error, Instant created, Instant updated) {}

    private record StepRow(Step step, Optional<Step> undo, OperationView.StepView view) {}

    private static Header header(ResultSet r) throws SQLException {
        return new Header(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                OperationState.valueOf(r.getString(5)), r.getBoolean(6), Optional.ofNullable(r.getString(7)),
                instant(r, 8).orElseThrow(), instant(r, 9).orElseThrow());
    }

    private static Map<String, List<StepRow>> steps(Connection connection, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String marks = ids.stream().map(i -> "?").collect(Collectors.joining(", "));
        Map<String, List<StepRow>> byOperation = new HashMap<>();
        Jdbc.query(connection, "SELECT operation_id, step_index, step, description, state, started, finished, log,"
                + " undo FROM operation_steps WHERE operation_id IN (" + marks + ") ORDER BY operation_id, step_index", s -> {
                    for (int i = 0; i < ids.size(); i++) {
                        s.setString(i + 1, ids.get(i));
                    }
                }, r -> {
                    String undo = r.getString(9);
                    StepRow row = new StepRow(read(r.getString(3)),
                            undo == null ? Optional.empty() : Optional.of(read(undo)),
                            new OperationView.StepView(r.getInt(2),
                            r.getString(4), StepState.valueOf(r.getString(5)), instant(r, 6), instant(r, 7),
                            r.getString(8)));
                    byOperation.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(row);
                    return row;
                });
        return byOperation;
    }

    private static Entry entryOf(Header h, List<StepRow> rows) {
        List<StepRow> steps = rows == null ? Collections.emptyList() : rows;
        int done = (int) steps.stream().filter(s -> s.view().state() == StepState.DONE).count();
        OperationView view = new OperationView(h.id(), h.kind(), h.target(), h.owner(), h.state(), done,
                steps.size(), h.created(), h.updated(), h.error(), steps.stream().map(StepRow::view).toList());
        return new Entry(view, steps.stream().map(StepRow::step).toList(), steps.stream().map(StepRow::undo).toList(),
                h.cancelRequested());
    }

    private static Optional<Instant> instant(ResultSet r, int column) throws SQLException {
        return Optional.ofNullable(r.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static OffsetDateTime offset(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Both databases keep microseconds; truncating first makes what is read back equal what was written. */
    private static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static String write(Step step) {
        try {
            return Json.mapper().writerFor(Step.class).writeValueAsString(step);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot journal step " + step, e);
        }
    }

    private static Step read(String json) throws SQLException {
        try {
            return Json.mapper().readValue(json, Step.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable journaled step: " + e.getOriginalMessage(), e);
        }
    }
}

package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.json.Json;
import dev.paddock.replication.Replication;
import dev.paddock.replication.Replications;
import dev.paddock.replication.Round;
import dev.paddock.replication.VmReplica;
import dev.paddock.security.SecretBox;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of {@link Replications} (tables of {@code V32__replications.sql}): the token a replication presents to
 * the other site is sealed by the {@link SecretBox}, bound to the replication's id.
 */
public final class JdbcReplications implements Replications {

    private static final String COLUMNS = "id, name, source_repository, target_url, target_repository, ca_certificate,"
            + " bandwidth, vms, interval_seconds, rpo_seconds, streams, created";

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public JdbcReplications(DataSource dataSource, SecretBox secrets) {
        this.jdbc = new Jdbc(dataSource);
        this.secrets = secrets;
    }

    @Override
    public void put(Replication r, String token) {
        String sealed = secrets.seal(token, context(r.id()));
        String vms = json(r.vms());
        try {
            jdbc.update("INSERT INTO replications (" + COLUMNS + ", token_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?)", s -> {
                        s.setString(1, r.id());
                        s.setString(2, r.name());
                        s.setString(3, r.source());
                        s.setString(4, r.target().toString());
                        s.setString(5, r.targetRepository());
                        s.setString(6, r.caCertificate().orElse(null));
                        s.setLong(7, r.bandwidth());
                        s.setString(8, vms);
                        s.setLong(9, r.interval().toSeconds());
                        s.setLong(10, r.rpoTarget().toSeconds());
                        s.setInt(11, r.streams());
                        s.setTimestamp(12, Timestamp.from(r.created()));
                        s.setString(13, sealed);
                    });
        } catch (Jdbc.UniqueViolation e) {
            throw new IllegalArgumentException("a replication named '" + r.name() + "' exists");
        }
    }

    @Override
    public List<Replication> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM replications ORDER BY name", s -> { },
                JdbcReplications::replication);
    }

    @Override
    public Optional<Replication> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM replications WHERE id = ?", s -> s.setString(1, id),
                JdbcReplications::replication);
    }

    @Override
    public Optional<Replication> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM replications WHERE name = ?", s -> s.setString(1, name),
                JdbcReplications::replication);
    }

    @Override
    public String token(String id) {
        String sealed = jdbc.queryOne("SELECT token_sealed FROM replications WHERE id = ?", s -> s.setString(1, id),
                r -> r.getString(1)).orElseThrow(() -> new IllegalArgumentException("no replication " + id));
        return secrets.open(sealed, context(id));
    }

    @Override
    public boolean delete(String id) {
        return jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM replication_vms WHERE replication_id = ?", s -> s.setString(1, id));
            return Jdbc.update(c, "DELETE FROM replications WHERE id = ?", s -> s.setString(1, id)) > 0;
        });
    }

    @Override
    public void recordRound(String id, Round round) {
        String text = json(round);
        jdbc.update("UPDATE replications SET last_round = ? WHERE id = ?", s -> {
            s.setString(1, text);
            s.setString(2, id);
        });
    }

    @Override
    public Optional<Round> lastRound(String id) {
        return jdbc.queryOne("SELECT last_round FROM replications WHERE id = ? AND last_round IS NOT NULL",
                s -> s.setString(1, id), r -> r.getString(1)).map(text -> read(text, new TypeReference<Round>() { }));
    }

    @Override
    public void recordVm(String id, VmReplica replica) {
        jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM replication_vms WHERE replication_id = ? AND vm = ?", s -> {
                s.setString(1, id);
                s.setString(2, replica.vm());
            });
            return Jdbc.update(c, "INSERT INTO replication_vms (replication_id, vm, point, taken, bytes_sent,"
                    + " took_millis, replicated) VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, id);
                        s.setString(2, replica.vm());
                        s.setString(3, replica.point());
                        s.setTimestamp(4, Timestamp.from(replica.taken()));
                        s.setLong(5, replica.bytesSent());
                        s.setLong(6, replica.took().toMillis());
                        s.setTimestamp(7, Timestamp.from(replica.replicated()));
                    });
        });
    }

    @Override
    public List<VmReplica> vms(String id) {
        return jdbc.query("SELECT vm, point, taken, bytes_sent, took_millis, replicated FROM replication_vms"
                + " WHERE replication_id = ? ORDER BY vm", s -> s.setString(1, id), r -> new VmReplica(r.getString(1),
                r.getString(2), r.getTimestamp(3).toInstant(), r.getLong(4), Duration.ofMillis(r.getLong(5)),
                r.getTimestamp(6).toInstant()));
    }

    private static String context(String id) {
        return "replication:" + id;
    }

    private static Replication replication(ResultSet r) throws SQLException {
        return new Replication(r.getString(1), r.getString(2), r.getString(3), URI.create(r.getString(4)),
                r.getString(5), Optional.ofNullable(r.getString(6)), r.getLong(7),
                read(r.getString(8), new TypeReference<List<String>>() { }), Duration.ofSeconds(r.getLong(9)),
                Duration.ofSeconds(r.getLong(10)), r.getInt(11), r.getTimestamp(12).toInstant());
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("a replication's stored JSON does not read: " + e.getMessage(), e);
        }
    }
}

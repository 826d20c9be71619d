package dev.paddock.store;

import dev.paddock.backup.RepositoryKey;
import dev.paddock.backup.RepositoryRecord;
import dev.paddock.backup.RepositoryRecords;
import dev.paddock.security.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of {@link RepositoryRecords} (table of {@code V30__backup_repositories.sql}): an encrypted repository's key
 * is sealed by the {@link SecretBox}, bound to the repository's id.
 */
public final class JdbcRepositoryRecords implements RepositoryRecords {

    private static final String COLUMNS = "id, name, path, key_sealed IS NOT NULL, created";

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public JdbcRepositoryRecords(DataSource dataSource, SecretBox secrets) {
        this.jdbc = new Jdbc(dataSource);
        this.secrets = secrets;
    }

    @Override
    public void put(RepositoryRecord record, Optional<RepositoryKey> key) {
        if (byName(record.name()).isPresent()) {
            throw new IllegalArgumentException("a backup repository named '" + record.name() + "' exists");
        }
        if (list().stream().anyMatch(r -> r.path().equals(record.path()))) {
            throw new IllegalArgumentException("backup repository " + record.path() + " is known already");
        }
        String sealed = key.map(k -> secrets.seal(k.base64(), context(record.id()))).orElse(null);
        jdbc.update("INSERT INTO backup_repositories (id, name, path, key_sealed, created) VALUES (?, ?, ?, ?, ?)",
                s -> {
                    s.setString(1, record.id());
                    s.setString(2, record.name());
                    s.setString(3, record.path());
                    s.setString(4, sealed);
                    s.setTimestamp(5, Timestamp.from(record.created()));
                });
    }

    @Override
    public List<RepositoryRecord> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM backup_repositories ORDER BY name", s -> { },
                JdbcRepositoryRecords::record);
    }

    @Override
    public Optional<RepositoryRecord> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM backup_repositories WHERE id = ?", s -> s.setString(1, id),
                JdbcRepositoryRecords::record);
    }

    @Override
    public Optional<RepositoryRecord> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM backup_repositories WHERE name = ?",
                s -> s.setString(1, name), JdbcRepositoryRecords::record);
    }

    @Override
    public Optional<RepositoryKey> key(String id) {
        return jdbc.queryOne("SELECT key_sealed FROM backup_repositories WHERE id = ? AND key_sealed IS NOT NULL",
                s -> s.setString(1, id), r -> r.getString(1))
                .map(sealed -> RepositoryKey.ofBase64(secrets.open(sealed, context(id))));
    }

    @Override
    public boolean delete(String id) {
        return jdbc.update("DELETE FROM backup_repositories WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    private static String context(String id) {
        return "backup-repository:" + id;
    }

    private static RepositoryRecord record(ResultSet r) throws SQLException {
        return new RepositoryRecord(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4),
                r.getTimestamp(5).toInstant());
    }
}

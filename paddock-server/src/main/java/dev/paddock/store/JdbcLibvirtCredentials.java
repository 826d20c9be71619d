package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.json.Json;
import dev.paddock.security.LibvirtCredential;
import dev.paddock.security.LibvirtCredentials;
import dev.paddock.security.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of {@link LibvirtCredentials} (table of {@code V29__libvirt_credentials.sql}): the files are one JSON
 * object sealed by the {@link SecretBox}, bound to the credential's id, so a sealed value copied to another row does
 * not open.
 */
public final class JdbcLibvirtCredentials implements LibvirtCredentials {

    private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {};
    private static final String COLUMNS = "id, name, kind, summary, created";

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public JdbcLibvirtCredentials(DataSource dataSource, SecretBox secrets) {
        this.jdbc = new Jdbc(dataSource);
        this.secrets = secrets;
    }

    @Override
    public void put(LibvirtCredential credential, LibvirtCredential.Files files) {
        String sealed;
        try {
            sealed = secrets.seal(Json.mapper().writeValueAsString(files.contents()), context(credential.id()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is JSON", e);
        }
        if (byName(credential.name()).isPresent()) {
            throw new IllegalArgumentException("a libvirt credential named '" + credential.name() + "' exists");
        }
        jdbc.update("INSERT INTO libvirt_credentials (id, name, kind, summary, sealed, created) VALUES (?, ?, ?, ?, ?, ?)",
                s -> {
                    s.setString(1, credential.id());
                    s.setString(2, credential.name());
                    s.setString(3, credential.kind().name());
                    s.setString(4, credential.summary());
                    s.setString(5, sealed);
                    s.setTimestamp(6, Timestamp.from(credential.created()));
                });
    }

    @Override
    public List<LibvirtCredential> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM libvirt_credentials ORDER BY name", s -> { },
                JdbcLibvirtCredentials::credential);
    }

    @Override
    public Optional<LibvirtCredential> get(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM libvirt_credentials WHERE id = ?", s -> s.setString(1, id),
                JdbcLibvirtCredentials::credential);
    }

    @Override
    public Optional<LibvirtCredential> byName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM libvirt_credentials WHERE name = ?",
                s -> s.setString(1, name), JdbcLibvirtCredentials::credential);
    }

    @Override
    public Optional<LibvirtCredential.Files> files(String id) {
        return jdbc.queryOne("SELECT sealed FROM libvirt_credentials WHERE id = ?", s -> s.setString(1, id),
                r -> r.getString(1)).map(sealed -> {
                    try {
                        return new LibvirtCredential.Files(Json.mapper().readValue(secrets.open(sealed, context(id)),
                                FILES));
                    } catch (JsonProcessingException e) {
                        throw new SecretBox.Unreadable("the sealed files of libvirt credential " + id
                                + " are not the JSON they were written as");
                    }
                });
    }

    @Override
    public boolean delete(String id) {
        return jdbc.update("DELETE FROM libvirt_credentials WHERE id = ?", s -> s.setString(1, id)) > 0;
    }

    private static String context(String id) {
        return "libvirt-credential/" + id;
    }

    private static LibvirtCredential credential(ResultSet r) throws SQLException {
        return new LibvirtCredential(r.getString(1), r.getString(2), LibvirtCredential.Kind.valueOf(r.getString(3)),
                r.getString(4), r.getTimestamp(5).toInstant());
    }
}

package dev.paddock.store;

import dev.paddock.security.ApiToken;
import dev.paddock.security.BrowserSession;
import dev.paddock.security.Grant;
import dev.paddock.security.Identities;
import dev.paddock.security.Permission;
import dev.paddock.security.Role;
import dev.paddock.security.Scope;
import dev.paddock.security.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The SQL of {@link Identities}: tables {@code users}, {@code api_tokens}, {@code browser_sessions}, {@code roles},
 * {@code grants}. */
public final class JdbcIdentities implements Identities {

    private static final String USER = "id, name, password_hash, must_change_password, user_groups, created_at";
    private static final String TOKEN = "id, user_id, name, role, secret_hash, created_at, expires_at";

    private final Jdbc jdbc;
    private final Dialect dialect;

    public JdbcIdentities(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
        this.dialect = Dialect.of(dataSource);
    }

    @Override
    public List<User> users() {
        return jdbc.query("SELECT " + USER + " FROM users ORDER BY name", s -> {}, JdbcIdentities::user);
    }

    @Override
    public Optional<User> user(String id) {
        return jdbc.queryOne("SELECT " + USER + " FROM users WHERE id = ?", s -> s.setString(1, id),
                JdbcIdentities::user);
    }

    @Override
    public Optional<User> userNamed(String name) {
        return jdbc.queryOne("SELECT " + USER + " FROM users WHERE name = ?", s -> s.setString(1, name),
                JdbcIdentities::user);
    }

    @Override
    public void put(User user) {
        try {
            jdbc.update(dialect.upsert("users", List.of(USER.split(", "))), s -> {
                s.setString(1, user.id());
                s.setString(2, user.name());
                s.setString(3, user.passwordHash());
                s.setBoolean(4, user.mustChangePassword());
                s.setString(5, String.join(",", new TreeSet<>(user.groups())));
                s.setObject(6, JdbcAlarms.offset(user.createdAt().truncatedTo(ChronoUnit.MICROS)));
            });
        } catch (Jdbc.UniqueViolation e) {
            throw new DuplicateNameException("A user named '" + user.name() + "' already exists.");
        }
    }

    @Override
    public boolean deleteUser(String id) {
        return jdbc.inTransaction(connection -> {
            Optional<User> user = Jdbc.query(connection, "SELECT " + USER + " FROM users WHERE id = ?",
                    s -> s.setString(1, id), JdbcIdentities::user).stream().findFirst();
            if (user.isEmpty()) {
                return false;
            }
            Jdbc.update(connection, "DELETE FROM grants WHERE subject_kind = 'USER' AND subject = ?",
                    s -> s.setString(1, user.get().name()));
            Jdbc.update(connection, "DELETE FROM api_tokens WHERE user_id = ?", s -> s.setString(1, id));
            Jdbc.update(connection, "DELETE FROM browser_sessions WHERE user_id = ?", s -> s.setString(1, id));
            return Jdbc.update(connection, "DELETE FROM users WHERE id = ?", s -> s.setString(1, id)) == 1;
        });
    }

    @Override
    public List<ApiToken> tokens(String userId) {
        return jdbc.query("SELECT " + TOKEN + " FROM api_tokens WHERE user_id = ? ORDER BY created_at, id",
                s -> s.setString(1, userId), JdbcIdentities::token);
    }

    @Override
    public Optional<ApiToken> tokenBySecret(String secretHash) {
        return jdbc.queryOne("SELECT " + TOKEN + " FROM api_tokens WHERE secret_hash = ?",
                s -> s.setString(1, secretHash), JdbcIdentities::token);
    }

    @Override
    public void put(ApiToken token) {
        jdbc.update("INSERT INTO api_tokens (" + TOKEN + ") VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, token.id());
            s.setString(2, token.userId());
            s.setString(3, token.name());
            s.setString(4, token.role());
            s.setString(5, token.secretHash());
            s.setObject(6, JdbcAlarms.offset(token.createdAt().truncatedTo(ChronoUnit.MICROS)));
            s.setObject(7, JdbcAlarms.offset(token.expiresAt().truncatedTo(ChronoUnit.MICROS)));
        });
    }

    @Override
    public boolean deleteToken(String userId, String tokenId) {
        return jdbc.update("DELETE FROM api_tokens WHERE user_id = ? AND id = ?", s -> {
            s.setString(1, userId);
            s.setString(2, tokenId);
        }) == 1;
    }

    @Override
    public List<Role> customRoles() {
        return jdbc.query("SELECT name, permissions FROM roles ORDER BY name", s -> {}, JdbcIdentities::role);
    }

    @Override
    public void put(Role role) {
        jdbc.update(dialect.upsert("roles", List.of("name", "permissions")), s -> {
            s.setString(1, role.name());
            s.setString(2, String.join(",", role.keys()));
        });
    }

    @Override
    public boolean deleteRole(String name) {
        return jdbc.update("DELETE FROM roles WHERE name = ?", s -> s.setString(1, name)) == 1;
    }

    @Override
    public List<Grant> grants() {
        return jdbc.query("SELECT id, subject_kind, subject, role, scope_kind, scope_id FROM grants"
                + " ORDER BY subject_kind, subject, role, id", s -> {}, JdbcIdentities::grant);
    }

    @Override
    public void put(Grant grant) {
        jdbc.update(dialect.upsert("grants", List.of("id", "subject_kind", "subject", "role", "scope_kind",
                "scope_id")), s -> {
                    s.setString(1, grant.id());
                    s.setString(2, grant.subjectKind().name());
                    s.setString(3, grant.subject());
                    s.setString(4, grant.role());
                    s.setString(5, grant.scope().kind().name());
                    s.setString(6, grant.scope().id().orElse(null));
                });
    }

    @Override
    public boolean deleteGrant(String id) {
        return jdbc.update("DELETE FROM grants WHERE id = ?", s -> s.setString(1, id)) == 1;
    }

    @Override
    public Optional<BrowserSession> session(String secretHash) {
        return jdbc.queryOne("SELECT secret_hash, user_id, csrf_token, expires_at FROM browser_sessions"
                + " WHERE secret_hash = ?", s -> s.setString(1, secretHash), r -> new BrowserSession(
                        r.getString("secret_hash"), r.getString("user_id"), r.getString("csrf_token"),
                        r.getObject("expires_at", OffsetDateTime.class).toInstant()));
    }

    @Override
    public void put(BrowserSession session) {
        jdbc.update("INSERT INTO browser_sessions (secret_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
                s -> {
                    s.setString(1, session.secretHash());
                    s.setString(2, session.userId());
                    s.setString(3, session.csrfToken());
                    s.setObject(4, JdbcAlarms.offset(session.expiresAt().truncatedTo(ChronoUnit.MICROS)));
                });
    }

    @Override
    public void deleteSession(String secretHash) {
        jdbc.update("DELETE FROM browser_sessions WHERE secret_hash = ?", s -> s.setString(1, secretHash));
    }

    private static User user(ResultSet r) throws SQLException {
        String groups = r.getString("user_groups");
        Set<String> set = groups.isEmpty() ? Set.of() : Set.of(groups.split(","));
        return new User(r.getString("id"), r.getString("name"), r.getString("password_hash"),
                r.getBoolean("must_change_password"), set, r.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    private static ApiToken token(ResultSet r) throws SQLException {
        return new ApiToken(r.getString("id"), r.getString("user_id"), r.getString("name"), r.getString("role"),
                r.getString("secret_hash"), r.getObject("created_at", OffsetDateTime.class).toInstant(),
                r.getObject("expires_at", OffsetDateTime.class).toInstant());
    }

    private static Role role(ResultSet r) throws SQLException {
        String keys = r.getString("permissions");
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        Arrays.stream(keys.split(",")).map(Permission::ofKey).flatMap(Optional::stream)
                .collect(Collectors.toCollection(() -> permissions));
        return new Role(r.getString("name"), permissions, false);
    }

    private static Grant grant(ResultSet r) throws SQLException {
        Scope.Kind kind = Scope.Kind.valueOf(r.getString("scope_kind"));
        return new Grant(r.getString("id"), Grant.SubjectKind.valueOf(r.getString("subject_kind")),
                r.getString("subject"), r.getString("role"), new Scope(kind, Optional.ofNullable(r.getString("scope_id"))));
    }
}

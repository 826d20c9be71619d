package dev.paddock.store;

import dev.paddock.security.SecretBox;
import dev.paddock.security.ServerKeys;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;

/** Which of the server's keys the database already holds data under: asked before the keys are opened. */
public final class KeyUses {

    private KeyUses() {}

    public static Set<ServerKeys.Use> of(DataSource dataSource) {
        Jdbc jdbc = new Jdbc(dataSource);
        Set<ServerKeys.Use> uses = EnumSet.noneOf(ServerKeys.Use.class);
        if (jdbc.queryOne("SELECT seq FROM audit WHERE chain <> 1 LIMIT 1", s -> { }, r -> r.getLong(1))
                .isPresent()) {
            uses.add(ServerKeys.Use.AUDIT);
        }
        if (jdbc.queryOne("SELECT host_id FROM fence_devices WHERE options LIKE ? LIMIT 1",
                s -> s.setString(1, "%\"" + SecretBox.PREFIX + "%"), r -> r.getString(1)).isPresent()) {
            uses.add(ServerKeys.Use.SECRETS);
        }
        if (jdbc.queryOne("SELECT id FROM libvirt_credentials LIMIT 1", s -> { }, r -> r.getString(1)).isPresent()) {
            uses.add(ServerKeys.Use.SECRETS);
        }
        if (jdbc.queryOne("SELECT id FROM replications LIMIT 1", s -> { }, r -> r.getString(1)).isPresent()) {
            uses.add(ServerKeys.Use.SECRETS);
        }
        return uses;
    }
}

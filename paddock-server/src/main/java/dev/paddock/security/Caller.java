package dev.paddock.security;

import java.util.List;
import java.util.Optional;

/**
 * Who is calling, once authenticated: the user, how they proved it, the roles they hold and where, and the address
 * the request came from.
 *
 * @param limit a token's role: the caller may do only what both it and their grants allow
 */
public record Caller(User user, Credential credential, Optional<Role> limit, List<Held> held, String address) {

    /** How a caller proved who they are. */
    public enum Credential {
        TOKEN,
        PASSWORD,
        SESSION
    }

    /** A role the caller holds on a scope, directly or through a group. */
    public record Held(Role role, Scope scope) {}

    public Caller {
        held = List.copyOf(held);
    }

    public boolean may(Permission permission, Target target) {
        if (permission == Permission.ACCOUNT) {
            return true;
        }
        if (limit.isPresent() && !limit.get().allows(permission)) {
            return false;
        }
        return held.stream().anyMatch(h -> h.role().allows(permission) && h.scope().covers(target));
    }

    /**
     * Whether the caller holds {@code permission} on some scope, however small: enough to call a list, which then
     * shows only what {@link #may} allows item by item.
     */
    public boolean mayAnywhere(Permission permission) {
        if (permission == Permission.ACCOUNT) {
            return true;
        }
        if (limit.isPresent() && !limit.get().allows(permission)) {
            return false;
        }
        return held.stream().anyMatch(h -> h.role().allows(permission));
    }

    /** Whether the caller holds {@code permission} on the whole room, so that a list shows everything to them. */
    public boolean mayEverywhere(Permission permission) {
        return may(permission, Target.ROOM);
    }

    /** The user's name: the owner of the operations they start. */
    public String name() {
        return user.name();
    }

    /** The audit log's actor: the user and the address they called from, for example {@code alice@10.0.0.7}. */
    public String actor() {
        return user.name() + "@" + address;
    }
}

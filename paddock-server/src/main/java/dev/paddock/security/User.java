package dev.paddock.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A local account.
 *
 * @param passwordHash the Argon2id hash in PHC form ({@link Passwords})
 * @param mustChangePassword set for a password someone else chose (the first administrator's, a reset): until the
 *     user changes it, only {@code POST /api/v1/users/me/password} answers them
 * @param groups the directory groups the user belongs to, whose grants the user holds too
 */
public record User(String id, String name, String passwordHash, boolean mustChangePassword, Set<String> groups,
        Instant createdAt) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        groups = Set.copyOf(groups);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public User withPassword(String hash, boolean mustChange) {
        return new User(id, name, hash, mustChange, groups, createdAt);
    }

    public User withGroups(Set<String> newGroups) {
        return new User(id, name, passwordHash, mustChangePassword, newGroups, createdAt);
    }
}

package dev.paddock.security;

import java.time.Instant;
import java.util.Objects;

/**
 * A named API token of a user. Its secret is shown once when made; the store keeps only its SHA-256
 * ({@link Secrets#digest}), which is enough for a random secret of 256 bits. The token acts as its user, limited to
 * the permissions of {@code role}. Deleting it revokes it.
 */
public record ApiToken(String id, String userId, String name, String role, String secretHash, Instant createdAt,
        Instant expiresAt) {

    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}

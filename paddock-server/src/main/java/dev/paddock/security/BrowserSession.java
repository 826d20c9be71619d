package dev.paddock.security;

import java.time.Instant;

/**
 * A signed-in browser: the cookie's secret is kept as its SHA-256 only; {@code csrfToken} must come back in
 * {@code X-CSRF-Token} on every request that changes something.
 */
public record BrowserSession(String secretHash, String userId, String csrfToken, Instant expiresAt) {

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}

/**
 * Who may call the API: local users (Argon2id password hashes), their API tokens and browser sessions (only the
 * SHA-256 of each secret is stored), roles as sets of {@link dev.paddock.security.Permission}s granted to a user or a
 * directory group on the room, a site or a cluster, and login throttling.
 * <pre>
 * request ─▶ api.Guard: credentials ─▶ Accounts (token | password | session) ─▶ Caller (user, held roles, address)
 *                       route's Permission + Target (the path's object: its cluster, site) ─▶ Caller.may ─▶ handler
 * </pre>
 * The store keeps them behind the {@link dev.paddock.security.Identities} port ({@code store.JdbcIdentities}).
 */
package dev.paddock.security;

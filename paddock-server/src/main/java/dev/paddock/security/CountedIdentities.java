package dev.paddock.security;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The identities store with a count of its changes: every write (users, tokens, roles, grants, sessions), whether it
 * succeeds or fails, adds one to {@link #generation()} once it has returned. What was resolved from the store while
 * the generation stayed the same is still true, so {@link Accounts} may keep it: a read that began before a write
 * carries the older generation, and is thrown away at its next use.
 */
final class CountedIdentities implements Identities {

    private final Identities store;
    private final AtomicLong generation = new AtomicLong();

    CountedIdentities(Identities store) {
        this.store = store;
    }

    /** How many writes have returned so far. */
    long generation() {
        return generation.get();
    }

    private void wrote() {
        generation.incrementAndGet();
    }

    @Override
    public List<User> users() {
        return store.users();
    }

    @Override
    public Optional<User> user(String id) {
        return store.user(id);
    }

    @Override
    public Optional<User> userNamed(String name) {
        return store.userNamed(name);
    }

    @Override
    public void put(User user) {
        try {
            store.put(user);
        } finally {
            wrote();
        }
    }

    @Override
    public boolean deleteUser(String id) {
        try {
            return store.deleteUser(id);
        } finally {
            wrote();
        }
    }

    @Override
    public List<ApiToken> tokens(String userId) {
        return store.tokens(userId);
    }

    @Override
    public Optional<ApiToken> tokenBySecret(String secretHash) {
        return store.tokenBySecret(secretHash);
    }

    @Override
    public void put(ApiToken token) {
        try {
            store.put(token);
        } finally {
            wrote();
        }
    }

    @Override
    public boolean deleteToken(String userId, String tokenId) {
        try {
            return store.deleteToken(userId, tokenId);
        } finally {
            wrote();
        }
    }

    @Override
    public List<Role> customRoles() {
        return store.customRoles();
    }

    @Override
    public void put(Role role) {
        try {
            store.put(role);
        } finally {
            wrote();
        }
    }

    @Override
    public boolean deleteRole(String name) {
        try {
            return store.deleteRole(name);
        } finally {
            wrote();
        }
    }

    @Override
    public List<Grant> grants() {
        return store.grants();
    }

    @Override
    public void put(Grant grant) {
        try {
            store.put(grant);
        } finally {
            wrote();
        }
    }

    @Override
    public boolean deleteGrant(String id) {
        try {
            return store.deleteGrant(id);
        } finally {
            wrote();
        }
    }

    @Override
    public Optional<BrowserSession> session(String secretHash) {
        return store.session(secretHash);
    }

    @Override
    public void put(BrowserSession session) {
        try {
            store.put(session);
        } finally {
            wrote();
        }
    }

    @Override
    public void deleteSession(String secretHash) {
        try {
            store.deleteSession(secretHash);
        } finally {
            wrote();
        }
    }
}

package dev.paddock.security;

import java.util.List;
import java.util.Optional;

/** The store's port for accounts: users, their tokens and browser sessions, custom roles and grants. */
public interface Identities {

    List<User> users();

    Optional<User> user(String id);

    Optional<User> userNamed(String name);

    /** Inserts or replaces the user with this id; a second user of the same name is a {@code DuplicateNameException}. */
    void put(User user);

    /** Deletes a user with their tokens, sessions and grants; false if there was none. */
    boolean deleteUser(String id);

    List<ApiToken> tokens(String userId);

    Optional<ApiToken> tokenBySecret(String secretHash);

    void put(ApiToken token);

    boolean deleteToken(String userId, String tokenId);

    List<Role> customRoles();

    /** Inserts or replaces a custom role. */
    void put(Role role);

    boolean deleteRole(String name);

    List<Grant> grants();

    void put(Grant grant);

    boolean deleteGrant(String id);

    Optional<BrowserSession> session(String secretHash);

    void put(BrowserSession session);

    void deleteSession(String secretHash);
}

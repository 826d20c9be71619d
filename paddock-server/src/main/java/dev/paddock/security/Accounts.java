package dev.paddock.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import dev.paddock.directory.DirectoryAccount;
import dev.paddock.directory.DirectoryException;
import dev.paddock.directory.DirectoryLogin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts over the {@link Identities} store: proving who calls (token, password, session), resolving what they
 * hold, making the first administrator, and issuing tokens and sessions.
 *
 * <p>A bearer token is resolved from the store once (the token, its user, its role, the user's grants and the roles
 * they name: five reads) and then kept, by the SHA-256 of its secret, for at most {@link #BEARER_LIFE}. The store
 * is reached only through {@link CountedIdentities}, whose every write (a token revoked, a user deleted or changed,
 * a directory user's groups read again at login, a role or a grant changed) ends all that is kept at once: the next
 * request reads the store again. The life bounds only what a write elsewhere (a second server on the same
 * database) can leave unseen. A token's expiry is checked against the clock at every request, kept or not.
 */
public final class Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    public static final String FIRST_USER = "admin";
    /** How long a browser session lives. */
    public static final Duration SESSION_LIFE = Duration.ofHours(12);
    /** How long the token the server is started with lives: until it is started without it. */
    private static final Duration BOOTSTRAP_TOKEN_LIFE = Duration.ofDays(3650);
    private static final String BOOTSTRAP_TOKEN_NAME = "configured administrator token";
    /** What a password for an unknown name is checked against, so that both take as long. */
    private static final String DUMMY_HASH = Passwords.standard().hash("no such user");
    /** How long a resolved bearer token is kept at most while the identities do not change. */
    public static final Duration BEARER_LIFE = Duration.ofSeconds(5);
    /** How many resolved bearer tokens are kept; beyond, all are dropped and resolved again. */
    private static final int BEARERS_KEPT = 1_024;

    /**
     * What a directory user's password hash reads: no password matches it, so such a user signs in only through
     * the directory, which judges the password; its groups are the directory's, read again at each login.
     */
    public static final String DIRECTORY_PASSWORD = "directory";

    private final CountedIdentities identities;
    private final Map<String, Kept> bearers = new ConcurrentHashMap<>();
    private volatile Optional<DirectoryLogin> directory = Optional.empty();
    private final Passwords passwords;
    private final Secrets secrets;
    private final Clock clock;

    public Accounts(Identities identities, Passwords passwords, Secrets secrets, Clock clock) {
        this.identities = new CountedIdentities(identities);
        this.passwords = passwords;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The identities store; what is written through it ends every resolved bearer token kept. */
    public Identities identities() {
        return identities;
    }

    public Secrets secrets() {
        return secrets;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * On a store without users, makes {@value #FIRST_USER}, an administrator of the room, with a random password
     * that must be changed at the first login, and answers that password (once: it is stored hashed only).
     */
    public Optional<String> createFirstAdministrator() {
        if (!identities.users().isEmpty()) {
            return Optional.empty();
        }
        String password = secrets.password();
        User admin = new User(newId(), FIRST_USER, passwords.hash(password), true, Set.of(), now());
        identities.put(admin);
        identities.put(new Grant(newId(), Grant.SubjectKind.USER, admin.name(), Role.ADMINISTRATOR_NAME, Scope.ROOM));
        LOG.info("first start: made user '{}', an administrator of the room", FIRST_USER);
        return Optional.of(password);
    }

    /**
     * Makes {@code secret} a token of the first administrator (for automation that starts the server with a
     * token it chose, and the test fixtures); the same secret given again finds the same token.
     */
    public void acceptAdministratorToken(String secret) {
        if (identities.tokenBySecret(Secrets.digest(secret)).isPresent()) {
            return;
        }
        User admin = identities.userNamed(FIRST_USER).orElseThrow(
                () -> new IllegalStateException("no user '" + FIRST_USER + "' holds the configured token"));
        identities.put(new ApiToken(newId(), admin.id(), BOOTSTRAP_TOKEN_NAME, Role.ADMINISTRATOR_NAME,
                Secrets.digest(secret), now(), now().plus(BOOTSTRAP_TOKEN_LIFE)));
    }

    /** A new token of {@code user}: the secret (shown once) and what is stored. */
    public record Issued(String secret, ApiToken token) {}

    public Issued issueToken(User user, String name, Role role, Duration life) {
        String secret = secrets.token();
        Instant now = now();
        ApiToken token = new ApiToken(newId(), user.id(), name, role.name(), Secrets.digest(secret), now,
                now.plus(life));
        identities.put(token);
        return new Issued(secret, token);
    }

    /** A new browser session: the cookie's secret and the stored session (with its CSRF token). */
    public record Opened(String secret, BrowserSession session) {}

    public Opened openSession(User user) {
        String secret = secrets.opaque();
        BrowserSession session = new BrowserSession(Secrets.digest(secret), user.id(), secrets.opaque(),
                now().plus(SESSION_LIFE));
        identities.put(session);
        return new Opened(secret, session);
    }

    /**
     * A live bearer token and what it acts as.
     *
     * @param user the token's user; empty when the user was deleted and the token not yet with it
     * @param limit the token's role (a role deleted since limits to nothing)
     * @param held what the user holds, as {@link #held} answers
     */
    public record Bearer(ApiToken token, Optional<User> user, Role limit, List<Caller.Held> held) {
        public Bearer {
            held = List.copyOf(held);
        }
    }

    private record Kept(Bearer bearer, long generation, Instant until) {}

    /**
     * The live token a bearer secret names, with its user, role and grants; empty for an unknown, revoked or
     * expired one. Answered from what was resolved before when no identity changed since and it is younger than
     * {@link #BEARER_LIFE}; the token's expiry is judged now either way.
     */
    public Optional<Bearer> bearer(String secret) {
        String hash = Secrets.digest(secret);
        Instant now = now();
        long generation = identities.generation();
        Kept kept = bearers.get(hash);
        if (kept != null && kept.generation() == generation && now.isBefore(kept.until())) {
            return kept.bearer().token().expiredAt(now) ? Optional.empty() : Optional.of(kept.bearer());
        }
        Optional<ApiToken> token = identities.tokenBySecret(hash).filter(t -> !t.expiredAt(now));
        if (token.isEmpty()) {
            bearers.remove(hash);
            return Optional.empty();
        }
        Optional<User> user = identities.user(token.get().userId());
        Role limit = role(token.get().role())
                .orElseGet(() -> new Role(token.get().role(), EnumSet.noneOf(Permission.class), false));
        Bearer bearer = new Bearer(token.get(), user, limit, user.map(this::held).orElse(List.of()));
        if (user.isPresent()) {
            if (bearers.size() >= BEARERS_KEPT) {
                bearers.clear();
            }
            // kept under the generation read before the store was: a write meanwhile makes it stale at once
            bearers.put(hash, new Kept(bearer, generation, now.plus(BEARER_LIFE)));
        }
        return Optional.of(bearer);
    }

    public Optional<BrowserSession> session(String secret) {
        return identities.session(Secrets.digest(secret)).filter(session -> !session.expiredAt(now()));
    }

    /** Directory accounts (LDAP, Active Directory) sign in beside local users from now on; empty for none. */
    public void useDirectory(Optional<DirectoryLogin> login) {
        this.directory = login;
    }

    /** Whether {@code user} signs in through the directory rather than with a password kept here. */
    public static boolean fromDirectory(User user) {
        return user.passwordHash().equals(DIRECTORY_PASSWORD);
    }

    /**
     * The user whose password this is; empty for an unknown name or a wrong password alike. A local user is
     * judged here; any other name is asked of the directory, when there is one, and a user it vouches for is kept
     * (or updated) with the groups it is in now, so that grants to those groups are what it holds.
     *
     * @throws DirectoryException.Unavailable when the directory cannot be asked
     */
    public Optional<User> withPassword(String name, String password) {
        Optional<User> user = identities.userNamed(name);
        if (user.isPresent() && !fromDirectory(user.get())) {
            return user.filter(u -> Passwords.matches(password, u.passwordHash()));
        }
        Optional<DirectoryLogin> login = directory;
        if (login.isEmpty()) {
            // as slow as a known name, so that timing does not tell which names exist
            Passwords.matches(password, DUMMY_HASH);
            return Optional.empty();
        }
        DirectoryAccount account;
        try {
            account = login.get().authenticate(name, password);
        } catch (DirectoryException.InvalidCredentials e) {
            return Optional.empty();
        }
        User seen = user.map(known -> known.withGroups(account.groups())).orElseGet(() ->
                new User(newId(), name, DIRECTORY_PASSWORD, false, account.groups(), now()));
        identities.put(seen);
        LOG.info("directory user '{}' signed in, in groups {}", name, account.groups());
        return Optional.of(seen);
    }

    public String hash(String password) {
        return passwords.hash(password);
    }

    /** Every role: the built-in ones, then the custom ones. */
    public List<Role> roles() {
        List<Role> roles = new ArrayList<>(Role.BUILT_IN);
        roles.addAll(identities.customRoles());
        return roles;
    }

    public Optional<Role> role(String name) {
        return roles().stream().filter(role -> role.name().equals(name)).findFirst();
    }

    /** What {@code user} holds: the grants to them and to their groups, each with its role. */
    public List<Caller.Held> held(User user) {
        return held(user, identities.grants(), roles());
    }

    /**
     * The names of the local users (directory accounts are not counted: the directory can take their groups away
     * at any login) among {@code users} who hold {@link Permission#USER_MANAGE} on the whole room under
     * {@code grants}: the administrators who can always give the room back to someone.
     */
    public java.util.SortedSet<String> localAdministrators(List<User> users, List<Grant> grants) {
        List<Role> roles = roles();
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (User user : users) {
            if (!fromDirectory(user) && held(user, grants, roles).stream().anyMatch(held ->
                    held.role().allows(Permission.USER_MANAGE) && held.scope().equals(Scope.ROOM))) {
                names.add(user.name());
            }
        }
        return names;
    }

    private static List<Caller.Held> held(User user, List<Grant> grants, List<Role> roles) {
        return grants.stream()
                .filter(grant -> grant.subjectKind() == Grant.SubjectKind.USER ? grant.subject().equals(user.name())
                        : user.groups().contains(grant.subject()))
                .flatMap(grant -> roles.stream().filter(role -> role.name().equals(grant.role()))
                        .map(role -> new Caller.Held(role, grant.scope())))
                .toList();
    }

    public Caller caller(User user, Caller.Credential credential, Optional<Role> limit, String address) {
        return new Caller(user, credential, limit, held(user), address);
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}

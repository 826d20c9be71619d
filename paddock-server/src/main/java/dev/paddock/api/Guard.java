package dev.paddock.api;

import dev.paddock.security.Accounts;
import dev.paddock.security.BrowserSession;
import dev.paddock.security.Caller;
import dev.paddock.security.LoginThrottle;
import dev.paddock.security.Permission;
import dev.paddock.security.Role;
import dev.paddock.security.Target;
import dev.paddock.security.User;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The one before-handler that checks every matched route: who calls (a bearer token, HTTP Basic, or a session cookie
 * with its CSRF token on changes), whether they must change their password first (a password someone else chose
 * opens nothing else; a token was issued on purpose, so it works), and whether they hold the
 * route's {@link SecuredRoutes.Secured permission} on the object it names; before and after those, the route's
 * {@link RouteLimits limits} on body size and on how often one caller starts work. It leaves the {@link Caller} on the
 * request for the handler (the audit log's actor, the operations' owner). A route without a declaration answers
 * 403 to everyone: nothing is open by omission.
 */
final class Guard implements Handler {

    static final String SESSION_COOKIE = "paddock_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String PASSWORD_CHANGE = RestApi.BASE + "/users/me/password";
    private static final String CALLER = "paddock.caller";

    private final Accounts accounts;
    private final Targets targets;
    private final LoginThrottle throttle;
    private final RouteLimits limits;
    /**
     * Present only on a server started without authentication, for the API benchmark
     * ({@link dev.paddock.server.ServerConfig#withoutAuthenticationOnLoopback}): every request is served as the
     * first administrator's token, resolved once here.
     */
    private final Optional<Caller> servedAs;

    Guard(Accounts accounts, Targets targets, LoginThrottle throttle, RouteLimits limits, boolean authenticate) {
        this.accounts = accounts;
        this.targets = targets;
        this.throttle = throttle;
        this.limits = limits;
        this.servedAs = authenticate ? Optional.empty() : Optional.of(administrator(accounts));
    }

    private static Caller administrator(Accounts accounts) {
        User admin = accounts.identities().userNamed(Accounts.FIRST_USER).orElseThrow(() ->
                new IllegalStateException("a server without authentication serves everyone as user '"
                        + Accounts.FIRST_USER + "', and there is none"));
        return accounts.caller(admin, Caller.Credential.TOKEN, Optional.of(Role.ADMINISTRATOR), "");
    }

    @Override
    public void handle(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null) {
            return;
        }
        limits.refuseTooLarge(ctx, endpoint);
        if (endpoint.metadata(SecuredRoutes.Open.class) != null) {
            limits.refuseTooOften(ctx, endpoint, "address " + ctx.ip());
            return;
        }
        SecuredRoutes.Secured secured = endpoint.metadata(SecuredRoutes.Secured.class);
        if (secured == null) {
            throw new PaddockException.Forbidden("Route " + endpoint.method + " " + endpoint.path
                    + " declares no permission, so nobody may call it.");
        }
        if (endpoint.metadata(SecuredRoutes.Listing.class) != null) {
            requireAnywhere(ctx, secured.permission());
        } else {
            require(ctx, secured.permission(), endpoint.path);
        }
        // after the permission check: a caller refused for who they are takes nothing from their rate
        limits.refuseTooOften(ctx, endpoint, "user '" + caller(ctx).name() + "'");
    }

    /**
     * Authenticates the request and checks that its caller holds {@code permission} on the object {@code path} (the
     * route's template) names; the caller is then what {@link #caller} answers. 401 and 403 with a sentence.
     */
    void require(Context ctx, Permission permission, String path) {
        Caller caller = authenticated(ctx, path);
        Target target = targets.of(path, ctx.path());
        if (!caller.may(permission, target)) {
            throw new PaddockException.Forbidden(refusal(caller, permission, "on " + target));
        }
        ctx.attribute(CALLER, caller);
    }

    /**
     * Authenticates a list's request and checks that its caller holds {@code permission} on some scope; the list
     * then shows them what they hold it on.
     */
    private void requireAnywhere(Context ctx, Permission permission) {
        Caller caller = authenticated(ctx, ctx.endpoints().matchedHttpEndpoint().path);
        if (!caller.mayAnywhere(permission)) {
            throw new PaddockException.Forbidden(refusal(caller, permission, "anywhere"));
        }
        ctx.attribute(CALLER, caller);
        Visible.leave(ctx, caller, permission, targets);
    }

    private Caller authenticated(Context ctx, String path) {
        Caller caller = authenticate(ctx);
        if (caller.user().mustChangePassword() && caller.credential() != Caller.Credential.TOKEN
                && !path.equals(PASSWORD_CHANGE) && !path.equals(RestApi.BASE + "/users/me")
                && !path.equals(SessionRoutes.PATH)) {
            throw new PaddockException.Forbidden("User '" + caller.name() + "' must change the password first: POST "
                    + PASSWORD_CHANGE + " with the current and a new password ('paddock login' asks for it).");
        }
        return caller;
    }

    private static String refusal(Caller caller, Permission permission, String where) {
        String sentence = "User '" + caller.name() + "' lacks permission " + permission.key() + " " + where;
        if (caller.limit().isPresent() && !caller.limit().get().allows(permission)) {
            return sentence + ": this token's role '" + caller.limit().get().name() + "' does not include it.";
        }
        return sentence + ".";
    }

    /** The caller a handler behind the guard serves. */
    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no caller on " + ctx.method() + " " + ctx.path()
                    + ": the route is open, or the guard did not run");
        }
        return caller;
    }

    private Caller authenticate(Context ctx) {
        if (servedAs.isPresent()) {
            Caller anyone = servedAs.get();
            return new Caller(anyone.user(), anyone.credential(), anyone.limit(), anyone.held(), ctx.ip());
        }
        String authorization = Optional.ofNullable(ctx.header("Authorization")).orElse("").trim();
        if (regionMatches(authorization, "Bearer ")) {
            return byToken(authorization.substring("Bearer ".length()).trim(), ctx);
        }
        if (regionMatches(authorization, "Basic ")) {
            Credentials credentials = basic(authorization.substring("Basic ".length()).trim());
            User user = withPassword(credentials.user(), credentials.password(), ctx.ip());
            return accounts.caller(user, Caller.Credential.PASSWORD, Optional.empty(), ctx.ip());
        }
        if (!authorization.isEmpty()) {
            throw new PaddockException.Unauthenticated("The Authorization header must be 'Bearer <token>' or"
                    + " 'Basic <user:password in base64>'.");
        }
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie != null) {
            return bySession(cookie, ctx);
        }
        throw new PaddockException.Unauthenticated("This request needs credentials: an API token (Authorization:"
                + " Bearer), HTTP Basic, or a session cookie; 'paddock login' gets a token.");
    }

    private Caller byToken(String secret, Context ctx) {
        Accounts.Bearer bearer = accounts.bearer(secret).orElseThrow(() -> new PaddockException.Unauthenticated(
                "The bearer token is unknown, expired or revoked; 'paddock login' gets a new one."));
        User user = bearer.user().orElseThrow(() ->
                new PaddockException.Unauthenticated("The bearer token's user no longer exists."));
        return new Caller(user, Caller.Credential.TOKEN, Optional.of(bearer.limit()), bearer.held(), ctx.ip());
    }

    private Caller bySession(String secret, Context ctx) {
        BrowserSession session = accounts.session(secret).orElseThrow(() -> new PaddockException.Unauthenticated(
                "The session has ended; sign in again."));
        HandlerType method = ctx.method();
        if (method != HandlerType.GET && method != HandlerType.HEAD
                && !session.csrfToken().equals(ctx.header(CSRF_HEADER))) {
            throw new PaddockException.Forbidden("A change made with a session cookie needs the session's CSRF token"
                    + " in the " + CSRF_HEADER + " header.");
        }
        User user = accounts.identities().user(session.userId()).orElseThrow(() ->
                new PaddockException.Unauthenticated("The session's user no longer exists."));
        return accounts.caller(user, Caller.Credential.SESSION, Optional.empty(), ctx.ip());
    }

    /** The user a name and password prove, counted by the throttle: 401 when wrong, 429 after too many. */
    User withPassword(String name, String password, String address) {
        Optional<Duration> wait = throttle.wait(name, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds() + (wait.get().toMillisPart() > 0 ? 1 : 0));
            throw new PaddockException.TooManyRequests("Too many failed logins for user '" + name + "' or from "
                    + address + "; try again in " + seconds + " s.", seconds);
        }
        Optional<User> user;
        try {
            user = accounts.withPassword(name, password);
        } catch (dev.paddock.directory.DirectoryException e) {
            throw new PaddockException.DirectoryUnavailable(e.getMessage());
        }
        if (user.isEmpty()) {
            throttle.failed(name, address);
            throw new PaddockException.Unauthenticated("Wrong user name or password.");
        }
        throttle.succeeded(name);
        if (Accounts.fromDirectory(user.get()) && accounts.held(user.get()).isEmpty()) {
            throw new PaddockException.Forbidden("User '" + name + "' is in no directory group that holds a role"
                    + " in Paddock (its groups now: " + (user.get().groups().isEmpty() ? "none"
                    : String.join(", ", new java.util.TreeSet<>(user.get().groups()))) + "); an administrator"
                    + " grants one to a group with POST " + RestApi.BASE + "/grants.");
        }
        return user.get();
    }

    record Credentials(String user, String password) {}

    private static Credentials basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.Unauthenticated("The Basic credentials are not base64.");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new PaddockException.Unauthenticated("The Basic credentials must be 'user:password' in base64.");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static boolean regionMatches(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length());
    }
}

package dev.paddock.api;

import dev.paddock.security.Accounts;
import dev.paddock.security.BrowserSession;
import dev.paddock.security.Caller;
import dev.paddock.security.Permission;
import dev.paddock.security.Secrets;
import dev.paddock.security.User;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;

/**
 * Browser sessions for the web UI: {@code POST} signs in with a name and password and sets an HttpOnly,
 * SameSite=Strict cookie (Secure when served over TLS); its answer carries the CSRF token every change made with
 * the cookie must send back in {@code X-CSRF-Token}. {@code DELETE} signs out.
 */
final class SessionRoutes {

    static final String PATH = RestApi.BASE + "/session";

    record SignIn(String user, String password) {}

    private final Accounts accounts;
    private final Guard guard;
    private final AuditTrail audit;

    SessionRoutes(Accounts accounts, Guard guard, AuditTrail audit) {
        this.accounts = accounts;
        this.guard = guard;
        this.audit = audit;
    }

    void register(SecuredRoutes routes, JavalinDefaultRoutingApi open) {
        SecuredRoutes.openExpensive(open, HandlerType.POST, PATH, this::signIn);
        routes.get(PATH, Permission.ACCOUNT, this::current);
        routes.delete(PATH, Permission.ACCOUNT, this::signOut);
    }

    /**
     * The session the request's cookie opened, with its CSRF token: a page reloaded, or opened in a new tab, reads it
     * here. Other origins cannot read the answer, and a SameSite=Strict cookie is not sent from them.
     */
    private void current(Context ctx) {
        String cookie = ctx.cookie(Guard.SESSION_COOKIE);
        Caller caller = Guard.caller(ctx);
        if (caller.credential() != Caller.Credential.SESSION || cookie == null) {
            throw new PaddockException.NotFound("This request carries no session cookie; POST " + PATH
                    + " with a user and a password opens a session.");
        }
        BrowserSession session = accounts.session(cookie).orElseThrow(() -> new PaddockException.Unauthenticated(
                "The session has ended; sign in again."));
        ctx.json(Map.of("user", caller.name(), "csrfToken", session.csrfToken(), "expiresAt", session.expiresAt(),
                "mustChangePassword", caller.user().mustChangePassword()));
    }

    private void signIn(Context ctx) {
        SignIn request = RequestBody.read(ctx, SignIn.class);
        String name = Requests.required(request.user(), "user");
        User user = guard.withPassword(name, Requests.required(request.password(), "password"), ctx.ip());
        Accounts.Opened opened = accounts.openSession(user);
        boolean tls = "https".equalsIgnoreCase(ctx.scheme());
        ctx.header("Set-Cookie", Guard.SESSION_COOKIE + "=" + opened.secret() + "; Path=/; Max-Age="
                + Accounts.SESSION_LIFE.toSeconds() + "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : ""));
        audit.record(user.name() + "@" + ctx.ip(), "session.create", user.id(), "signed in");
        ctx.status(HttpStatus.CREATED).json(Map.of("user", user.name(), "csrfToken", opened.session().csrfToken(),
                "expiresAt", opened.session().expiresAt(), "mustChangePassword", user.mustChangePassword()));
    }

    private void signOut(Context ctx) {
        String cookie = ctx.cookie(Guard.SESSION_COOKIE);
        if (cookie != null) {
            accounts.identities().deleteSession(Secrets.digest(cookie));
        }
        ctx.header("Set-Cookie", Guard.SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ctx.status(HttpStatus.NO_CONTENT);
    }
}

package dev.paddock.api;

import dev.paddock.security.Accounts;
import dev.paddock.security.ApiToken;
import dev.paddock.security.Caller;
import dev.paddock.security.Grant;
import dev.paddock.security.Permission;
import dev.paddock.security.Role;
import dev.paddock.security.Scope;
import dev.paddock.security.User;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Users, their tokens, roles and grants. Every signed-in user manages their own tokens and password
 * ({@link Permission#ACCOUNT}); the rest needs {@link Permission#USER_MANAGE}. No answer ever carries a password
 * hash or a stored token digest; a token's secret and a generated password are answered once, when made.
 */
final class AccountRoutes {

    /** Passwords shorter than this are refused. */
    static final int MINIMUM_PASSWORD = 12;
    private static final int DEFAULT_TOKEN_DAYS = 90;
    private static final int MAXIMUM_TOKEN_DAYS = 3650;

    record NewToken(String name, String role, Integer expiresInDays) {}

    record NewUser(String name, String password, Set<String> groups) {}

    record UserChange(String password, Set<String> groups, Boolean mustChangePassword) {}

    record PasswordChange(String currentPassword, String newPassword) {}

    record NewRole(String name, List<String> permissions) {}

    record NewGrant(String user, String group, String role, String siteId, String clusterId) {}

    /** A user as the API shows it. */
    record UserView(String id, String name, boolean mustChangePassword, Set<String> groups, Instant createdAt,
            List<GrantView> grants) {}

    record GrantView(String id, String subjectKind, String subject, String role, String scope,
            Optional<String> scopeId) {}

    record TokenView(String id, String name, String role, Instant createdAt, Instant expiresAt) {}

    private final Accounts accounts;
    private final InventoryStore store;
    private final Guard guard;
    private final AuditTrail audit;
    /** Held while a change that could leave the room without an administrator is checked and made. */
    private final Object administration = new Object();

    AccountRoutes(Accounts accounts, InventoryStore store, Guard guard, AuditTrail audit) {
        this.accounts = accounts;
        this.store = store;
        this.guard = guard;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.expensive().post(base + "/tokens", Permission.ACCOUNT, this::createToken);
        routes.get(base + "/tokens", Permission.ACCOUNT, ctx -> ctx.json(Map.of("items",
                accounts.identities().tokens(Guard.caller(ctx).user().id()).stream().map(AccountRoutes::view)
                        .toList())));
        routes.delete(base + "/tokens/{id}", Permission.ACCOUNT, this::deleteToken);
        routes.get(base + "/users/me", Permission.ACCOUNT, ctx -> ctx.json(view(Guard.caller(ctx).user())));
        routes.post(Guard.PASSWORD_CHANGE, Permission.ACCOUNT, this::changeOwnPassword);
        routes.get(base + "/users", Permission.USER_MANAGE, ctx -> ctx.json(Map.of("items",
                accounts.identities().users().stream().map(this::view).toList())));
        routes.post(base + "/users", Permission.USER_MANAGE, this::createUser);
        routes.get(base + "/users/{id}", Permission.USER_MANAGE, ctx -> ctx.json(view(user(ctx))));
        routes.patch(base + "/users/{id}", Permission.USER_MANAGE, this::changeUser);
        routes.delete(base + "/users/{id}", Permission.USER_MANAGE, this::deleteUser);
        routes.get(base + "/roles", Permission.USER_MANAGE, ctx -> ctx.json(Map.of("items",
                accounts.roles().stream().map(AccountRoutes::view).toList())));
        routes.post(base + "/roles", Permission.USER_MANAGE, this::createRole);
        routes.delete(base + "/roles/{name}", Permission.USER_MANAGE, this::deleteRole);
        routes.get(base + "/grants", Permission.USER_MANAGE, ctx -> ctx.json(Map.of("items",
                accounts.identities().grants().stream().map(AccountRoutes::view).toList())));
        routes.post(base + "/grants", Permission.USER_MANAGE, this::createGrant);
        routes.delete(base + "/grants/{id}", Permission.USER_MANAGE, this::deleteGrant);
    }

    private void createToken(Context ctx) {
        NewToken request = RequestBody.read(ctx, NewToken.class);
        String name = Requests.name(request.name(), "name");
        Role role = request.role() == null ? Role.ADMINISTRATOR : existingRole(request.role(), "role");
        int days = request.expiresInDays() == null ? DEFAULT_TOKEN_DAYS : request.expiresInDays();
        Requests.between(days, 1, MAXIMUM_TOKEN_DAYS, "expiresInDays", " days");
        Caller caller = Guard.caller(ctx);
        Accounts.Issued issued = accounts.issueToken(caller.user(), name, role, Duration.ofDays(days));
        audit.record(ctx, "token.create", issued.token().id(), "create token " + name + " (role " + role.name()
                + ", expires " + issued.token().expiresAt() + ")");
        TokenView view = view(issued.token());
        ctx.status(HttpStatus.CREATED).json(Map.of("id", view.id(), "name", view.name(), "role", view.role(),
                "createdAt", view.createdAt(), "expiresAt", view.expiresAt(), "token", issued.secret()));
    }

    private void deleteToken(Context ctx) {
        Caller caller = Guard.caller(ctx);
        String id = InventoryRoutes.id(ctx);
        if (!accounts.identities().deleteToken(caller.user().id(), id)) {
            throw new PaddockException.NotFound("User '" + caller.name() + "' has no token with id '" + id + "'.");
        }
        audit.record(ctx, "token.delete", id, "revoke token " + id);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void changeOwnPassword(Context ctx) {
        PasswordChange request = RequestBody.read(ctx, PasswordChange.class);
        Caller caller = Guard.caller(ctx);
        String current = Requests.required(request.currentPassword(), "currentPassword");
        String fresh = password(request.newPassword(), "newPassword");
        guard.withPassword(caller.name(), current, ctx.ip());
        if (fresh.equals(current)) {
            throw new PaddockException.InvalidValue("Field 'newPassword' must differ from the current password.");
        }
        User user = accounts.identities().user(caller.user().id()).orElseThrow();
        accounts.identities().put(user.withPassword(accounts.hash(fresh), false));
        audit.record(ctx, "user.password", user.id(), "changed own password");
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void createUser(Context ctx) {
        NewUser request = RequestBody.read(ctx, NewUser.class);
        String name = Requests.name(request.name(), "name");
        boolean generated = request.password() == null;
        String password = generated ? accounts.secrets().password() : password(request.password(), "password");
        User user = new User(Accounts.newId(), name, accounts.hash(password), generated,
                groups(request.groups()), accounts.now());
        InventoryRoutes.put(() -> accounts.identities().put(user), "user", name);
        audit.record(ctx, "user.create", user.id(), "create user " + name);
        ctx.status(HttpStatus.CREATED).header("Location", RestApi.BASE + "/users/" + user.id());
        if (generated) {
            ctx.json(Map.of("user", view(user), "oneTimePassword", password));
        } else {
            ctx.json(Map.of("user", view(user)));
        }
    }

    private void changeUser(Context ctx) {
        User user = user(ctx);
        UserChange request = RequestBody.read(ctx, UserChange.class);
        User changed = user;
        if (request.password() != null) {
            changed = changed.withPassword(accounts.hash(password(request.password(), "password")),
                    request.mustChangePassword() == null || request.mustChangePassword());
        } else if (request.mustChangePassword() != null) {
            changed = changed.withPassword(changed.passwordHash(), request.mustChangePassword());
        }
        if (request.groups() != null) {
            changed = changed.withGroups(groups(request.groups()));
        }
        synchronized (administration) {
            User after = changed;
            keepAnAdministrator(users -> users.stream().map(u -> u.id().equals(after.id()) ? after : u).toList(),
                    grants -> grants, "Changing the groups of user '" + user.name() + "' to "
                            + new TreeSet<>(after.groups()));
            accounts.identities().put(changed);
        }
        audit.record(ctx, "user.change", user.id(), "change user " + user.name()
                + (request.password() != null ? ": password reset" : "")
                + (request.groups() != null ? ": groups " + new TreeSet<>(changed.groups()) : ""));
        ctx.json(view(changed));
    }

    private void deleteUser(Context ctx) {
        User user = user(ctx);
        if (user.id().equals(Guard.caller(ctx).user().id())) {
            throw new PaddockException.Conflict("User '" + user.name() + "' cannot delete itself.");
        }
        synchronized (administration) {
            keepAnAdministrator(users -> users.stream().filter(u -> !u.id().equals(user.id())).toList(),
                    grants -> grants, "Deleting user '" + user.name() + "'");
            accounts.identities().deleteUser(user.id());
        }
        audit.record(ctx, "user.delete", user.id(), "delete user " + user.name());
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void createRole(Context ctx) {
        NewRole request = RequestBody.read(ctx, NewRole.class);
        String name = Requests.name(request.name(), "name");
        if (accounts.role(name).isPresent()) {
            throw InventoryRoutes.duplicate("role", name);
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String key : Requests.required(request.permissions(), "permissions")) {
            permissions.add(Permission.ofKey(key == null ? "" : key).orElseThrow(() ->
                    new PaddockException.InvalidValue("Field 'permissions': '" + key + "' is no permission; they"
                            + " are " + List.of(Permission.values()) + ".")));
        }
        Role role = new Role(name, permissions, false);
        accounts.identities().put(role);
        audit.record(ctx, "role.create", name, "create role " + name + " " + role.keys());
        ctx.status(HttpStatus.CREATED).json(view(role));
    }

    private void deleteRole(Context ctx) {
        String name = ctx.pathParam("name");
        Role role = accounts.role(name).orElseThrow(() -> new PaddockException.NotFound("No role is named '" + name
                + "'."));
        if (role.builtIn()) {
            throw new PaddockException.Conflict("Role '" + name + "' is built in and cannot be deleted.");
        }
        long used = accounts.identities().grants().stream().filter(grant -> grant.role().equals(name)).count();
        if (used > 0) {
            throw new PaddockException.Conflict("Role '" + name + "' is granted " + used + " time(s); delete those"
                    + " grants first.");
        }
        accounts.identities().deleteRole(name);
        audit.record(ctx, "role.delete", name, "delete role " + name);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void createGrant(Context ctx) {
        NewGrant request = RequestBody.read(ctx, NewGrant.class);
        if ((request.user() == null) == (request.group() == null)) {
            throw new PaddockException.InvalidValue("Give exactly one of the fields 'user' and 'group'.");
        }
        Grant.SubjectKind kind = request.user() != null ? Grant.SubjectKind.USER : Grant.SubjectKind.GROUP;
        String subject = kind == Grant.SubjectKind.USER ? request.user() : request.group();
        if (kind == Grant.SubjectKind.USER && accounts.identities().userNamed(subject).isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'user' names no user: '" + subject + "'.");
        }
        Role role = existingRole(Requests.required(request.role(), "role"), "role");
        Grant grant = new Grant(Accounts.newId(), kind, subject, role.name(), scope(request));
        accounts.identities().put(grant);
        audit.record(ctx, "grant.create", grant.id(), "grant role " + role.name() + " to "
                + kind.name().toLowerCase() + " " + subject + " on " + grant.scope());
        ctx.status(HttpStatus.CREATED).json(view(grant));
    }

    private Scope scope(NewGrant request) {
        if (request.siteId() != null && request.clusterId() != null) {
            throw new PaddockException.InvalidValue("Give at most one of the fields 'siteId' and 'clusterId'.");
        }
        if (request.siteId() != null) {
            if (store.site(request.siteId()).isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'siteId' names no site: '" + request.siteId() + "'.");
            }
            return Scope.site(request.siteId());
        }
        if (request.clusterId() != null) {
            if (store.cluster(request.clusterId()).isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'clusterId' names no cluster: '" + request.clusterId()
                        + "'.");
            }
            return Scope.cluster(request.clusterId());
        }
        return Scope.ROOM;
    }

    private void deleteGrant(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        synchronized (administration) {
            Grant grant = accounts.identities().grants().stream().filter(g -> g.id().equals(id)).findFirst()
                    .orElseThrow(() -> InventoryRoutes.missing("grant", ctx));
            keepAnAdministrator(users -> users, grants -> grants.stream().filter(g -> !g.id().equals(id)).toList(),
                    "Deleting the grant of role " + grant.role() + " to " + grant.subjectKind().name()
                            .toLowerCase(java.util.Locale.ROOT) + " " + grant.subject() + " on " + grant.scope());
            if (!accounts.identities().deleteGrant(id)) {
                throw InventoryRoutes.missing("grant", ctx);
            }
        }
        audit.record(ctx, "grant.delete", id, "delete grant " + id);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /**
     * Refuses, 409, a change after which no local user would hold user.manage on the room while one does now: nobody
     * could then grant anything again. {@code users} and {@code grants} make the accounts as they would be after it.
     * Callers hold {@link #administration}, so two such changes cannot each leave the other's administrator last.
     */
    private void keepAnAdministrator(UnaryOperator<List<User>> users, UnaryOperator<List<Grant>> grants,
            String change) {
        List<User> usersNow = accounts.identities().users();
        List<Grant> grantsNow = accounts.identities().grants();
        SortedSet<String> now = accounts.localAdministrators(usersNow, grantsNow);
        if (!now.isEmpty() && accounts.localAdministrators(users.apply(usersNow), grants.apply(grantsNow)).isEmpty()) {
            throw new PaddockException.Conflict(change + " would leave no local user who holds "
                    + Permission.USER_MANAGE.key() + " on the room (now only " + String.join(", ", now)
                    + "); grant it to another local user first. Directory accounts do not count: the directory can"
                    + " take their groups away.");
        }
    }

    private Role existingRole(String name, String field) {
        return accounts.role(name).orElseThrow(() -> new PaddockException.InvalidValue("Field '" + field
                + "' names no role: '" + name + "'."));
    }

    private User user(Context ctx) {
        return accounts.identities().user(InventoryRoutes.id(ctx)).or(() -> accounts.identities()
                .userNamed(InventoryRoutes.id(ctx))).orElseThrow(() -> InventoryRoutes.missing("user", ctx));
    }

    private static String password(String value, String field) {
        Requests.required(value, field);
        if (value.length() < MINIMUM_PASSWORD || value.length() > 1024) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be " + MINIMUM_PASSWORD
                    + " to 1024 characters long.");
        }
        return value;
    }

    private static Set<String> groups(Set<String> groups) {
        if (groups == null) {
            return Set.of();
        }
        for (String group : groups) {
            Requests.name(group, "groups");
        }
        return groups;
    }

    private UserView view(User user) {
        return new UserView(user.id(), user.name(), user.mustChangePassword(), new TreeSet<>(user.groups()),
                user.createdAt(), accounts.identities().grants().stream()
                        .filter(grant -> grant.subjectKind() == Grant.SubjectKind.USER
                                ? grant.subject().equals(user.name()) : user.groups().contains(grant.subject()))
                        .map(AccountRoutes::view).toList());
    }

    private static GrantView view(Grant grant) {
        return new GrantView(grant.id(), grant.subjectKind().name().toLowerCase(), grant.subject(), grant.role(),
                grant.scope().kind().name().toLowerCase(), grant.scope().id());
    }

    private static TokenView view(ApiToken token) {
        return new TokenView(token.id(), token.name(), token.role(), token.createdAt(), token.expiresAt());
    }

    private static Map<String, Object> view(Role role) {
        return Map.of("name", role.name(), "builtIn", role.builtIn(), "permissions", role.keys());
    }
}

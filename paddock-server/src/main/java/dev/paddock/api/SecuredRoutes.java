package dev.paddock.api;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.security.Permission;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointMetadata;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Set;

/**
 * The one place a route is registered and its permission declared: the route classes get this, not Javalin's
 * routing, so a route without a permission cannot be written. Each endpoint carries its {@link Secured} metadata,
 * which {@link Guard} (the one before-handler) checks, and which {@code RouteSecurityTest} reads for every route
 * Javalin holds. A route that names an object ({@code /vms/{id}}, {@code /hosts/{id}/fence}) is checked against
 * the grants on that object's cluster and site ({@link Targets}).
 */
public final class SecuredRoutes {

    /** What a route needs: a permission, on the object its path names. */
    public record Secured(Permission permission) implements EndpointMetadata {}

    /**
     * A list: a caller who holds its permission on any scope may call it, and the handler shows them only the items
     * they hold it on ({@link Visible}). A list is the room's, so without this mark only room-wide grants reach it.
     */
    public record Listing() implements EndpointMetadata {}

    /** A route anyone may call: the health check, the OpenAPI document, metrics when so configured. */
    public record Open() implements EndpointMetadata {}

    /**
     * A route that starts work (an operation, a plan, an upload, a password check): each caller may call such routes
     * only at the server's rate ({@link RequestLimits#expensive}), answered 429 beyond it.
     */
    public record Expensive() implements EndpointMetadata {}

    /** A route whose body may be larger than the server's limit for requests ({@link RequestLimits}): up to this. */
    public record BodyLimit(long bytes) implements EndpointMetadata {}

    private final JavalinDefaultRoutingApi routes;
    private final Guard guard;
    private final Set<EndpointMetadata> declared;

    SecuredRoutes(JavalinDefaultRoutingApi routes, Guard guard) {
        this(routes, guard, Set.of());
    }

    private SecuredRoutes(JavalinDefaultRoutingApi routes, Guard guard, Set<EndpointMetadata> declared) {
        this.routes = routes;
        this.guard = guard;
        this.declared = declared;
    }

    /** The routes registered through the answer start work: they are rate limited per caller ({@link Expensive}). */
    public SecuredRoutes expensive() {
        return with(new Expensive());
    }

    /** The routes registered through the answer take bodies up to {@code bytes}, streamed by their handler. */
    public SecuredRoutes upTo(long bytes) {
        return with(new BodyLimit(bytes));
    }

    private SecuredRoutes with(EndpointMetadata metadata) {
        Set<EndpointMetadata> more = new java.util.HashSet<>(declared);
        more.add(metadata);
        return new SecuredRoutes(routes, guard, Set.copyOf(more));
    }

    /**
     * A WebSocket route: its upgrade request is authenticated and authorised for {@code permission} on the path's
     * object before {@code beforeUpgrade} runs (a refusal ends the upgrade with its status), then {@code ws} serves
     * the socket. WebSocket upgrades pass no HTTP before-handler, so the guard runs here. A refusal of either is
     * answered in full ({@link #refusedInFull}).
     */
    public SecuredRoutes ws(String path, Permission permission, Handler beforeUpgrade,
            java.util.function.Consumer<io.javalin.websocket.WsConfig> ws) {
        routes.wsBeforeUpgrade(path, ctx -> refusedInFull(ctx, checked -> {
            guard.require(checked, permission, path);
            beforeUpgrade.handle(checked);
        }));
        routes.ws(path, ws);
        return this;
    }

    public SecuredRoutes get(String path, Permission permission, Handler handler) {
        return add(HandlerType.GET, path, permission, handler);
    }

    /**
     * A GET route that lists items: callers with {@code permission} on any scope may call it; {@code handler} filters
     * the items through {@link Visible#to} so that each sees only those on their scopes.
     */
    public SecuredRoutes list(String path, Permission permission, Handler handler) {
        routes.addEndpoint(new Endpoint(HandlerType.GET, path, handler, Set.of(new Secured(permission), new Listing())));
        return this;
    }

    public SecuredRoutes post(String path, Permission permission, Handler handler) {
        return add(HandlerType.POST, path, permission, handler);
    }

    public SecuredRoutes put(String path, Permission permission, Handler handler) {
        return add(HandlerType.PUT, path, permission, handler);
    }

    public SecuredRoutes patch(String path, Permission permission, Handler handler) {
        return add(HandlerType.PATCH, path, permission, handler);
    }

    public SecuredRoutes delete(String path, Permission permission, Handler handler) {
        return add(HandlerType.DELETE, path, permission, handler);
    }

    private SecuredRoutes add(HandlerType method, String path, Permission permission, Handler handler) {
        Set<EndpointMetadata> metadata = new java.util.HashSet<>(declared);
        metadata.add(new Secured(permission));
        routes.addEndpoint(new Endpoint(method, path, handler, Set.copyOf(metadata)));
        return this;
    }

    /** Registers a GET route that answers without credentials. */
    public static void open(JavalinDefaultRoutingApi routes, String path, Handler handler) {
        open(routes, HandlerType.GET, path, handler);
    }

    /** Registers a route that answers without credentials (signing in checks its own). */
    public static void open(JavalinDefaultRoutingApi routes, HandlerType method, String path, Handler handler) {
        routes.addEndpoint(new Endpoint(method, path, handler, Set.of(new Open())));
    }

    /** Registers a route that answers without credentials and starts work (signing in): rate limited per address. */
    public static void openExpensive(JavalinDefaultRoutingApi routes, HandlerType method, String path,
            Handler handler) {
        routes.addEndpoint(new Endpoint(method, path, handler, Set.of(new Open(), new Expensive())));
    }

    /**
     * Runs a handler before an upgrade, writing its refusal's problem+json to the response itself: Javalin ends a
     * refused upgrade with the status its exception maps to but without the body, and the sentence is what the
     * client shows. The exception still leaves, so the upgrade stops.
     */
    private static void refusedInFull(Context ctx, io.javalin.http.Handler handler) throws Exception {
        try {
            handler.handle(ctx);
        } catch (PaddockException | HypervisorException e) {
            ProblemType type = e instanceof PaddockException known ? known.type()
                    : ProblemResponses.of(((HypervisorException) e).reason());
            byte[] body = dev.paddock.json.Json.mapper().writeValueAsBytes(type.problem(e.getMessage(), ctx.path()));
            ctx.res().setStatus(type.status());
            ctx.res().setContentType(Problem.MEDIA_TYPE);
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
            ctx.res().flushBuffer();
            throw e;
        }
    }
}

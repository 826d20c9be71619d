package dev.paddock.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI: one page and a few plain ES modules and a style sheet, read from the jar's {@code ui/} folder and
 * served at {@code /} and under {@value #ASSETS}. The UI routes itself in the browser, so every page request of a
 * path that is no route (a deep link such as {@code /vms/ID}, or a reload there) gets the same page; under
 * {@code /api/} an unknown path stays a 404 problem. The page talks only to the REST API, with the session cookie
 * and its CSRF token; its Content-Security-Policy lets it load nothing and reach nothing outside this server.
 */
final class WebUi {

    static final String ASSETS = "/ui/";
    private static final String PAGE = "index.html";
    private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
    /** The noVNC modules vendored under {@code ui/novnc/}: paths of plain names only, so nothing climbs out. */
    private static final String VENDORED = ASSETS + "novnc/";
    private static final Pattern VENDORED_MODULE = Pattern.compile("([a-z][a-z0-9_]*/)*[a-z][a-z0-9_]*\\.js");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "html", "text/html; charset=utf-8");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The files read so far: they are in the jar, so they never change while it runs. */
    private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

    void register(JavalinDefaultRoutingApi routes) {
        SecuredRoutes.open(routes, HandlerType.GET, "/", this::page);
        SecuredRoutes.open(routes, HandlerType.GET, ASSETS + "{file}", this::asset);
        SecuredRoutes.open(routes, HandlerType.GET, VENDORED + "<module>", this::vendored);
    }

    /**
     * Answers a browser's request for a page at a path no route serves with the UI's page, and says whether it did:
     * a GET outside {@code /api/} and {@code /metrics} that accepts HTML.
     */
    boolean opensDeepLink(Context ctx) {
        String path = ctx.path();
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
        if (ctx.method() != HandlerType.GET || path.startsWith("/api/") || path.equals("/api")
                || path.startsWith("/metrics") || path.startsWith(ASSETS) || !accept.contains("text/html")) {
            return false;
        }
        page(ctx);
        return true;
    }

    private void page(Context ctx) {
        ctx.status(200);
        send(ctx, PAGE, file(PAGE).orElseThrow(() -> new IllegalStateException("the jar has no ui/" + PAGE)));
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("file");
        Optional<byte[]> body = ASSET.matcher(name).matches() ? file(name) : Optional.empty();
        send(ctx, name, body.orElseThrow(() -> new PaddockException.NotFound("The web UI has no file '" + name
                + "'.")));
    }

    private void vendored(Context ctx) {
        String module = ctx.pathParam("module");
        Optional<byte[]> body = VENDORED_MODULE.matcher(module).matches() ? file("novnc/" + module) : Optional.empty();
        send(ctx, module, body.orElseThrow(() -> new PaddockException.NotFound("The web UI has no file 'novnc/"
                + module + "'.")));
    }

    private void send(Context ctx, String name, byte[] body) {
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1))).result(body);
    }

    private Optional<byte[]> file(String name) {
        return files.computeIfAbsent(name, WebUi::read);
    }

    private static Optional<byte[]> read(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream("/ui/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading ui/" + name + " from the jar", e);
        }
    }
}

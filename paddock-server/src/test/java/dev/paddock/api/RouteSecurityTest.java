package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.security.Accounts;
import dev.paddock.security.Grant;
import dev.paddock.security.Permission;
import dev.paddock.security.Role;
import dev.paddock.security.Scope;
import dev.paddock.security.User;
import io.javalin.router.Endpoint;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route the server holds, as Javalin holds them: each declares a permission (or is one of the few open ones),
 * answers 401 without credentials, 403 to a caller whose role lacks its permission, and reaches its handler (an
 * answer other than 401 and 403: a result, a 404 for the made-up id, a 4xx from validation) for a caller whose role
 * has only that permission.
 */
class RouteSecurityTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;

    /** The routes anyone may call. */
    private static final Set<String> OPEN = Set.of("GET /api/v1/health", "GET /api/v1/openapi.json",
            "POST /api/v1/session", "GET /", "GET /ui/{file}", "GET /ui/novnc/<module>");

    /** Per permission, a token whose role has only it, and one whose role has every other one. */
    private static final Map<Permission, String> ONLY = new EnumMap<>(Permission.class);
    private static final Map<Permission, String> ALL_BUT = new EnumMap<>(Permission.class);

    @BeforeAll
    static void tokens() {
        Accounts accounts = server.server.parts().accounts();
        for (Permission permission : Permission.values()) {
            ONLY.put(permission, token(accounts, "only-" + permission.key(), EnumSet.of(permission)));
            EnumSet<Permission> others = EnumSet.complementOf(EnumSet.of(permission));
            ALL_BUT.put(permission, token(accounts, "all-but-" + permission.key(), others));
        }
    }

    private static String token(Accounts accounts, String name, Set<Permission> permissions) {
        String roleName = name.replace('.', '-');
        Role role = new Role(roleName, permissions, false);
        accounts.identities().put(role);
        User user = new User(Accounts.newId(), roleName, accounts.hash("a long enough password"), false, Set.of(),
                Instant.now());
        accounts.identities().put(user);
        accounts.identities().put(new Grant(Accounts.newId(), Grant.SubjectKind.USER, user.name(), roleName,
                Scope.ROOM));
        return accounts.issueToken(user, "test", Role.ADMINISTRATOR, Duration.ofDays(1)).secret();
    }

    @Test
    void everyRouteDeclaresAPermissionOrIsOneOfTheOpenOnes() {
        List<String> undeclared = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (Endpoint endpoint : server.server.endpoints()) {
            String route = endpoint.method.name() + " " + endpoint.path;
            if (endpoint.metadata(SecuredRoutes.Open.class) != null) {
                open.add(route);
            } else if (endpoint.metadata(SecuredRoutes.Secured.class) == null) {
                undeclared.add(route);
            }
        }
        assertThat(undeclared).as("routes registered without a permission").isEmpty();
        assertThat(open).containsExactlyInAnyOrderElementsOf(OPEN);
    }

    @Test
    void everySecuredRouteRefusesStrangersAndCallersWithoutItsPermissionAndServesThoseWithIt() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Endpoint endpoint : server.server.endpoints()) {
            SecuredRoutes.Secured secured = endpoint.metadata(SecuredRoutes.Secured.class);
            if (secured == null) {
                continue;
            }
            checked++;
            String route = endpoint.method.name() + " " + endpoint.path;
            String path = endpoint.path.replace("{id}", "no-such-id").replace("{name}", "no-such-name")
                    .replace("{point}", "no-such-point").replace("{disk}", "vda")
                    .replace("{mac}", "52:54:00:00:00:01");
            int anonymous = send(endpoint, path, null).status();
            if (anonymous != 401) {
                wrong.add(route + " without credentials answered " + anonymous);
            }
            if (secured.permission() != Permission.ACCOUNT) {
                TestServer.Reply lacking = send(endpoint, path, ALL_BUT.get(secured.permission()));
                if (lacking.status() != 403 || !lacking.body().contains(secured.permission().key())) {
                    wrong.add(route + " without " + secured.permission() + " answered " + lacking.status() + " "
                            + lacking.body());
                }
            }
            TestServer.Reply holding = send(endpoint, path, ONLY.get(secured.permission()));
            if (holding.status() == 401 || holding.status() == 403 || holding.status() >= 500) {
                wrong.add(route + " with only " + secured.permission() + " answered " + holding.status() + " "
                        + holding.body());
            }
        }
        assertThat(checked).isGreaterThan(60);
        assertThat(wrong).isEmpty();
    }

    private static TestServer.Reply send(Endpoint endpoint, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(path))
                .timeout(Duration.ofSeconds(10));
        String method = endpoint.method.name();
        if (method.equals("GET") || method.equals("DELETE")) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.sendAnonymous(request);
    }
}

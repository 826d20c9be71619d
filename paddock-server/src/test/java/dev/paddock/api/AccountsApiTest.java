package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Users, tokens, roles on scopes and browser sessions, as a client of the API meets them. */
class AccountsApiTest {

    private static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void theFirstAdministratorsOneTimePasswordOnlyServesToChangeIt() {
        TestServer.Reply before = basic("GET", "/api/v1/vms", "admin", server.adminPassword, null);
        TestServer.Reply changed = basic("POST", "/api/v1/users/me/password", "admin", server.adminPassword,
                "{\"currentPassword\":\"" + server.adminPassword + "\",\"newPassword\":\"" + PASSWORD + "\"}");
        TestServer.Reply old = basic("GET", "/api/v1/vms", "admin", server.adminPassword, null);
        TestServer.Reply after = basic("GET", "/api/v1/vms", "admin", PASSWORD, null);

        assertThat(before.status()).isEqualTo(403);
        assertThat(before.json().get("detail").asText()).isEqualTo("User 'admin' must change the password first:"
                + " POST /api/v1/users/me/password with the current and a new password ('paddock login' asks for it).");
        assertThat(changed.status()).as(changed.body()).isEqualTo(204);
        assertThat(old.status()).isEqualTo(401);
        assertThat(after.status()).isEqualTo(200);
    }

    @Test
    void aTokenActsAsItsUserWithinItsRoleAndIsShownOnceAndRevocable() {
        user("carol");
        grant("{\"user\":\"carol\",\"role\":\"operator\"}");
        JsonNode token = basic("POST", "/api/v1/tokens", "carol", PASSWORD,
                "{\"name\":\"reader\",\"role\":\"read-only\"}").json();
        String secret = token.get("token").asText();

        TestServer.Reply read = bearer("GET", "/api/v1/vms", secret, null);
        TestServer.Reply create = bearer("POST", "/api/v1/vms", secret, "{\"name\":\"x\",\"vcpus\":1,\"memoryMib\":64}");
        JsonNode listed = bearer("GET", "/api/v1/tokens", secret, null).json();
        TestServer.Reply revoked = bearer("DELETE", "/api/v1/tokens/" + token.get("id").asText(), secret, null);
        TestServer.Reply afterwards = bearer("GET", "/api/v1/vms", secret, null);

        assertThat(secret).startsWith("pdk_");
        assertThat(read.status()).isEqualTo(200);
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.json().get("detail").asText()).isEqualTo("User 'carol' lacks permission vm.create on the"
                + " room: this token's role 'read-only' does not include it.");
        assertThat(listed.toString()).contains("reader").doesNotContain(secret).doesNotContain("secretHash");
        assertThat(revoked.status()).isEqualTo(204);
        assertThat(afterwards.status()).isEqualTo(401);
    }

    @Test
    void aTokenLosesAtTheVeryNextRequestWhatItsRoleItsGrantOrItsUserNoLongerGives() {
        String frank = server.post("/api/v1/users", "{\"name\":\"frank\",\"password\":\"" + PASSWORD + "\"}")
                .json().get("user").get("id").asText();
        String operator = server.post("/api/v1/grants", "{\"user\":\"frank\",\"role\":\"operator\"}").json()
                .get("id").asText();
        assertThat(server.post("/api/v1/roles", "{\"name\":\"viewer\",\"permissions\":[\"vm.read\"]}").status())
                .isEqualTo(201);
        String viewing = token("frank", "viewer");
        String operating = token("frank", "operator");
        // each read twice: the second is answered from the token kept
        assertThat(List.of(read(viewing), read(viewing), read(operating), read(operating)))
                .containsOnly(200);

        assertThat(server.delete("/api/v1/roles/viewer").status()).isEqualTo(204);
        TestServer.Reply roleGone = bearer("GET", "/api/v1/vms", viewing, null);
        assertThat(server.post("/api/v1/roles", "{\"name\":\"viewer\",\"permissions\":[\"host.read\"]}")
                .status()).isEqualTo(201);
        int roleChanged = read(viewing);
        assertThat(read(operating)).isEqualTo(200);
        assertThat(server.delete("/api/v1/grants/" + operator).status()).isEqualTo(204);
        TestServer.Reply grantGone = bearer("GET", "/api/v1/vms", operating, null);
        grant("{\"user\":\"frank\",\"role\":\"operator\"}");
        int grantedAgain = read(operating);
        assertThat(server.delete("/api/v1/users/" + frank).status()).isEqualTo(204);
        TestServer.Reply userGone = bearer("GET", "/api/v1/vms", operating, null);

        assertThat(roleGone.status()).isEqualTo(403);
        assertThat(roleGone.json().get("detail").asText()).isEqualTo("User 'frank' lacks permission vm.read"
                + " anywhere: this token's role 'viewer' does not include it.");
        assertThat(roleChanged).isEqualTo(403);
        assertThat(grantGone.status()).isEqualTo(403);
        assertThat(grantGone.json().get("detail").asText()).isEqualTo("User 'frank' lacks permission vm.read"
                + " anywhere.");
        assertThat(grantedAgain).isEqualTo(200);
        assertThat(userGone.status()).isEqualTo(401);
    }

    private String token(String user, String role) {
        TestServer.Reply made = basic("POST", "/api/v1/tokens", user, PASSWORD,
                "{\"name\":\"" + role + "\",\"role\":\"" + role + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json().get("token").asText();
    }

    private int read(String token) {
        return bearer("GET", "/api/v1/vms", token, null).status();
    }

    @Test
    void aGrantOnAClusterHoldsForItsHostsAndNothingElse() {
        String other = server.post("/api/v1/clusters", "{\"siteId\":\"site-1\",\"name\":\"other\"}").json()
                .get("id").asText();
        user("dave");
        user("erin");
        grant("{\"user\":\"dave\",\"role\":\"read-only\",\"clusterId\":\"" + TestServer.CLUSTER.id() + "\"}");
        grant("{\"user\":\"erin\",\"role\":\"read-only\",\"clusterId\":\"" + other + "\"}");

        assertThat(basic("GET", "/api/v1/hosts/" + TestServer.HOST_1.id(), "dave", PASSWORD, null).status())
                .isEqualTo(200);
        TestServer.Reply elsewhere = basic("GET", "/api/v1/hosts/" + TestServer.HOST_1.id(), "erin", PASSWORD, null);
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.json().get("detail").asText()).isEqualTo("User 'erin' lacks permission host.read on"
                + " cluster '" + TestServer.CLUSTER.id() + "'.");
    }

    @Test
    void listsShowEachCallerWhatTheirGrantsCoverAndTheWayToIt() {
        String vm = server.createVm("web", 1, 64);
        String other = server.post("/api/v1/clusters", "{\"siteId\":\"site-1\",\"name\":\"other\"}").json()
                .get("id").asText();
        server.post("/api/v1/sites", "{\"name\":\"elsewhere\"}");
        user("dave");
        user("erin");
        user("ivan");
        grant("{\"user\":\"dave\",\"role\":\"read-only\",\"clusterId\":\"" + TestServer.CLUSTER.id() + "\"}");
        grant("{\"user\":\"erin\",\"role\":\"read-only\",\"clusterId\":\"" + other + "\"}");

        assertThat(names("/api/v1/vms", "dave")).containsExactly("web");
        assertThat(names("/api/v1/hosts", "dave")).containsExactlyInAnyOrder(TestServer.HOST_1.name(),
                TestServer.HOST_2.name());
        assertThat(names("/api/v1/clusters", "dave")).containsExactly(TestServer.CLUSTER.name());
        assertThat(names("/api/v1/sites", "dave")).containsExactly(TestServer.SITE.name());
        JsonNode operations = basic("GET", "/api/v1/operations", "dave", PASSWORD, null).json();
        assertThat(operations.get("total").asLong()).isPositive();
        operations.get("items").forEach(operation -> assertThat(operation.get("target").asText()).isEqualTo(vm));
        String operation = operations.get("items").get(0).get("id").asText();
        assertThat(basic("GET", "/api/v1/operations/" + operation, "dave", PASSWORD, null).status()).isEqualTo(200);

        assertThat(names("/api/v1/vms", "erin")).isEmpty();
        assertThat(names("/api/v1/hosts", "erin")).isEmpty();
        assertThat(names("/api/v1/clusters", "erin")).containsExactly("other");
        assertThat(names("/api/v1/sites", "erin")).containsExactly(TestServer.SITE.name());
        JsonNode none = basic("GET", "/api/v1/operations", "erin", PASSWORD, null).json();
        assertThat(none.get("total").asLong()).isZero();
        assertThat(basic("GET", "/api/v1/operations/" + operation, "erin", PASSWORD, null).status()).isEqualTo(403);

        assertThat(names("/api/v1/sites", "admin-token")).contains("elsewhere", TestServer.SITE.name());
        TestServer.Reply nowhere = basic("GET", "/api/v1/vms", "ivan", PASSWORD, null);
        assertThat(nowhere.status()).isEqualTo(403);
        assertThat(nowhere.json().get("detail").asText()).isEqualTo("User 'ivan' lacks permission vm.read anywhere.");
    }

    private List<String> names(String path, String user) {
        TestServer.Reply reply = user.equals("admin-token") ? server.get(path) : basic("GET", path, user, PASSWORD, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        reply.json().get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    @Test
    void wrongPasswordsAre401AndABurstOfThemIsThrottledWithRetryAfter() {
        user("frank");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(basic("GET", "/api/v1/users/me", "frank", "wrong password " + i, null).status());
        }
        TestServer.Reply throttled = basic("GET", "/api/v1/users/me", "frank", PASSWORD, null);

        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.json().get("detail").asText()).startsWith("Too many failed logins for user 'frank' or"
                + " from 127.0.0.1; try again in ");
    }

    @Test
    void aBrowserSessionNeedsItsCsrfTokenForChangesAndEndsOnSignOut() throws Exception {
        user("grace");
        grant("{\"user\":\"grace\",\"role\":\"administrator\"}");
        HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.url().resolve("/api/v1/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"grace\",\"password\":\"" + PASSWORD
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(201);
        String csrf = Json.mapper().readTree(signIn.body()).get("csrfToken").asText();
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        TestServer.Reply read = withCookie("GET", "/api/v1/vms", cookie, null, null);
        TestServer.Reply forged = withCookie("POST", "/api/v1/sites", cookie, null, "{\"name\":\"forged\"}");
        TestServer.Reply made = withCookie("POST", "/api/v1/sites", cookie, csrf, "{\"name\":\"made\"}");
        TestServer.Reply out = withCookie("DELETE", "/api/v1/session", cookie, csrf, null);
        TestServer.Reply after = withCookie("GET", "/api/v1/vms", cookie, null, null);

        assertThat(read.status()).isEqualTo(200);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().get("detail").asText()).contains("X-CSRF-Token");
        assertThat(made.status()).isEqualTo(201);
        assertThat(out.status()).isEqualTo(204);
        assertThat(after.status()).isEqualTo(401);
    }

    @Test
    void theAuditLogNamesTheCallerAndTheAddressTheyCalledFrom() {
        user("heidi");
        grant("{\"user\":\"heidi\",\"role\":\"operator\"}");
        basic("POST", "/api/v1/tokens", "heidi", PASSWORD, "{\"name\":\"script\"}");

        JsonNode entries = server.get("/api/v1/audit").json().get("items");
        List<String> actors = new ArrayList<>();
        entries.forEach(entry -> actors.add(entry.get("actor").asText() + " " + entry.get("action").asText()));
        assertThat(actors).contains("heidi@127.0.0.1 token.create", "admin@127.0.0.1 user.create");
    }

    @Test
    void withoutCredentialsTheAnswerIs401WithASentenceAndNoStackTrace() {
        TestServer.Reply none = server.sendAnonymous(HttpRequest.newBuilder(server.url().resolve("/api/v1/vms")));
        TestServer.Reply forged = bearer("GET", "/api/v1/vms", "pdk_forged", null);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).isEqualTo("application/problem+json");
        assertThat(none.json().get("detail").asText()).isEqualTo("This request needs credentials: an API token"
                + " (Authorization: Bearer), HTTP Basic, or a session cookie; 'paddock login' gets a token.");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("detail").asText()).isEqualTo("The bearer token is unknown, expired or revoked;"
                + " 'paddock login' gets a new one.");
    }

    private void user(String name) {
        TestServer.Reply created = server.post("/api/v1/users", "{\"name\":\"" + name + "\",\"password\":\""
                + PASSWORD + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private void grant(String json) {
        TestServer.Reply granted = server.post("/api/v1/grants", json);
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
    }

    private TestServer.Reply basic(String method, String path, String user, String password, String json) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return server.sendAnonymous(request(method, path, json).header("Authorization", "Basic " + credentials));
    }

    private TestServer.Reply bearer(String method, String path, String token, String json) {
        return server.sendAnonymous(request(method, path, json).header("Authorization", "Bearer " + token));
    }

    private TestServer.Reply withCookie(String method, String path, String cookie, String csrf, String json) {
        HttpRequest.Builder request = request(method, path, json).header("Cookie", cookie);
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return server.sendAnonymous(request);
    }

    private HttpRequest.Builder request(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(path));
        if (json == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return request.header("Content-Type", "application/json").method(method,
                HttpRequest.BodyPublishers.ofString(json));
    }
}

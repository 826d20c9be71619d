package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.security.Accounts;
import dev.paddock.security.Role;
import dev.paddock.security.User;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The room keeps a local user who holds user.manage on it: deleting that user, removing their grant, or taking them
 * out of the group their grant is on is refused 409 with a sentence, whoever asks; with another local administrator
 * the same changes go through. Directory accounts do not count, since the directory can take their groups away.
 */
class LastAdministratorApiTest {

    private static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    @DisplayName("the last local administrator cannot give up their own grant; with a second one they can")
    void ownGrant() {
        String grant = grantOf("admin", "administrator");

        TestServer.Reply refused = server.delete("/api/v1/grants/" + grant);
        user("bob", Set.of());
        server.post("/api/v1/grants", "{\"user\":\"bob\",\"role\":\"administrator\"}");
        TestServer.Reply allowed = server.delete("/api/v1/grants/" + grant);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Deleting the grant of role administrator to"
                + " user admin on the room would leave no local user who holds user.manage on the room (now only"
                + " admin); grant it to another local user first. Directory accounts do not count: the directory"
                + " can take their groups away.");
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(204);
        assertThat(server.get("/api/v1/users").status()).isEqualTo(403);
    }

    @Test
    @DisplayName("a local administrator through a group is kept too: neither the group's grant nor the group goes")
    void throughAGroup() {
        user("carol", Set.of("admins"));
        server.post("/api/v1/grants", "{\"group\":\"admins\",\"role\":\"administrator\"}");
        String carol = token("carol");
        String groupGrant = grantOf("admins", "administrator");
        assertThat(server.delete("/api/v1/grants/" + grantOf("admin", "administrator")).status()).isEqualTo(204);

        TestServer.Reply grantRefused = bearer("DELETE", "/api/v1/grants/" + groupGrant, carol, null);
        TestServer.Reply groupsRefused = bearer("PATCH", "/api/v1/users/carol", carol, "{\"groups\":[]}");
        TestServer.Reply otherGroups = bearer("PATCH", "/api/v1/users/carol", carol, "{\"groups\":[\"admins\","
                + "\"ops\"]}");

        assertThat(grantRefused.status()).isEqualTo(409);
        assertThat(grantRefused.json().get("detail").asText()).startsWith("Deleting the grant of role administrator"
                + " to group admins on the room would leave no local user who holds user.manage on the room (now"
                + " only carol)");
        assertThat(groupsRefused.status()).isEqualTo(409);
        assertThat(groupsRefused.json().get("detail").asText()).startsWith("Changing the groups of user 'carol' to"
                + " [] would leave no local user who holds user.manage on the room");
        assertThat(otherGroups.status()).as(otherGroups.body()).isEqualTo(200);
        assertThat(bearer("GET", "/api/v1/grants", carol, null).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("an administrator from the directory cannot delete the last local one; a second local one can go")
    void directoryAdministratorsDoNotCount() {
        Accounts accounts = server.server.parts().accounts();
        User dora = new User(Accounts.newId(), "dora", Accounts.DIRECTORY_PASSWORD, false, Set.of("ldap-admins"),
                Instant.now());
        accounts.identities().put(dora);
        server.post("/api/v1/grants", "{\"group\":\"ldap-admins\",\"role\":\"administrator\"}");
        String doraToken = accounts.issueToken(dora, "dora", Role.ADMINISTRATOR, Duration.ofDays(1)).secret();
        user("bob", Set.of());
        server.post("/api/v1/grants", "{\"user\":\"bob\",\"role\":\"administrator\"}");

        TestServer.Reply bobGone = bearer("DELETE", "/api/v1/users/bob", doraToken, null);
        TestServer.Reply adminKept = bearer("DELETE", "/api/v1/users/admin", doraToken, null);

        assertThat(bobGone.status()).as(bobGone.body()).isEqualTo(204);
        assertThat(adminKept.status()).isEqualTo(409);
        assertThat(adminKept.json().get("detail").asText()).isEqualTo("Deleting user 'admin' would leave no local"
                + " user who holds user.manage on the room (now only admin); grant it to another local user first."
                + " Directory accounts do not count: the directory can take their groups away.");
        assertThat(server.get("/api/v1/users/admin").status()).isEqualTo(200);
    }

    private void user(String name, Set<String> groups) {
        TestServer.Reply created = server.post("/api/v1/users", "{\"name\":\"" + name + "\",\"password\":\""
                + PASSWORD + "\",\"groups\":[" + String.join(",", groups.stream().map(g -> "\"" + g + "\"").toList())
                + "]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private String token(String user) {
        TestServer.Reply issued = server.sendAnonymous(request("POST", "/api/v1/tokens", "{\"name\":\"t\"}")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":"
                        + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        return issued.json().get("token").asText();
    }

    private String grantOf(String subject, String role) {
        JsonNode grants = server.get("/api/v1/grants").json().get("items");
        return StreamSupport.stream(grants.spliterator(), false)
                .filter(g -> g.get("subject").asText().equals(subject) && g.get("role").asText().equals(role))
                .findFirst().orElseThrow().get("id").asText();
    }

    private TestServer.Reply bearer(String method, String path, String token, String json) {
        return server.sendAnonymous(request(method, path, json).header("Authorization", "Bearer " + token));
    }

    private HttpRequest.Builder request(String method, String path, String json) {
        return HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
    }
}

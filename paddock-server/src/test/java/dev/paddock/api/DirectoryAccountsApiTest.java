package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.directory.DirectoryLogin;
import dev.paddock.directory.DirectorySettings;
import dev.paddock.directory.Slapd;
import dev.paddock.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory accounts through the API, against a real OpenLDAP server on loopback (StartTLS): a user of group
 * {@code ops}, which holds the operator role, starts VMs but may not change fence devices; taken out of the group,
 * the next login is refused; a wrong password is 401 and a burst of them is throttled.
 */
class DirectoryAccountsApiTest {

    @TempDir
    Path directory;

    private Slapd slapd;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        slapd = Slapd.start();
        slapd.addUser("olga", "olga-password");
        slapd.addUser("mallory", "mallory-password");
        slapd.addUser("otto", "otto-password");
        // a groupOfNames keeps at least one member: otto stays when olga leaves
        slapd.addGroup("ops", "olga", "otto");
        server = new TestServer(directory);
        server.server.parts().accounts().useDirectory(Optional.of(new DirectoryLogin(new DirectorySettings(
                URI.create(slapd.ldapUrl()), true, Optional.of(slapd.certificate()), Optional.of(Slapd.SERVICE),
                Optional.of(Slapd.SERVICE_PASSWORD), "ou=people," + Slapd.SUFFIX, DirectorySettings.OPENLDAP_USERS,
                Optional.of("ou=groups," + Slapd.SUFFIX), DirectorySettings.OPENLDAP_GROUPS,
                Duration.ofSeconds(5)))));
        TestServer.Reply granted = server.post("/api/v1/grants", "{\"group\":\"ops\",\"role\":\"operator\"}");
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void aMemberOfOpsStartsVmsButMayNotChangeFenceDevicesAndLosesThatOnceOutOfTheGroup() throws Exception {
        String vm = server.createVm("web-1", 1, 512);
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/stop", ""));

        TestServer.Reply started = as("olga", "olga-password", "POST", "/api/v1/vms/" + vm + "/start", "");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        server.awaitFinal(started);
        TestServer.Reply fence = as("olga", "olga-password", "PUT", "/api/v1/hosts/" + TestServer.HOST_1.id()
                + "/fence", "{\"agent\":\"fence_ipmilan\",\"options\":{\"ip\":\"10.0.0.1\"}}");
        assertThat(fence.status()).isEqualTo(403);
        assertThat(detail(fence)).contains("lacks permission fence.manage");
        JsonNode audited = Json.mapper().readTree(server.get("/api/v1/audit?limit=20").body());
        assertThat(audited.toString()).contains("olga@");

        slapd.removeFromGroup("ops", "olga");

        TestServer.Reply refused = as("olga", "olga-password", "GET", "/api/v1/vms", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(detail(refused)).startsWith("User 'olga' is in no directory group that holds a role in Paddock"
                + " (its groups now: none)");
    }

    @Test
    void aWrongPasswordIs401AndABurstOfThemIsThrottled() throws Exception {
        TestServer.Reply wrong = as("olga", "not-hers", "GET", "/api/v1/vms", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(detail(wrong)).isEqualTo("Wrong user name or password.");
        int status = 0;
        for (int i = 0; i < 10 && status != 429; i++) {
            status = as("olga", "not-hers", "GET", "/api/v1/vms", null).status();
        }
        assertThat(status).isEqualTo(429);
        TestServer.Reply throttled = as("olga", "olga-password", "GET", "/api/v1/vms", null);
        assertThat(throttled.status()).as("the right password waits too").isEqualTo(429);
        assertThat(detail(throttled)).startsWith("Too many failed logins for user 'olga'");
    }

    @Test
    void aUserInNoGroupWithARoleIsRefusedWithTheReason() throws Exception {
        TestServer.Reply refused = as("mallory", "mallory-password", "GET", "/api/v1/vms", null);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(detail(refused)).contains("is in no directory group that holds a role");
    }

    @Test
    void aDirectoryOutOfReachIsA503WithASentence() throws Exception {
        server.server.parts().accounts().useDirectory(Optional.of(new DirectoryLogin(new DirectorySettings(
                URI.create("ldap://127.0.0.1:1"), false, Optional.empty(), Optional.empty(), Optional.empty(),
                "ou=people," + Slapd.SUFFIX, DirectorySettings.OPENLDAP_USERS, Optional.empty(),
                DirectorySettings.OPENLDAP_GROUPS, Duration.ofSeconds(2)))));

        TestServer.Reply unavailable = as("olga", "olga-password", "GET", "/api/v1/vms", null);

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(detail(unavailable)).startsWith("Paddock cannot reach ldap://127.0.0.1:1");
        assertThat(as("admin", "wrong", "GET", "/api/v1/vms", null).status()).as("local users do not ask it")
                .isEqualTo(401);
    }

    private TestServer.Reply as(String user, String password, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return server.sendAnonymous(request);
    }

    private static String detail(TestServer.Reply reply) throws Exception {
        return Json.mapper().readTree(reply.body()).path("detail").asText();
    }
}

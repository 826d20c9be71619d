package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The web UI as HTTP serves it: its page at / and at every deep link a browser opens, its files from the jar, a
 * policy that lets the page reach nothing but this server, the API's 404 problems left as they were, and the
 * session a reloaded page reads back with its CSRF token. The browser's own tests are {@code WebUiBrowserTest}.
 */
class WebUiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;

    @ParameterizedTest(name = "a browser opening {0} gets the UI's page")
    @CsvSource({"/", "/vms", "/vms/6733d76e-cb45-488d-9369-d4778cc5240d", "/alarms?open=true", "/no/such/page"})
    void everyPathOutsideTheApiOpensTheUi(String path) {
        TestServer.Reply page = page(path, "text/html,application/xhtml+xml,*/*;q=0.8");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType().replace(" ", "")).isEqualTo("text/html;charset=utf-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>", "<main id=\"main\"");
    }

    @ParameterizedTest(name = "{0} asked with Accept {1} stays a 404 problem")
    @CsvSource({"/api/v1/nothing, text/html", "/api/v2/vms, text/html", "/vms, application/json",
            "/ui/missing.js, text/html", "/ui/app.java, */*", "/ui/novnc/core/missing.js, */*",
            "/ui/novnc/README.md, */*", "/ui/novnc/core/Rfb.js, */*"})
    void apiPathsAndRequestsThatAreNoPageStay404Problems(String path, String accept) {
        TestServer.Reply reply = page(path, accept);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).isEqualTo("application/problem+json");
    }

    @ParameterizedTest(name = "{0} is served as {1}")
    @CsvSource({"app.js, text/javascript; charset=utf-8", "api.js, text/javascript; charset=utf-8",
            "dom.js, text/javascript; charset=utf-8", "app.css, text/css; charset=utf-8", "icon.svg, image/svg+xml",
            "novnc/core/rfb.js, text/javascript; charset=utf-8",
            "novnc/vendor/pako/lib/zlib/inflate.js, text/javascript; charset=utf-8"})
    void theFilesComeFromTheJarWithTheirTypes(String file, String type) {
        TestServer.Reply reply = page("/ui/" + file, "*/*");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType().replace(" ", "")).isEqualTo(type.replace(" ", ""));
        assertThat(reply.body()).isNotBlank();
    }

    @Test
    void thePageMayLoadAndReachNothingButThisServer() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url().resolve("/"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).doesNotContain("http://", "https://");
    }

    @Test
    void aSignedInBrowserReadsItsSessionAndCsrfTokenBackAndATokenHasNoSession() throws Exception {
        HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.url().resolve("/api/v1/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\""
                        + server.adminPasswordForTests() + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        TestServer.Reply read = server.sendAnonymous(HttpRequest.newBuilder(server.url().resolve("/api/v1/session"))
                .header("Cookie", cookie));
        TestServer.Reply withToken = server.get("/api/v1/session");
        TestServer.Reply stranger = server.sendAnonymous(HttpRequest.newBuilder(server.url()
                .resolve("/api/v1/session")));

        JsonNode session = read.json();
        assertThat(read.status()).isEqualTo(200);
        assertThat(session.get("user").asText()).isEqualTo("admin");
        assertThat(session.get("csrfToken").asText()).isEqualTo(Json.mapper().readTree(signIn.body())
                .get("csrfToken").asText());
        assertThat(session.get("mustChangePassword").asBoolean()).isTrue();
        assertThat(withToken.status()).isEqualTo(404);
        assertThat(withToken.json().get("detail").asText()).isEqualTo("This request carries no session cookie;"
                + " POST /api/v1/session with a user and a password opens a session.");
        assertThat(stranger.status()).isEqualTo(401);
    }

    private static TestServer.Reply page(String path, String accept) {
        return server.sendAnonymous(HttpRequest.newBuilder(server.url().resolve(path)).header("Accept", accept));
    }
}

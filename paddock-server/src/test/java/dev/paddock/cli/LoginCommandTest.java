package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.TestServer;
import dev.paddock.api.TestServerExtension;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code paddock login} keeps a token per server in a file only its owner reads; {@code logout} revokes it. */
class LoginCommandTest {

    private static final String PASSWORD = "a password long enough";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @TempDir
    Path config;

    private CliTest.Run paddock(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.run(args, new BufferedReader(new StringReader(stdin)), new PrintWriter(out),
                new PrintWriter(err), Map.of("PADDOCK_URL", server.url().toString(), "XDG_CONFIG_HOME",
                        config.toString()));
        return new CliTest.Run(status, out.toString(), err.toString());
    }

    @Test
    void aLoggedInCommandLineSendsItsTokenUntilItLogsOut() throws Exception {
        assertThat(server.post("/api/v1/users", "{\"name\":\"ops\",\"password\":\"" + PASSWORD + "\"}").status())
                .isEqualTo(201);
        assertThat(server.post("/api/v1/grants", "{\"user\":\"ops\",\"role\":\"read-only\"}").status())
                .isEqualTo(201);

        CliTest.Run stranger = paddock("", "vms");
        CliTest.Run login = paddock(PASSWORD + "\n", "login", "--user", "ops", "--password-stdin");
        Path file = config.resolve("paddock").resolve("credentials");
        String token = dev.paddock.json.Json.mapper().readTree(file.toFile()).path(server.url() + "/").path("token")
                .asText();
        CliTest.Run vms = paddock("", "vms");
        CliTest.Run create = paddock("", "vm", "create", "x", "--cpu", "1", "--memory", "64");
        CliTest.Run logout = paddock("", "logout");

        assertThat(stranger.status()).isEqualTo(ExitCode.DENIED.code());
        assertThat(stranger.err().strip()).isEqualTo("paddock: This request needs credentials: an API token"
                + " (Authorization: Bearer), HTTP Basic, or a session cookie; 'paddock login' gets a token.");
        assertThat(login.status()).as(login.err()).isZero();
        assertThat(login.out()).startsWith("Logged in to " + server.url() + "/ as ops;");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token).startsWith("pdk_");
        assertThat(vms.status()).as(vms.err()).isZero();
        assertThat(create.status()).isEqualTo(ExitCode.DENIED.code());
        assertThat(create.err()).contains("lacks permission vm.create");
        assertThat(logout.status()).isZero();
        assertThat(Files.readString(file)).doesNotContain(token);
        assertThat(server.sendAnonymous(java.net.http.HttpRequest.newBuilder(server.url().resolve("/api/v1/vms"))
                .header("Authorization", "Bearer " + token)).status()).as("the token is revoked").isEqualTo(401);
    }

    @Test
    void aOneTimePasswordIsChangedAtTheFirstLogin() {
        CliTest.Run login = paddock(server.adminPasswordForTests() + "\n" + PASSWORD + "\n", "login",
                "--password-stdin");

        assertThat(login.status()).as(login.err()).isZero();
        assertThat(paddock("", "hosts").status()).isZero();
        assertThat(server.get("/api/v1/users/me").json().get("mustChangePassword").asBoolean()).isFalse();
    }
}

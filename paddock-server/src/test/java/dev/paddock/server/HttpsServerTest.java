package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.cli.Cli;
import dev.paddock.tls.ServerCertificate;
import dev.paddock.tls.TlsSettings;
import dev.paddock.tls.TrustedCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS by default: a certificate made on the first start and kept, or a PEM pair; plain HTTP to it refused. */
class HttpsServerTest {

    @TempDir
    Path directory;

    private static final String TOKEN = dev.paddock.security.Secrets.strong().token();

    private ServerConfig config(TlsSettings tls) {
        return ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.EMPTY).withTls(tls)
                .withAdministratorToken(TOKEN);
    }

    @Test
    void aFirstStartMakesASelfSignedCertificateThatCurlAndTheCommandLineTrustWithCacert() throws Exception {
        String fingerprint;
        try (PaddockServer server = PaddockServer.start(config(TlsSettings.selfSigned()))) {
            assertThat(server.url().getScheme()).isEqualTo("https");
            ServerCertificate certificate = server.certificate().orElseThrow();
            assertThat(certificate.madeNow()).isTrue();
            fingerprint = certificate.fingerprint();
            Path pem = certificate.certificateFile();
            assertThat(pem).isEqualTo(directory.resolve("tls").resolve(ServerCertificate.CERTIFICATE_FILE));
            assertThat(Files.getPosixFilePermissions(pem.resolveSibling(ServerCertificate.KEY_FILE)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

            var trusting = HttpClient.newBuilder().sslContext(TrustedCertificates.of(pem)).build();
            var health = trusting.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            var curl = run("curl", "-sS", "--cacert", pem.toString(), "-H", "Authorization: Bearer " + TOKEN,
                    server.url() + "/api/v1/hosts");
            assertThat(curl.exit()).as(curl.output()).isZero();
            assertThat(curl.output()).contains("\"items\"");
            var untrusting = run("curl", "-sS", server.url() + "/api/v1/hosts");
            assertThat(untrusting.exit()).as("curl without the certificate").isNotZero();

            var out = new StringWriter();
            var err = new StringWriter();
            int trusted = Cli.run(new String[] {"--server", server.url().toString(), "--cacert", pem.toString(),
                "hosts"}, new PrintWriter(out), new PrintWriter(err), Map.of("PADDOCK_TOKEN", TOKEN));
            assertThat(trusted).as(err.toString()).isZero();
            err = new StringWriter();
            int refused = Cli.run(new String[] {"--server", server.url().toString(), "hosts"},
                    new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of("PADDOCK_TOKEN", TOKEN));
            assertThat(refused).isNotZero();
            assertThat(err.toString()).contains("sent a certificate this command does not trust")
                    .contains("--cacert").doesNotContain("\tat ");
            int byEnvironment = Cli.run(new String[] {"--server", server.url().toString(), "hosts"},
                    new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                    Map.of("PADDOCK_CACERT", pem.toString(), "PADDOCK_TOKEN", TOKEN));
            assertThat(byEnvironment).isZero();
        }
        try (PaddockServer again = PaddockServer.start(config(TlsSettings.selfSigned()))) {
            assertThat(again.certificate().orElseThrow().madeNow()).as("kept, not made again").isFalse();
            assertThat(again.certificate().orElseThrow().fingerprint()).isEqualTo(fingerprint);
        }
    }

    @Test
    void plainHttpToTheHttpsPortIsRefusedWithASentenceAndReachesNoRoute() throws Exception {
        try (PaddockServer server = PaddockServer.start(config(TlsSettings.selfSigned()))) {
            String plain = "http://127.0.0.1:" + server.port();
            var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    java.net.URI.create(plain + "/api/v1/sites")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"should-not-exist\"}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("This port speaks HTTPS: use https://");
            assertThat(server.parts().store().sites()).isEmpty();
            var jdk = HttpClient.newHttpClient();
            assertThatThrownBy(() -> jdk.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()))
                    .as("the JDK's CAs do not know a self-signed certificate")
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aPemPairIsServedAndAKeyOfAnotherCertificateIsRefused() throws Exception {
        Path made = directory.resolve("made");
        ServerCertificate first = ServerCertificate.selfSigned(made, List.of("localhost", "127.0.0.1"));
        Path other = directory.resolve("other");
        ServerCertificate.selfSigned(other, List.of("localhost"));
        Path cert = made.resolve(ServerCertificate.CERTIFICATE_FILE);

        try (PaddockServer server = PaddockServer.start(config(TlsSettings.pem(cert,
                made.resolve(ServerCertificate.KEY_FILE))))) {
            assertThat(server.certificate().orElseThrow().fingerprint()).isEqualTo(first.fingerprint());
            var trusting = HttpClient.newBuilder().sslContext(TrustedCertificates.of(cert)).build();
            assertThat(trusting.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> ServerCertificate.load(cert, other.resolve(ServerCertificate.KEY_FILE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the key of the certificate");
        Files.writeString(directory.resolve("junk.pem"), "not a certificate", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ServerCertificate.load(directory.resolve("junk.pem"),
                made.resolve(ServerCertificate.KEY_FILE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("junk.pem");
    }

    @Test
    void theServerCommandRefusesHalfAPemPairAndPlainHttpWithACertificate() {
        var err = new StringWriter();
        int half = Cli.run(new String[] {"server", "--port", "0", "--tls-cert", "x.pem"},
                new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of());
        assertThat(half).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together.");
        err = new StringWriter();
        int both = Cli.run(new String[] {"server", "--port", "0", "--plain-http", "--tls-key", "x.pem"},
                new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of());
        assertThat(both).isEqualTo(2);
        assertThat(err.toString()).contains("--plain-http takes no --tls-cert or --tls-key.");
    }

    private record Ran(int exit, String output) {}

    private static Ran run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), output);
    }
}

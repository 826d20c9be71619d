package dev.paddock.server;

import dev.paddock.api.Problem;
import dev.paddock.json.Json;
import dev.paddock.tls.ServerCertificate;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's one HTTPS connector. TLS is detected on each connection: a client that speaks plain HTTP to the
 * port gets a 400 saying to use https, before any route sees the request, instead of a connection reset it cannot
 * read.
 */
final class HttpsConnector {

    private static final char[] KEY_STORE_PASSWORD = "paddock".toCharArray();

    private HttpsConnector() {}

    static void install(JavalinConfig config, ServerCertificate certificate, String host, int port) {
        config.jetty.addConnector((server, http) -> {
            var tls = new SslContextFactory.Server();
            tls.setKeyStore(certificate.keyStore(KEY_STORE_PASSWORD));
            tls.setKeyStorePassword(new String(KEY_STORE_PASSWORD));
            tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            // clients reach the server by address as often as by name: the certificate, not SNI, says who it is
            var secure = new SecureRequestCustomizer(false);
            http.addCustomizer(secure);
            var plain = new HttpConnectionFactory(http);
            var ssl = new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString());
            var connector = new ServerConnector(server, new DetectorConnectionFactory(ssl), plain);
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
        config.routes.before(ctx -> {
            if (!ctx.req().isSecure()) {
                String sentence = "This port speaks HTTPS: use https://" + ctx.host() + ctx.path() + ".";
                ctx.status(400).contentType(Problem.MEDIA_TYPE)
                        .result(Json.mapper().writeValueAsString(new Problem(
                                "https://paddock.dev/problems/https-required", "HTTPS required", 400, sentence,
                                ctx.path())));
                ctx.skipRemainingHandlers();
            }
        });
    }
}

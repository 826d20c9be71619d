package dev.paddock.backup.nbd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for an NBD connection over TCP (NBD_OPT_STARTTLS): the context that trusts the CA of the host's NBD server
 * (libvirt's backup TLS directory holds it as ca-cert.pem) and, when the server verifies its peers as libvirt's does
 * by default, the client certificate and key to present; {@code serverName} is the host name or address the server's
 * certificate must carry.
 */
public record NbdTls(SSLContext context, String serverName) {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /** Trusts only the X.509 CA certificate(s) in PEM file {@code caCertificate}; presents no certificate. */
    public static NbdTls trusting(Path caCertificate, String serverName) throws IOException {
        return new NbdTls(context(caCertificate, Optional.empty(), Optional.empty()), serverName);
    }

    /** Trusts {@code caCertificate} and presents {@code certificate} (PEM) with its PKCS#8 PEM {@code key}. */
    public static NbdTls trusting(Path caCertificate, Path certificate, Path key, String serverName)
            throws IOException {
        return new NbdTls(context(caCertificate, Optional.of(certificate), Optional.of(key)), serverName);
    }

    private static SSLContext context(Path caCertificate, Optional<Path> certificate, Optional<Path> key)
            throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            List<Certificate> authorities = certificates(caCertificate);
            for (int i = 0; i < authorities.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            if (certificate.isEmpty() || key.isEmpty()) {
                context.init(null, trust.getTrustManagers(), null);
                return context;
            }
            KeyStore identity = KeyStore.getInstance(KeyStore.getDefaultType());
            identity.load(null, null);
            char[] none = new char[0];
            identity.setKeyEntry("client", privateKey(key.get()), none,
                    certificates(certificate.get()).toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, none);
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS credentials for NBD (CA " + caCertificate + ") do not load: "
                    + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> certificates =
                    List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certificates.isEmpty()) {
                throw new IOException(pem + " holds no X.509 certificate");
            }
            return certificates;
        }
    }

    /** A PKCS#8 PEM key (RSA, EC or Ed25519): what openssl writes by default and certtool with --pkcs8. */
    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher matcher = PKCS8.matcher(text);
        if (!matcher.find()) {
            throw new IOException("the key " + pem + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + pem);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(matcher.group(1)));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException("the key " + pem + " is neither an RSA, an EC nor an Ed25519 key");
    }
}

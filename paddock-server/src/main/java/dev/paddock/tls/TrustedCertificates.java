package dev.paddock.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A client's trust in the certificates of one PEM file (a server's self-signed certificate, or a private CA). */
public final class TrustedCertificates {

    private TrustedCertificates() {}

    /** An SSL context that trusts exactly the certificates in {@code pem} (and nothing of the JDK's defaults). */
    public static SSLContext of(Path pem) {
        return of(ServerCertificate.certificates(pem), pem.toString());
    }

    /**
     * An SSL context that trusts exactly the certificates of PEM text (kept in the store, not in a file).
     *
     * @throws IllegalArgumentException with a sentence when the text holds no PEM certificate
     */
    public static SSLContext ofPem(String pem) {
        List<X509Certificate> certificates = new java.util.ArrayList<>();
        try {
            for (var certificate : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(
                    new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the text is no PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("the text holds no PEM certificate");
        }
        return of(certificates, "the PEM text given");
    }

    private static SSLContext of(List<X509Certificate> certificates, String pem) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trusted.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot trust the certificates of " + pem + ": " + e.getMessage(), e);
        }
    }
}

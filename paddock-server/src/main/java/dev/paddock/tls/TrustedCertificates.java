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
        List<X509Certificate> certificates = ServerCertificate.certificates(pem);
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

package dev.paddock.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server speaks: HTTPS with a certificate it made for itself (the default of {@code paddock server}),
 * HTTPS with a PEM pair the administrator gives, or plain HTTP when asked for (the demo on loopback, tests).
 */
public record TlsSettings(Mode mode, Optional<Path> certificate, Optional<Path> key) {

    public enum Mode { PLAIN, SELF_SIGNED, PEM }

    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        if ((mode == Mode.PEM) != (certificate.isPresent() && key.isPresent())) {
            throw new IllegalArgumentException("a PEM certificate and key go together, and only with HTTPS from PEM");
        }
    }

    public static TlsSettings plain() {
        return new TlsSettings(Mode.PLAIN, Optional.empty(), Optional.empty());
    }

    public static TlsSettings selfSigned() {
        return new TlsSettings(Mode.SELF_SIGNED, Optional.empty(), Optional.empty());
    }

    public static TlsSettings pem(Path certificate, Path key) {
        return new TlsSettings(Mode.PEM, Optional.of(certificate.toAbsolutePath()), Optional.of(key.toAbsolutePath()));
    }

    public boolean https() {
        return mode != Mode.PLAIN;
    }

    /** The certificate to serve: the PEM pair, or the one kept (made on first start) under {@code dataDirectory/tls}. */
    public Optional<ServerCertificate> certificate(Path dataDirectory, String bindHost) {
        return switch (mode) {
            case PLAIN -> Optional.empty();
            case PEM -> Optional.of(ServerCertificate.load(certificate.orElseThrow(), key.orElseThrow()));
            case SELF_SIGNED -> Optional.of(ServerCertificate.selfSigned(dataDirectory.resolve("tls"),
                    ServerCertificate.namesFor(bindHost)));
        };
    }
}

package dev.paddock.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS certificate and key: a PEM pair the administrator gives, or one the server makes for itself on
 * its first start (self-signed, ECDSA P-256, for the names it is reached by) and keeps in its data directory.
 * Its SHA-256 fingerprint is what a client checks the first time it connects.
 */
public final class ServerCertificate {

    /** The file names of a certificate the server made, under its data directory's {@code tls/}. */
    public static final String CERTIFICATE_FILE = "server.crt";
    public static final String KEY_FILE = "server.key";
    private static final Duration LIFETIME = Duration.ofDays(825);

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final Path certificateFile;
    private final boolean made;

    private ServerCertificate(List<X509Certificate> chain, PrivateKey key, Path certificateFile, boolean made) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.certificateFile = certificateFile;
        this.made = made;
    }

    /**
     * The certificate kept in {@code directory}, or a new self-signed one for {@code names} (host names and
     * addresses) written there when there is none.
     */
    public static ServerCertificate selfSigned(Path directory, Collection<String> names) {
        Path certificate = directory.resolve(CERTIFICATE_FILE);
        Path key = directory.resolve(KEY_FILE);
        if (Files.exists(certificate) && Files.exists(key)) {
            return load(certificate, key);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X509Certificate made = sign(pair, names);
            Files.createDirectories(directory);
            writeAtomically(key, pkcs8(pair), true);
            writeAtomically(certificate, pem(made), false);
            return new ServerCertificate(List.of(made), pair.getPrivate(), certificate, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the server's certificate in " + directory + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the server's certificate: " + e.getMessage(), e);
        }
    }

    /** A PEM certificate (its chain may follow it in the file) and its PEM private key (PKCS#8, PKCS#1 or SEC1). */
    public static ServerCertificate load(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(chain.getFirst(), key)) {
            throw new IllegalArgumentException("the key in " + keyFile + " is not the key of the certificate in "
                    + certificateFile + ".");
        }
        return new ServerCertificate(chain, key, certificateFile, false);
    }

    /** The names a self-signed certificate is made for: the bind address, this machine's name, and loopback. */
    public static Set<String> namesFor(String bindHost) {
        Set<String> names = new LinkedHashSet<>();
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            names.add(bindHost);
        } else {
            // serving every address: each of this machine's own, as clients may use any
            try {
                for (var face : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                    for (var address : java.util.Collections.list(face.getInetAddresses())) {
                        if (!address.isLinkLocalAddress()) {
                            names.add(address.getHostAddress().replaceFirst("%.*$", ""));
                        }
                    }
                }
            } catch (java.net.SocketException e) {
                // no interface listing: the name and loopback below remain
            }
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName());
            names.add(local.getCanonicalHostName());
        } catch (UnknownHostException e) {
            // a machine with no name of its own is reached by address
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        return names;
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** The file the certificate is in: what {@code curl --cacert} and {@code paddock --cacert} take. */
    public Path certificateFile() {
        return certificateFile;
    }

    /** Whether this start made the certificate (a first start), rather than reading one that was there. */
    public boolean madeNow() {
        return made;
    }

    /** SHA-256 of the certificate's DER encoding, as colon-separated upper-case hex (as browsers show it). */
    public String fingerprint() {
        return fingerprint(certificate());
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A key store holding the key and its chain, for the server's TLS connector. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("paddock", key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the server's key: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) {
        try (var in = Files.newInputStream(file)) {
            var found = new ArrayList<X509Certificate>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                found.add((X509Certificate) certificate);
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no PEM certificate.");
            }
            return found;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificate " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) {
                // PKCS#1 and SEC1 files; the public half is not always written in them
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException(file + " holds no unencrypted PEM private key"
                    + (read == null ? "." : " (it holds " + read.getClass().getSimpleName() + ")."));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            var signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            byte[] probe = "paddock".getBytes(StandardCharsets.US_ASCII);
            signer.update(probe);
            byte[] signature = signer.sign();
            var verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509Certificate sign(KeyPair pair, Collection<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        String first = names.stream().filter(name -> !isAddress(name)).findFirst().orElse("paddock");
        X500Name subject = new X500Name("CN=" + first + ",O=Paddock");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(127, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(LIFETIME)), subject, pair.getPublic());
        var alternatives = new ArrayList<GeneralName>();
        for (String name : names) {
            alternatives.add(new GeneralName(isAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(alternatives.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static boolean isAddress(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /**
     * The key as PKCS#8 PEM ("PRIVATE KEY") with its public half inside (the JDK leaves it out, and GnuTLS, which
     * slapd and libvirt use, refuses a key without it), so OpenSSL, GnuTLS and this class all read it.
     */
    private static String pkcs8(KeyPair pair) throws IOException {
        PrivateKeyInfo plain = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        var inner = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(), publicKey.getPublicKeyData(), null);
        byte[] encoded = new PrivateKeyInfo(plain.getPrivateKeyAlgorithm(), inner).getEncoded();
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static String pem(Object value) throws IOException {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(value);
        }
        return out.toString();
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(partial, text, StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return "certificate " + certificate().getSubjectX500Principal().getName() + " (SHA-256 " + fingerprint() + ")";
    }
}

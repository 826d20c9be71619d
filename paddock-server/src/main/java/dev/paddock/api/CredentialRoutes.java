package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.security.LibvirtCredential;
import dev.paddock.security.LibvirtCredentials;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Libvirt credentials: what Paddock proves itself with to hosts over {@code qemu+tls://} (a client certificate, its
 * key and the CA) or SSH (a private key and the hosts' known keys). Uploaded once, kept sealed, never answered back:
 * the API shows a credential's name, kind and a summary. A host uses one by naming it in its URI
 * ({@code qemu+tls://h1/system?credential=NAME}); a credential a host still names is not deleted.
 */
final class CredentialRoutes {

    static final String PATH = RestApi.BASE + "/libvirt-credentials";
    private static final int MAX_FILE = 64 * 1024;

    private final LibvirtCredentials credentials;
    private final InventoryStore store;
    private final AuditTrail audit;
    private final Clock clock;

    CredentialRoutes(LibvirtCredentials credentials, InventoryStore store, AuditTrail audit, Clock clock) {
        this.credentials = credentials;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        routes.get(PATH, Permission.HOST_READ, ctx -> ctx.json(Map.of("items", credentials.list())));
        routes.get(PATH + "/{id}", Permission.HOST_READ, ctx -> ctx.json(credential(ctx)));
        routes.post(PATH, Permission.HOST_MANAGE, this::create);
        routes.delete(PATH + "/{id}", Permission.HOST_MANAGE, this::delete);
    }

    /** What a client sends: the files as PEM or OpenSSH text. */
    record NewCredential(String name, String kind, String caCertificate, String clientCertificate, String clientKey,
            String privateKey, String knownHosts) {}

    private void create(Context ctx) {
        NewCredential request = RequestBody.read(ctx, NewCredential.class);
        String name = Requests.name(request.name(), "name");
        if (credentials.byName(name).isPresent()) {
            throw new PaddockException.Conflict("A libvirt credential named '" + name + "' exists; delete it first"
                    + " or choose another name.");
        }
        String kind = Requests.required(request.kind(), "kind");
        Made made = switch (kind) {
            case "tls" -> tls(request);
            case "ssh" -> ssh(request);
            default -> throw new PaddockException.InvalidValue("Field 'kind' must be 'tls' or 'ssh', not '" + kind
                    + "'.");
        };
        LibvirtCredential credential = new LibvirtCredential(InventoryRoutes.newId(), name, made.kind(),
                made.summary(), clock.instant());
        credentials.put(credential, new LibvirtCredential.Files(made.files()));
        audit.record(ctx, new AuditNote("credential.create", credential.id(), "store libvirt credential " + name
                + " (" + made.summary() + ")"));
        InventoryRoutes.created(ctx, "libvirt-credentials", credential.id(), credential);
    }

    private record Made(LibvirtCredential.Kind kind, String summary, Map<String, String> files) {}

    private static Made tls(NewCredential request) {
        forbid(request.privateKey(), "privateKey", "tls");
        forbid(request.knownHosts(), "knownHosts", "tls");
        X509Certificate ca = certificate(request.caCertificate(), "caCertificate");
        X509Certificate client = certificate(request.clientCertificate(), "clientCertificate");
        String key = privateKey(request.clientKey(), "clientKey");
        Map<String, String> files = new LinkedHashMap<>();
        files.put(LibvirtCredential.CA_CERTIFICATE, request.caCertificate());
        files.put(LibvirtCredential.CLIENT_CERTIFICATE, request.clientCertificate());
        files.put(LibvirtCredential.CLIENT_KEY, key);
        // the hosts judge the client certificate by their own CA, which need not be the one that signed theirs
        return new Made(LibvirtCredential.Kind.TLS, "client " + client.getSubjectX500Principal().getName()
                + " issued by " + client.getIssuerX500Principal().getName() + ", valid until "
                + client.getNotAfter().toInstant() + "; hosts checked against CA " + ca.getSubjectX500Principal()
                .getName(), files);
    }

    private static Made ssh(NewCredential request) {
        forbid(request.caCertificate(), "caCertificate", "ssh");
        forbid(request.clientCertificate(), "clientCertificate", "ssh");
        forbid(request.clientKey(), "clientKey", "ssh");
        String key = privateKey(request.privateKey(), "privateKey");
        Map<String, String> files = new LinkedHashMap<>();
        files.put(LibvirtCredential.SSH_KEY, key);
        String summary = "SSH " + (key.contains("OPENSSH PRIVATE KEY") ? "OpenSSH" : "PEM") + " private key";
        if (request.knownHosts() != null && !request.knownHosts().isBlank()) {
            size(request.knownHosts(), "knownHosts");
            long entries = request.knownHosts().lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).count();
            if (entries == 0) {
                throw new PaddockException.InvalidValue("Field 'knownHosts' holds no host key.");
            }
            files.put(LibvirtCredential.KNOWN_HOSTS, request.knownHosts());
            summary += ", " + entries + (entries == 1 ? " known host key" : " known host keys");
        } else {
            summary += ", no known hosts (the user's own are used)";
        }
        return new Made(LibvirtCredential.Kind.SSH, summary, files);
    }

    private static void forbid(String value, String field, String kind) {
        if (value != null) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is not part of a " + kind
                    + " credential.");
        }
    }

    private static void size(String value, String field) {
        if (value.length() > MAX_FILE) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is longer than " + MAX_FILE / 1024
                    + " KiB: it is not one key or certificate.");
        }
    }

    private static X509Certificate certificate(String pem, String field) {
        Requests.required(pem, field);
        size(pem, field);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be a PEM certificate"
                    + " (-----BEGIN CERTIFICATE-----).");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is not a certificate that can be read: "
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()) + ".");
        }
    }

    private static String privateKey(String pem, String field) {
        Requests.required(pem, field);
        size(pem, field);
        if (!pem.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.+-----END [A-Z ]*PRIVATE KEY-----.*")) {
            throw new PaddockException.InvalidValue("Field '" + field + "' must be a private key in PEM or OpenSSH"
                    + " form (-----BEGIN ... PRIVATE KEY-----).");
        }
        if (pem.contains("ENCRYPTED")) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is encrypted with a passphrase, which"
                    + " libvirt cannot ask for: give the key without one (Paddock keeps it sealed).");
        }
        return pem.endsWith("\n") ? pem : pem + "\n";
    }

    private LibvirtCredential credential(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        return credentials.get(id).or(() -> credentials.byName(id))
                .orElseThrow(() -> InventoryRoutes.missing("libvirt credential", ctx));
    }

    private void delete(Context ctx) {
        LibvirtCredential credential = credential(ctx);
        List<String> users = store.hosts().stream().filter(host -> names(host, credential)).map(Host::name).toList();
        if (!users.isEmpty()) {
            throw new PaddockException.Conflict("Libvirt credential '" + credential.name() + "' is used by "
                    + (users.size() == 1 ? "host " : "hosts ") + String.join(", ", users)
                    + "; remove them or give them another URI first.");
        }
        credentials.delete(credential.id());
        audit.record(ctx, new AuditNote("credential.delete", credential.id(), "delete libvirt credential "
                + credential.name()));
        ctx.status(204);
    }

    private static boolean names(Host host, LibvirtCredential credential) {
        return LibvirtCredential.named(host.uri()).filter(name -> name.equals(credential.name())
                || name.equals(credential.id())).isPresent();
    }
}

package dev.paddock.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Paddock proves itself with to a libvirt host, as the API shows it: never the files themselves.
 *
 * @param summary what the files are, without their secrets (a certificate's subject, issuer and end; an SSH key's
 *     type and the number of known hosts)
 */
public record LibvirtCredential(String id, String name, Kind kind, String summary, Instant created) {

    /** The host URI parameter that names a stored credential: {@code qemu+tls://h1/system?credential=NAME}. */
    public static final String URI_PARAMETER = "credential";

    /** The TLS files, in libvirt's pkipath layout. */
    public static final String CA_CERTIFICATE = "cacert.pem";
    public static final String CLIENT_CERTIFICATE = "clientcert.pem";
    public static final String CLIENT_KEY = "clientkey.pem";
    /** The SSH files. */
    public static final String SSH_KEY = "id";
    public static final String KNOWN_HOSTS = "known_hosts";

    public LibvirtCredential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(created, "created");
    }

    /** The credential a host URI names, if it names one. */
    public static Optional<String> named(String uri) {
        return parameter(uri, URI_PARAMETER);
    }

    /** The decoded value of a URI's query parameter. */
    public static Optional<String> parameter(String uri, String name) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        for (String pair : uri.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                return Optional.of(URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1),
                        StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** How the files reach libvirt: the layout of their directory and the URI parameters that name it. */
    public enum Kind {
        /** {@code qemu+tls://}: {@code cacert.pem}, {@code clientcert.pem}, {@code clientkey.pem} under pkipath. */
        TLS,
        /** {@code qemu+ssh://}, {@code qemu+libssh://}, {@code qemu+libssh2://}: a key file and known hosts. */
        SSH
    }

    /** The files of a credential, by their names in its directory; what is sealed at rest. */
    public record Files(Map<String, String> contents) {
        public Files {
            contents = Map.copyOf(contents);
        }
    }
}

package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.security.LibvirtCredential;
import dev.paddock.security.LibvirtCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLoginsTest {

    @TempDir
    Path parent;

    private final Kept kept = new Kept();

    @Test
    void aUriNamingATlsCredentialConnectsWithItsFilesInAPrivateDirectory() throws Exception {
        kept.add("lab", LibvirtCredential.Kind.TLS, Map.of(LibvirtCredential.CA_CERTIFICATE, "ca",
                LibvirtCredential.CLIENT_CERTIFICATE, "cert", LibvirtCredential.CLIENT_KEY, "key"));
        try (HostLogins logins = new HostLogins(kept, parent)) {
            String uri = logins.resolve("qemu+tls://10.77.0.1/system?credential=lab&keepalive_interval=5");

            assertThat(uri).startsWith("qemu+tls://10.77.0.1/system?pkipath=").endsWith("&keepalive_interval=5");
            Path pki = Path.of(LibvirtCredential.parameter(uri, "pkipath").orElseThrow());
            assertThat(Files.readString(pki.resolve("clientkey.pem"))).isEqualTo("key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("clientkey.pem"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.getParent())))
                    .isEqualTo("rwx------");
            assertThat(logins.resolve("qemu+tls://10.77.0.1/system?credential=lab&keepalive_interval=5"))
                    .as("the same URI every time, so a reconnect matches").isEqualTo(uri);
            logins.kept().delete("id-lab");
            assertThat(pki).doesNotExist();
        }
        try (var left = Files.list(parent)) {
            assertThat(left).as("nothing left once the server stops").isEmpty();
        }
    }

    @Test
    void anSshCredentialGivesAKeyFileAndKnownHosts() {
        kept.add("ops", LibvirtCredential.Kind.SSH, Map.of(LibvirtCredential.SSH_KEY, "key",
                LibvirtCredential.KNOWN_HOSTS, "h1 ssh-ed25519 AAAA"));
        try (HostLogins logins = new HostLogins(kept, parent)) {
            String uri = logins.resolve("qemu+libssh://root@h1/system?credential=ops&sshauth=privkey");

            assertThat(uri).matches("qemu\\+libssh://root@h1/system\\?keyfile=.*/id-ops/id&known_hosts=.*"
                    + "/id-ops/known_hosts&sshauth=privkey");
        }
    }

    @Test
    void aUriWithoutACredentialIsUnchangedAndMisfitsAreRefusedWithASentence() {
        kept.add("lab", LibvirtCredential.Kind.TLS, Map.of(LibvirtCredential.CLIENT_KEY, "key"));
        try (HostLogins logins = new HostLogins(kept, parent)) {
            assertThat(logins.resolve("qemu+tcp://h1/system")).isEqualTo("qemu+tcp://h1/system");
            assertThatThrownBy(() -> logins.resolve("qemu+ssh://h1/system?credential=lab"))
                    .isInstanceOf(HypervisorException.class)
                    .hasMessage("libvirt credential 'lab' is for qemu+tls://, not qemu+ssh://");
            assertThatThrownBy(() -> logins.resolve("qemu+tls://h1/system?credential=lab&pkipath=/etc/pki"))
                    .hasMessage("a host URI names either a stored credential or its own files, not both: drop"
                            + " 'pkipath' from qemu+tls://h1/system?credential=lab&pkipath=/etc/pki");
            assertThatThrownBy(() -> logins.resolve("qemu+tls://h1/system?credential=none"))
                    .hasMessage("no libvirt credential is named 'none' (paddock credential list)");
        }
    }

    /** Credentials in a map: the sealing is JdbcLibvirtCredentials' and tested with the store. */
    private static final class Kept implements LibvirtCredentials {
        private final List<LibvirtCredential> credentials = new ArrayList<>();
        private final Map<String, LibvirtCredential.Files> files = new HashMap<>();

        void add(String name, LibvirtCredential.Kind kind, Map<String, String> contents) {
            put(new LibvirtCredential("id-" + name, name, kind, kind + " files", Instant.EPOCH),
                    new LibvirtCredential.Files(contents));
        }

        @Override
        public void put(LibvirtCredential credential, LibvirtCredential.Files contents) {
            credentials.add(credential);
            files.put(credential.id(), contents);
        }

        @Override
        public List<LibvirtCredential> list() {
            return List.copyOf(credentials);
        }

        @Override
        public Optional<LibvirtCredential> get(String id) {
            return credentials.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public Optional<LibvirtCredential> byName(String name) {
            return credentials.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        @Override
        public Optional<LibvirtCredential.Files> files(String id) {
            return Optional.ofNullable(files.get(id));
        }

        @Override
        public boolean delete(String id) {
            files.remove(id);
            return credentials.removeIf(c -> c.id().equals(id));
        }
    }
}

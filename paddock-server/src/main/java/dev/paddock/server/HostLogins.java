package dev.paddock.server;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.security.LibvirtCredential;
import dev.paddock.security.LibvirtCredentials;
import dev.paddock.security.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a host URI that names a stored credential ({@code qemu+tls://h1/system?credential=lab}) into the URI libvirt
 * connects with: the credential's files written to a private directory of this server (mode 0700, files 0600, on
 * {@code /dev/shm} where it exists, so that they never reach a disk in clear) and the URI's {@code credential}
 * parameter replaced by the parameters that name them — {@code pkipath} for TLS, {@code keyfile} and
 * {@code known_hosts} for SSH. The files are written again at every connection (a reconnect included) and removed
 * when the server stops; the credential itself stays sealed in the store. A URI without the parameter passes
 * unchanged.
 */
public final class HostLogins implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostLogins.class);

    /** The URI parameter that names a stored credential. */
    public static final String PARAMETER = LibvirtCredential.URI_PARAMETER;
    private static final String SSH_KEY = LibvirtCredential.SSH_KEY;
    private static final String KNOWN_HOSTS = LibvirtCredential.KNOWN_HOSTS;

    private final LibvirtCredentials credentials;
    private final Path directory;

    /**
     * @param parent where the private directory is made: {@code /dev/shm} (memory) on Linux by default, see
     *     {@link #defaultParent()}
     */
    public HostLogins(LibvirtCredentials credentials, Path parent) {
        this.credentials = credentials;
        try {
            this.directory = Files.createTempDirectory(parent, "paddock-libvirt-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a private directory for libvirt credentials in " + parent, e);
        }
    }

    /** {@code /dev/shm} when this machine has it (memory, not disk), else the temporary directory. */
    public static Path defaultParent() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The URI libvirt connects with for {@code uri}: the same when it names no credential. */
    public String resolve(String uri) {
        Optional<String> named = parameter(uri, PARAMETER);
        if (named.isEmpty()) {
            return uri;
        }
        LibvirtCredential credential = credentials.byName(named.get()).or(() -> credentials.get(named.get()))
                .orElseThrow(() -> new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT,
                        "no libvirt credential is named '" + named.get() + "' (paddock credential list)"));
        String scheme = uri.substring(0, Math.max(0, uri.indexOf(':'))).toLowerCase(Locale.ROOT);
        checkFits(credential, scheme, uri);
        LibvirtCredential.Files files;
        try {
            files = credentials.files(credential.id()).orElseThrow(() -> new HypervisorException(
                    HypervisorException.Reason.INVALID_ARGUMENT, "libvirt credential '" + credential.name()
                    + "' was removed"));
        } catch (SecretBox.Unreadable e) {
            throw new HypervisorException(HypervisorException.Reason.FAILED, "libvirt credential '"
                    + credential.name() + "' does not open: " + e.getMessage(), e);
        }
        Path written = write(credential, files);
        List<String> parameters = new ArrayList<>();
        if (credential.kind() == LibvirtCredential.Kind.TLS) {
            parameters.add("pkipath=" + written);
        } else {
            parameters.add("keyfile=" + written.resolve(SSH_KEY));
            if (files.contents().containsKey(KNOWN_HOSTS)) {
                parameters.add("known_hosts=" + written.resolve(KNOWN_HOSTS));
            }
        }
        return replaceParameter(uri, PARAMETER, parameters);
    }

    /**
     * Refuses a credential the URI's transport cannot use, or a URI that also names files itself, with a sentence.
     */
    static void checkFits(LibvirtCredential credential, String scheme, String uri) {
        boolean tls = scheme.equals("qemu+tls");
        boolean ssh = scheme.equals("qemu+ssh") || scheme.equals("qemu+libssh") || scheme.equals("qemu+libssh2");
        if (credential.kind() == LibvirtCredential.Kind.TLS && !tls
                || credential.kind() == LibvirtCredential.Kind.SSH && !ssh) {
            throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "libvirt credential '"
                    + credential.name() + "' is for " + (credential.kind() == LibvirtCredential.Kind.TLS
                    ? "qemu+tls://" : "qemu+ssh://, qemu+libssh:// or qemu+libssh2://") + ", not " + scheme + "://");
        }
        for (String own : List.of("pkipath", "keyfile", "known_hosts")) {
            if (parameter(uri, own).isPresent()) {
                throw new HypervisorException(HypervisorException.Reason.INVALID_ARGUMENT, "a host URI names either"
                        + " a stored credential or its own files, not both: drop '" + own + "' from " + uri);
            }
        }
    }

    private Path write(LibvirtCredential credential, LibvirtCredential.Files files) {
        Path into = directory.resolve(credential.id());
        try {
            if (!Files.isDirectory(into)) {
                Files.createDirectory(into, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            for (Map.Entry<String, String> file : files.contents().entrySet()) {
                Path path = into.resolve(file.getKey());
                if (!path.getParent().equals(into)) {
                    throw new IllegalStateException("credential file name " + file.getKey() + " leaves its directory");
                }
                Path temporary = into.resolve("." + file.getKey() + ".new");
                Files.deleteIfExists(temporary);
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temporary, file.getValue(), StandardCharsets.UTF_8, StandardOpenOption.WRITE);
                Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write libvirt credential '" + credential.name() + "' to " + into, e);
        }
    }

    /**
     * The store of credentials as the API keeps them: deleting one there also removes its files from this server's
     * private directory.
     */
    public LibvirtCredentials kept() {
        return new LibvirtCredentials() {
            @Override
            public void put(LibvirtCredential credential, LibvirtCredential.Files files) {
                credentials.put(credential, files);
            }

            @Override
            public java.util.List<LibvirtCredential> list() {
                return credentials.list();
            }

            @Override
            public Optional<LibvirtCredential> get(String id) {
                return credentials.get(id);
            }

            @Override
            public Optional<LibvirtCredential> byName(String name) {
                return credentials.byName(name);
            }

            @Override
            public Optional<LibvirtCredential.Files> files(String id) {
                return credentials.files(id);
            }

            @Override
            public boolean delete(String id) {
                boolean deleted = credentials.delete(id);
                removeTree(directory.resolve(id));
                return deleted;
            }
        };
    }

    /** The decoded value of a URI's query parameter. */
    static Optional<String> parameter(String uri, String name) {
        return LibvirtCredential.parameter(uri, name);
    }

    /** {@code uri} with the parameter {@code name} replaced by {@code replacements}, the others kept in order. */
    static String replaceParameter(String uri, String name, List<String> replacements) {
        int query = uri.indexOf('?');
        List<String> kept = new ArrayList<>();
        for (String pair : uri.substring(query + 1).split("&")) {
            String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (key.equals(name)) {
                kept.addAll(replacements);
            } else if (!pair.isEmpty()) {
                kept.add(pair);
            }
        }
        return uri.substring(0, query) + "?" + String.join("&", kept);
    }

    @Override
    public void close() {
        removeTree(directory);
    }

    private static void removeTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", root, e.getMessage());
        }
    }
}

package dev.paddock.directory;

import dev.paddock.tls.ServerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenLDAP server (Debian's {@code slapd}) on loopback for one test class: its own configuration and
 * database in a temporary directory, plain LDAP (with StartTLS) and LDAPS on two free ports, a certificate made
 * for 127.0.0.1 and localhost, and entries loaded with {@code ldapadd}. Closing it stops slapd and removes
 * everything.
 */
public final class Slapd implements AutoCloseable {

    public static final String SUFFIX = "dc=paddock,dc=test";
    public static final String ADMIN = "cn=admin," + SUFFIX;
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String SERVICE = "cn=paddock,ou=services," + SUFFIX;
    public static final String SERVICE_PASSWORD = "service-secret";

    private final Path directory;
    private final Process process;
    private final int ldapPort;
    private final int ldapsPort;

    private Slapd(Path directory, Process process, int ldapPort, int ldapsPort) {
        this.directory = directory;
        this.process = process;
        this.ldapPort = ldapPort;
        this.ldapsPort = ldapsPort;
    }

    public static Slapd start() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("paddock-slapd");
        Files.createDirectories(directory.resolve("db"));
        ServerCertificate.selfSigned(directory.resolve("tls"), List.of("localhost", "127.0.0.1"));
        int ldap = freePort();
        int ldaps = freePort();
        Files.writeString(directory.resolve("slapd.conf"), String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "include /etc/ldap/schema/nis.schema",
                "pidfile " + directory.resolve("slapd.pid"),
                "TLSCertificateFile " + directory.resolve("tls").resolve(ServerCertificate.CERTIFICATE_FILE),
                "TLSCertificateKeyFile " + directory.resolve("tls").resolve(ServerCertificate.KEY_FILE),
                "moduleload back_mdb",
                "database mdb",
                "suffix \"" + SUFFIX + "\"",
                "rootdn \"" + ADMIN + "\"",
                "rootpw " + ADMIN_PASSWORD,
                "directory " + directory.resolve("db"),
                "maxsize 10485760",
                // users read their own entry; the service account reads everything; passwords only to bind
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by dn.exact=\"" + SERVICE + "\" read by self read by * none",
                ""), StandardCharsets.US_ASCII);
        Process process = new ProcessBuilder("/usr/sbin/slapd", "-f", directory.resolve("slapd.conf").toString(),
                "-h", "ldap://127.0.0.1:" + ldap + "/ ldaps://127.0.0.1:" + ldaps + "/", "-d", "0")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("slapd.log").toFile())
                .start();
        var slapd = new Slapd(directory, process, ldap, ldaps);
        try {
            slapd.awaitListening();
            slapd.add(String.join("\n",
                    "dn: " + SUFFIX, "objectClass: dcObject", "objectClass: organization", "o: Paddock", "dc: paddock",
                    "",
                    "dn: ou=services," + SUFFIX, "objectClass: organizationalUnit", "ou: services",
                    "",
                    "dn: " + SERVICE, "objectClass: simpleSecurityObject", "objectClass: organizationalRole",
                    "cn: paddock", "userPassword: " + SERVICE_PASSWORD,
                    "",
                    "dn: ou=people," + SUFFIX, "objectClass: organizationalUnit", "ou: people",
                    "",
                    "dn: ou=groups," + SUFFIX, "objectClass: organizationalUnit", "ou: groups",
                    ""));
            return slapd;
        } catch (IOException | InterruptedException | RuntimeException e) {
            slapd.close();
            throw e;
        }
    }

    public String ldapUrl() {
        return "ldap://127.0.0.1:" + ldapPort;
    }

    public String ldapsUrl() {
        return "ldaps://127.0.0.1:" + ldapsPort;
    }

    /** The server's certificate, which a client must trust for ldaps:// and StartTLS. */
    public Path certificate() {
        return directory.resolve("tls").resolve(ServerCertificate.CERTIFICATE_FILE);
    }

    public void addUser(String uid, String password) throws IOException, InterruptedException {
        add(String.join("\n", "dn: uid=" + uid + ",ou=people," + SUFFIX, "objectClass: inetOrgPerson",
                "uid: " + uid, "cn: " + uid, "sn: " + uid, "displayName: " + uid.toUpperCase(java.util.Locale.ROOT),
                "userPassword: " + password, ""));
    }

    public void addGroup(String cn, String... members) throws IOException, InterruptedException {
        var lines = new ArrayList<>(List.of("dn: cn=" + cn + ",ou=groups," + SUFFIX, "objectClass: groupOfNames",
                "cn: " + cn));
        for (String member : members) {
            lines.add("member: uid=" + member + ",ou=people," + SUFFIX);
        }
        lines.add("");
        add(String.join("\n", lines));
    }

    public void removeFromGroup(String cn, String member) throws IOException, InterruptedException {
        run(List.of("ldapmodify", "-x", "-H", ldapUrl(), "-D", ADMIN, "-w", ADMIN_PASSWORD), String.join("\n",
                "dn: cn=" + cn + ",ou=groups," + SUFFIX, "changetype: modify", "delete: member",
                "member: uid=" + member + ",ou=people," + SUFFIX, ""));
    }

    private void add(String ldif) throws IOException, InterruptedException {
        run(List.of("ldapadd", "-x", "-H", ldapUrl(), "-D", ADMIN, "-w", ADMIN_PASSWORD), ldif);
    }

    private static void run(List<String> command, String input) throws IOException, InterruptedException {
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        tool.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        tool.getOutputStream().close();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tool.waitFor(30, TimeUnit.SECONDS) || tool.exitValue() != 0) {
            throw new IllegalStateException(command.getFirst() + " failed: " + output);
        }
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited " + process.exitValue() + ": " + log());
            }
            try (Socket probe = new Socket("127.0.0.1", ldapPort)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("slapd did not listen within 20 s: " + log());
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("slapd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

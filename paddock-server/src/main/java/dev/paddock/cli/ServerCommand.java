package dev.paddock.cli;

import dev.paddock.api.RequestLimits;
import dev.paddock.directory.DirectorySettings;
import dev.paddock.server.Leadership;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import dev.paddock.store.StoreConfig;
import dev.paddock.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paddock server}: runs the manager until the process is stopped. */
@Command(name = "server", description = "Run the Paddock server.")
final class ServerCommand implements Callable<Integer> {

    /** The rooms a server can manage, as the command line spells them. */
    enum RoomOption {
        DEMO(ServerConfig.Room.DEMO),
        EMPTY(ServerConfig.Room.EMPTY);

        final ServerConfig.Room room;

        RoomOption(ServerConfig.Room room) {
            this.room = room;
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTPS (or HTTP) port (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--plain-http", description = "Speak plain HTTP instead of HTTPS (for a server reached only"
            + " on loopback or behind a TLS proxy).")
    private boolean plainHttp;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "The server's certificate (its chain may follow"
            + " it); with --tls-key. Default: a self-signed certificate made on the first start under --data/tls.")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (unencrypted"
            + " PEM: PKCS#8, PKCS#1 or EC).")
    private Path tlsKey;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default ${DEFAULT-VALUE}; the API is plain HTTP, so serve a network behind TLS).")
    private String bind;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "The store: jdbc:h2:file:... or jdbc:postgresql://... (default " + StoreConfig.DEFAULT_URL
                    + ").")
    private String db;

    @Option(names = "--data", defaultValue = "var", paramLabel = "DIR",
            description = "Where the simulated room keeps its state (default ./${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--keys", paramLabel = "DIR",
            description = "Where the server's keys live (audit chain, secrets at rest), made on first start (default:"
                    + " keys beside an H2 store's files, else in the --data directory). Back it up apart from the"
                    + " database: without it the audit log cannot be verified nor the BMC passwords read.")
    private Path keys;

    @Option(names = "--room", defaultValue = "empty", paramLabel = "ROOM",
            description = "The simulated room: demo (hosts and VMs on first start) or empty (default).")
    private RoomOption room;

    @Option(names = "--libvirt-shared-dir", paramLabel = "DIR",
            description = "A directory every libvirt host sees at the same path (the lab's shared directory, as"
                    + " 'lab.sh up' prints it): guests boot its vmlinuz and initrd.img and migrate over it.")
    private Path libvirtSharedDir;

    @Option(names = "--vnc-listen", paramLabel = "ADDRESS",
            description = "The address VMs' VNC displays listen on (127.0.0.1 keeps them on the host); by default each"
                    + " host's management address, the host of its libvirt URI, which the VNC proxy reaches.")
    private String vncListen;

    @Option(names = "--lease-ttl", defaultValue = "15", paramLabel = "SECONDS",
            description = "How long the leader lease lives without renewal (default ${DEFAULT-VALUE}): one server acts"
                    + " per database; a second waits this long for a silent holder, then refuses to start.")
    private double leaseTtlSeconds;

    @Option(names = "--resync-period", defaultValue = "30", paramLabel = "SECONDS",
            description = "How often every host's domains, storage pools and networks are read again (default"
                    + " ${DEFAULT-VALUE}), the safety net under libvirt's events: a pool's space used grows without"
                    + " one.")
    private double resyncPeriodSeconds;

    @Option(names = "--sample-interval", defaultValue = "10", paramLabel = "SECONDS",
            description = "How often every host's and VM's CPU, memory, disk and network usage is sampled and the"
                    + " thresholds judged (default ${DEFAULT-VALUE}).")
    private double sampleIntervalSeconds;

    @Option(names = "--open-metrics", description = "Serve /metrics without credentials (for a Prometheus that"
            + " scrapes without a token); otherwise it needs a token with host.read.")
    private boolean openMetrics;

    @Option(names = "--max-request-size", defaultValue = "1MiB", paramLabel = "SIZE", description = "The largest"
            + " request body a route takes (default ${DEFAULT-VALUE}; an image upload takes up to 1 TiB): a larger one"
            + " is answered 413 before it is read.")
    private String maxRequestSize;

    @Option(names = "--rate-limit", defaultValue = "300/min", paramLabel = "RATE", description = "How often one"
            + " caller (a user, or an address not signed in) may call the routes that start work (VM create and"
            + " migrate, maintenance, consolidation plans, image upload and import, simulator faults, sign-in):"
            + " COUNT at once, refilled evenly over the period, such as ${DEFAULT-VALUE} (default), 10/s, or off;"
            + " beyond it 429 with Retry-After.")
    private String rateLimit;

    /** A token the server accepts as the first administrator's, for automation that starts it. */
    static final String ADMIN_TOKEN_VARIABLE = "PADDOCK_ADMIN_TOKEN";

    @Option(names = "--ldap-url", paramLabel = "URL", description = "Directory accounts sign in beside local users:"
            + " ldap://HOST[:PORT] (with --ldap-start-tls) or ldaps://HOST[:PORT] of OpenLDAP or Active Directory.")
    private java.net.URI ldapUrl;

    @Option(names = "--ldap-start-tls", description = "Upgrade the ldap:// connection with StartTLS before binding.")
    private boolean ldapStartTls;

    @Option(names = "--ldap-ca", paramLabel = "PEM", description = "The CA (or certificate) the directory's TLS"
            + " certificate must chain to (default: the system's CAs).")
    private Path ldapCa;

    @Option(names = "--ldap-bind-dn", paramLabel = "DN", description = "The service account that searches for users"
            + " (default: search anonymously); its password is read from --ldap-bind-password-file.")
    private String ldapBindDn;

    @Option(names = "--ldap-bind-password-file", paramLabel = "FILE", description = "A file holding the service"
            + " account's password (never on the command line, where ps shows it).")
    private Path ldapBindPasswordFile;

    @Option(names = "--ldap-user-base", paramLabel = "DN", description = "Where users are searched (the subtree).")
    private String ldapUserBase;

    @Option(names = "--ldap-user-filter", paramLabel = "FILTER", description = "A user's entry, {0} the name typed"
            + " (default " + DirectorySettings.OPENLDAP_USERS + ", or " + DirectorySettings.ACTIVE_DIRECTORY_USERS
            + " with --ldap-active-directory).")
    private String ldapUserFilter;

    @Option(names = "--ldap-group-base", paramLabel = "DN", description = "Where groups are searched (default: only"
            + " the user's memberOf).")
    private String ldapGroupBase;

    @Option(names = "--ldap-group-filter", paramLabel = "FILTER", description = "A group the user is in, {0} its DN"
            + " and {1} its name (default " + DirectorySettings.OPENLDAP_GROUPS + ", or nested groups with"
            + " --ldap-active-directory).")
    private String ldapGroupFilter;

    @Option(names = "--ldap-active-directory", description = "Active Directory's filters by default"
            + " (sAMAccountName, nested groups).")
    private boolean activeDirectory;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new CliException(ExitCode.USAGE, "--port must be between 0 and 65535.");
        }
        ServerConfig config = new ServerConfig(bind, port, db == null ? StoreConfig.DEFAULT_URL : db, room.room,
                data.toAbsolutePath()).withTls(tls());
        if (keys != null) {
            config = config.withKeyDirectory(keys);
        }
        if (libvirtSharedDir != null) {
            config = config.withLibvirtSharedDirectory(libvirtSharedDir);
        }
        PaddockCommand root = PaddockCommand.of(spec);
        config = config.withOpenMetrics(openMetrics).withLimits(limits());
        String adminToken = root.env().get(ADMIN_TOKEN_VARIABLE);
        if (adminToken != null && !adminToken.isBlank()) {
            config = config.withAdministratorToken(adminToken);
        }
        if (vncListen != null) {
            config = config.withVncListen(vncListen);
        }
        if (ldapUrl != null) {
            config = config.withDirectory(directory());
        } else if (ldapBindDn != null || ldapUserBase != null || ldapStartTls || ldapCa != null) {
            throw new CliException(ExitCode.USAGE, "The --ldap-* options need --ldap-url.");
        }
        if (!(leaseTtlSeconds >= 0.03 && leaseTtlSeconds <= 3600)) {
            throw new CliException(ExitCode.USAGE, "--lease-ttl must be between 0.03 and 3600 seconds.");
        }
        if (!(resyncPeriodSeconds >= 1 && resyncPeriodSeconds <= 86_400)) {
            throw new CliException(ExitCode.USAGE, "--resync-period must be between 1 and 86400 seconds.");
        }
        config = config.withResyncPeriod(Duration.ofMillis(Math.round(resyncPeriodSeconds * 1000)));
        if (!(sampleIntervalSeconds >= 1 && sampleIntervalSeconds <= 3600)) {
            throw new CliException(ExitCode.USAGE, "--sample-interval must be between 1 and 3600 seconds.");
        }
        config = config.withSampleInterval(Duration.ofMillis(Math.round(sampleIntervalSeconds * 1000)));
        PaddockServer server = Servers.start(config,
                new Leadership.Settings(Duration.ofMillis(Math.round(leaseTtlSeconds * 1000))));
        root.out().println("Paddock listening on " + server.url() + " (Ctrl-C stops it)");
        server.certificate().ifPresent(certificate -> root.out().println("TLS certificate "
                + certificate.certificateFile() + (certificate.madeNow() ? " (made now, self-signed)" : "")
                + "\n  SHA-256 " + certificate.fingerprint()
                + "\n  clients: curl --cacert " + certificate.certificateFile() + ", paddock --cacert "
                + certificate.certificateFile() + " (or PADDOCK_CACERT)"));
        server.firstPassword().ifPresent(password -> root.out().println(Servers.firstLogin(password)));
        root.out().flush();
        Servers.runUntilStopped(server);
        return 0;
    }

    private RequestLimits limits() {
        long bytes;
        try {
            bytes = RequestLimits.size(maxRequestSize);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--max-request-size: " + e.getMessage());
        }
        try {
            return new RequestLimits(bytes, RequestLimits.rate(rateLimit));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--rate-limit: " + e.getMessage());
        }
    }

    private DirectorySettings directory() {
        if (ldapUserBase == null) {
            throw new CliException(ExitCode.USAGE, "--ldap-url needs --ldap-user-base, where users are searched.");
        }
        if ((ldapBindDn == null) != (ldapBindPasswordFile == null)) {
            throw new CliException(ExitCode.USAGE, "--ldap-bind-dn and --ldap-bind-password-file go together.");
        }
        Optional<String> bindPassword = Optional.empty();
        if (ldapBindPasswordFile != null) {
            try {
                bindPassword = Optional.of(java.nio.file.Files.readString(ldapBindPasswordFile).strip());
            } catch (java.io.IOException e) {
                throw new CliException(ExitCode.USAGE, "Cannot read --ldap-bind-password-file "
                        + ldapBindPasswordFile + ".");
            }
        }
        if (ldapCa != null && !java.nio.file.Files.isReadable(ldapCa)) {
            throw new CliException(ExitCode.USAGE, "There is no readable file " + ldapCa + ".");
        }
        try {
            return new DirectorySettings(ldapUrl, ldapStartTls, Optional.ofNullable(ldapCa),
                    Optional.ofNullable(ldapBindDn), bindPassword, ldapUserBase,
                    ldapUserFilter != null ? ldapUserFilter : activeDirectory ? DirectorySettings.ACTIVE_DIRECTORY_USERS
                            : DirectorySettings.OPENLDAP_USERS,
                    Optional.ofNullable(ldapGroupBase),
                    ldapGroupFilter != null ? ldapGroupFilter : activeDirectory
                            ? DirectorySettings.ACTIVE_DIRECTORY_GROUPS : DirectorySettings.OPENLDAP_GROUPS,
                    java.time.Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    private TlsSettings tls() {
        if (plainHttp) {
            if (tlsCert != null || tlsKey != null) {
                throw new CliException(ExitCode.USAGE, "--plain-http takes no --tls-cert or --tls-key.");
            }
            return TlsSettings.plain();
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CliException(ExitCode.USAGE, "--tls-cert and --tls-key go together.");
        }
        for (Path file : tlsCert == null ? java.util.List.<Path>of() : java.util.List.of(tlsCert, tlsKey)) {
            if (!java.nio.file.Files.isReadable(file)) {
                throw new CliException(ExitCode.USAGE, "There is no readable file " + file + ".");
            }
        }
        return tlsCert == null ? TlsSettings.selfSigned() : TlsSettings.pem(tlsCert, tlsKey);
    }

    /** Starting a server and keeping it up until the JVM is asked to stop. */
    static final class Servers {
        private Servers() {}

        static PaddockServer start(ServerConfig config) {
            return start(config, Leadership.Settings.DEFAULT);
        }

        static PaddockServer start(ServerConfig config, Leadership.Settings lease) {
            try {
                return PaddockServer.start(config, lease);
            } catch (Leadership.Refused e) {
                throw new CliException(ExitCode.CONFLICT, "The server did not start: " + e.getMessage());
            } catch (RuntimeException e) {
                throw new CliException(ExitCode.ERROR, "The server did not start: " + rootMessage(e));
            }
        }

        /** What the first start prints, once: how to log in as the administrator it made. */
        static String firstLogin(String password) {
            return "First start: made user 'admin' (an administrator) with the one-time password " + password
                    + "\nLog in with 'paddock login' (it asks for a new password: this one works only to change it);"
                    + " it is not shown again.";
        }

        static void runUntilStopped(PaddockServer server) throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "paddock-shutdown"));
            stopped.await();
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.toString() : root.getMessage();
            return message.endsWith(".") ? message : message + ".";
        }
    }
}

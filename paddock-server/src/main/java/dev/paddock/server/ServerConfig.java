package dev.paddock.server;

import dev.paddock.api.RequestLimits;
import dev.paddock.directory.DirectorySettings;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a server.
 *
 * @param host the address to listen on ("127.0.0.1" for the demo, "0.0.0.0" to serve a network)
 * @param port the HTTP(S) port; 0 picks a free one
 * @param jdbcUrl the store's database
 * @param room the simulated room to manage
 * @param dataDirectory where the simulated room keeps its state between runs
 * @param libvirtSharedDirectory a directory every libvirt host sees at the same path (the lab's {@code shared}, an
 *     NFS mount): guests boot its {@code vmlinuz} and {@code initrd.img}, write their consoles there, and migrate
 *     over it; empty for libvirt's defaults (no default boot)
 * @param tls HTTPS (a certificate made on first start, or a PEM pair) or plain HTTP
 * @param keys where the server's keys live (see {@link dev.paddock.security.ServerKeys}); empty for the default,
 *     {@link #keyDirectory()}
 * @param vncListen the address VMs' VNC displays listen on, on every libvirt host; empty for each host's management
 *     address (the host of its URI), which the server's VNC proxy reaches
 * @param openMetrics whether {@code /metrics} answers without credentials (a Prometheus without a token)
 * @param administratorToken an API token the server accepts as the first administrator's, for automation that
 *     starts it (and the tests); empty for none. Only its SHA-256 is stored.
 * @param accountDirectory the LDAP or Active Directory whose users sign in beside the local ones; empty for none
 * @param resyncPeriod how often the inventory compares every host with what it reports, the safety net under the
 *     hypervisors' events (space used in a pool, for one, grows without an event)
 * @param sampleInterval how often every host's and VM's usage is sampled (and thresholds judged)
 * @param limits the largest request body and how often one caller may start work
 * @param authenticate whether requests must prove who calls: true as shipped; false only through
 *     {@link #withoutAuthenticationOnLoopback()}, for the API benchmark (see there)
 */
public record ServerConfig(String host, int port, String jdbcUrl, Room room, Path dataDirectory,
        Optional<Path> libvirtSharedDirectory, TlsSettings tls, Optional<Path> keys, Optional<String> vncListen,
        boolean openMetrics, Optional<String> administratorToken, Optional<DirectorySettings> accountDirectory,
        Duration resyncPeriod, Duration sampleInterval, RequestLimits limits, boolean authenticate) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_RESYNC_PERIOD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(10);

    /** The simulated room beside the libvirt hosts (sim:// hosts answer from it). */
    public enum Room {
        /** Two sites, three clusters, twelve hosts and about sixty running VMs, made on the first start. */
        DEMO,
        /** Simulated hosts answer at sim://NAME once added with the API; none at start. */
        EMPTY
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(libvirtSharedDirectory, "libvirtSharedDirectory");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(vncListen, "vncListen");
        Objects.requireNonNull(administratorToken, "administratorToken");
        Objects.requireNonNull(accountDirectory, "accountDirectory");
        Objects.requireNonNull(resyncPeriod, "resyncPeriod");
        if (resyncPeriod.toMillis() < 1) {
            throw new IllegalArgumentException("the resync period must be at least a millisecond, was " + resyncPeriod);
        }
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        if (sampleInterval.toMillis() < 100) {
            throw new IllegalArgumentException("the sampling interval must be at least 100 ms, was " + sampleInterval);
        }
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, was " + port);
        }
        if (!authenticate && !loopback(host)) {
            throw new IllegalArgumentException("a server without authentication listens on a loopback address only,"
                    + " not on " + host);
        }
    }

    public ServerConfig(String host, int port, String jdbcUrl, Room room, Path dataDirectory) {
        this(host, port, jdbcUrl, room, dataDirectory, Optional.empty(), TlsSettings.plain(), Optional.empty(),
                Optional.empty(), false, Optional.empty(), Optional.empty(), DEFAULT_RESYNC_PERIOD, DEFAULT_SAMPLE_INTERVAL, RequestLimits.DEFAULT,
                true);
    }

    /**
     * The directories backup repositories may be in: {@code backups} under the data directory, and the libvirt
     * shared directory (where datastores are mounted) when there is one.
     */
    public java.util.List<Path> backupRoots() {
        java.util.List<Path> roots = new java.util.ArrayList<>();
        roots.add(dataDirectory.resolve("backups").toAbsolutePath());
        libvirtSharedDirectory.ifPresent(shared -> roots.add(shared.toAbsolutePath()));
        return roots;
    }

    public ServerConfig withLibvirtSharedDirectory(Path directory) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, Optional.of(directory.toAbsolutePath()),
                tls, keys, vncListen, openMetrics, administratorToken,
                accountDirectory, resyncPeriod, sampleInterval, limits, authenticate);
    }

    public ServerConfig withTls(TlsSettings settings) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, settings, keys,
                vncListen, openMetrics, administratorToken, accountDirectory, resyncPeriod, sampleInterval, limits, authenticate);
    }

    public ServerConfig withKeyDirectory(Path directory) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls,
                Optional.of(directory.toAbsolutePath()), vncListen, openMetrics, administratorToken, accountDirectory,
                resyncPeriod, sampleInterval, limits, authenticate);
    }

    /** VNC displays listening on {@code address} (127.0.0.1: reached only from the host itself, as through SSH). */
    public ServerConfig withVncListen(String address) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                Optional.of(address), openMetrics, administratorToken, accountDirectory, resyncPeriod, sampleInterval, limits,
                authenticate);
    }

    public ServerConfig withOpenMetrics(boolean open) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, open, administratorToken, accountDirectory, resyncPeriod, sampleInterval, limits, authenticate);
    }

    public ServerConfig withDirectory(DirectorySettings settings) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, administratorToken, Optional.of(settings), resyncPeriod, sampleInterval, limits, authenticate);
    }

    public ServerConfig withLimits(RequestLimits newLimits) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, administratorToken, accountDirectory, resyncPeriod, sampleInterval, newLimits, authenticate);
    }

    public ServerConfig withAdministratorToken(String token) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, Optional.of(token), accountDirectory, resyncPeriod, sampleInterval, limits, authenticate);
    }

    /** The inventory's full resync every {@code period} instead of {@link #DEFAULT_RESYNC_PERIOD}. */
    public ServerConfig withResyncPeriod(Duration period) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, administratorToken, accountDirectory, period, sampleInterval, limits, authenticate);
    }

    /** Usage sampled every {@code interval} instead of {@link #DEFAULT_SAMPLE_INTERVAL}. */
    public ServerConfig withSampleInterval(Duration interval) {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, administratorToken, accountDirectory, resyncPeriod, interval, limits,
                authenticate);
    }

    /**
     * The same server with authentication switched off: every request is served as if it carried the first
     * administrator's token, without reading a token, a user or a grant. It exists for one purpose, {@code paddock
     * bench api}, which compares the API's latency with and without authentication in one run; no command-line
     * option or setting reaches it, it is refused unless the server listens on a loopback address, and the server
     * says at start, as a warning, that it serves everyone as the administrator.
     *
     * @throws IllegalArgumentException when the server listens on an address other than loopback
     */
    public ServerConfig withoutAuthenticationOnLoopback() {
        return new ServerConfig(host, port, jdbcUrl, room, dataDirectory, libvirtSharedDirectory, tls, keys,
                vncListen, openMetrics, administratorToken, accountDirectory, resyncPeriod, sampleInterval, limits, false);
    }

    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Where the keys live: the configured directory, else {@code keys} beside the database's files for an H2 file
     * store, else {@code keys} in the data directory (a PostgreSQL store has no files of ours). Never inside the
     * database: the keys are what the database alone must not be enough for.
     */
    public Path keyDirectory() {
        if (keys.isPresent()) {
            return keys.get();
        }
        String h2File = "jdbc:h2:file:";
        if (jdbcUrl.startsWith(h2File)) {
            String file = jdbcUrl.substring(h2File.length()).split(";", 2)[0];
            Path parent = Path.of(file).toAbsolutePath().getParent();
            if (parent != null) {
                return parent.resolve("keys");
            }
        }
        return dataDirectory.resolve("keys");
    }

    /** The libvirt adapter's settings: the lab's (fast keepalive, shared consoles, migration) with a shared directory. */
    public LibvirtHypervisor.Settings libvirtSettings() {
        LibvirtHypervisor.Settings settings = libvirtSharedDirectory
                .map(dir -> LibvirtHypervisor.Settings.lab(dir.toString()))
                .orElseGet(LibvirtHypervisor.Settings::defaults);
        return vncListen.map(settings::withVncListen).orElse(settings);
    }

    /** Where libvirt hosts find the datastores' disk files: {@code <shared>/datastores/<datastore id>/}. */
    public Optional<Path> libvirtDatastores() {
        return libvirtSharedDirectory.map(dir -> dir.resolve("datastores"));
    }

    /** How libvirt guests boot when their definition says nothing: the shared directory's kernel and initramfs. */
    public Optional<DomainSpec.DirectBoot> libvirtGuestBoot() {
        return libvirtSharedDirectory.map(dir -> new DomainSpec.DirectBoot(dir.resolve("vmlinuz").toString(),
                dir.resolve("initrd.img").toString(), "console=ttyS0 quiet"));
    }

    /** An H2 store and the room's state under {@code directory}. */
    public static ServerConfig inDirectory(Path directory, String host, int port, Room room) {
        Path absolute = directory.toAbsolutePath();
        return new ServerConfig(host, port, "jdbc:h2:file:" + absolute.resolve("paddock"), room, absolute);
    }
}

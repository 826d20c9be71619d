package dev.paddock.libvirt;

import dev.paddock.ha.FenceDevice;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Watchdog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running lab (lab/lab.sh): real libvirtd hosts in network namespaces, a shared directory with the guest
 * kernel and initramfs, and the tools to look inside (the guest's heartbeat counter on sector 0 of its disk).
 */
public final class Lab implements AutoCloseable {

    /** A lab host: Paddock's id for it, its libvirt URI and its BMC's address (IPMI lanplus, admin/password). */
    public record Host(String id, String uri, String bmc) {}

    /** Power as the host's BMC reports it. */
    public enum Power { ON, OFF }

    private static final Pattern HOST_LINE = Pattern.compile("^(h\\d+) (qemu\\+tcp://\\S+) bmc (\\S+)$");
    private static final Pattern POWER_STATUS = Pattern.compile("Chassis Power is (on|off)");
    private static final String BMC_USER = "admin";
    private static final String BMC_PASSWORD = "password";
    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (\\d+)");
    private static final Path OWNER = Path.of("/run/paddock-lab.owner");
    /** Held from start to close: lab tests of several test runs on one machine take the lab in turn. */
    private static final Path TURN = Path.of("/run/paddock-lab.turn");

    private final Path script;
    private final Path directory;
    private final List<Host> hosts;
    private final FileChannel turn;
    private final IscsiTarget iscsi;
    private final NfsServer nfs;

    /** The lab's iSCSI target on its storage network (Debian's tgt): portal address, target IQN, one LUN. */
    public record IscsiTarget(String portal, String iqn) {}

    private static final Pattern ISCSI_LINE = Pattern.compile("^iscsi (\\S+) (\\S+)$");

    /**
     * The lab's NFS server on its storage network (nfs-ganesha, NFSv3): its address and the export's path, which
     * is the directory {@link #nfsDirectory()} of the lab.
     */
    public record NfsServer(String address, String export) {}

    private static final Pattern NFS_LINE = Pattern.compile("^nfs (\\S+) (\\S+)$");

    private Lab(Path script, Path directory, List<Host> hosts, FileChannel turn, IscsiTarget iscsi, NfsServer nfs) {
        this.script = script;
        this.directory = directory;
        this.hosts = List.copyOf(hosts);
        this.turn = turn;
        this.iscsi = iscsi;
        this.nfs = nfs;
    }

    /**
     * Starts a lab of {@code count} hosts in {@code directory}, first removing a lab left in that same directory
     * by an earlier run that died. Throws with lab.sh's own words when the lab cannot start.
     */
    static Lab start(int count, Path directory) {
        FileChannel turn = awaitTurn();
        try {
            return start(count, directory, turn);
        } catch (RuntimeException e) {
            release(turn);
            throw e;
        }
    }

    /** Waits (up to 20 minutes) while another test run on this machine holds the lab. */
    private static FileChannel awaitTurn() {
        try {
            FileChannel channel = FileChannel.open(TURN, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (channel.tryLock() == null) {
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new IllegalStateException("another test run held the lab (" + TURN + ") for 20 minutes");
                }
                Thread.sleep(1000);
            }
            return channel;
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the lab's turn file " + TURN + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the lab", e);
        }
    }

    private static void release(FileChannel turn) {
        try {
            turn.close();
        } catch (IOException ignored) {
            // closing releases the lock; a failure to close leaves nothing held once this JVM exits
        }
    }

    private static Lab start(int count, Path directory, FileChannel turn) {
        Path script = script();
        try {
            if (Files.exists(OWNER) && Files.readString(OWNER).strip().equals(directory.toString())) {
                run(script, directory, Duration.ofMinutes(1), "down");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + OWNER + ": " + e.getMessage(), e);
        }
        Result up = run(script, directory, Duration.ofMinutes(5), "up", Integer.toString(count));
        if (up.exitCode() != 0) {
            // what a failed start made is taken down, so that the next start finds nothing of it
            run(script, directory, Duration.ofMinutes(1), "down");
            throw new IllegalStateException("the lab did not start (" + script + " up " + count + " exited "
                    + up.exitCode() + "): " + up.stderr().strip());
        }
        var hosts = new ArrayList<Host>();
        IscsiTarget iscsi = null;
        NfsServer nfs = null;
        for (String line : up.stdout().split("\n")) {
            Matcher export = NFS_LINE.matcher(line.strip());
            if (export.matches()) {
                nfs = new NfsServer(export.group(1), export.group(2));
            }
            Matcher matcher = HOST_LINE.matcher(line.strip());
            if (matcher.matches()) {
                hosts.add(new Host(matcher.group(1), matcher.group(2), matcher.group(3)));
            }
            Matcher target = ISCSI_LINE.matcher(line.strip());
            if (target.matches()) {
                iscsi = new IscsiTarget(target.group(1), target.group(2));
            }
        }
        if (hosts.size() != count) {
            run(script, directory, Duration.ofMinutes(1), "down");
            throw new IllegalStateException("the lab printed " + hosts.size() + " hosts, not " + count + ": " + up.stdout());
        }
        if (iscsi == null) {
            run(script, directory, Duration.ofMinutes(1), "down");
            throw new IllegalStateException("the lab printed no iSCSI target: " + up.stdout());
        }
        if (nfs == null) {
            run(script, directory, Duration.ofMinutes(1), "down");
            throw new IllegalStateException("the lab printed no NFS export: " + up.stdout());
        }
        return new Lab(script, directory, hosts, turn, iscsi, nfs);
    }

    public IscsiTarget iscsi() {
        return iscsi;
    }

    public NfsServer nfs() {
        return nfs;
    }

    /** The directory the lab's NFS server exports: what the server's files really are, seen from outside NFS. */
    public Path nfsDirectory() {
        return directory.resolve("nfs").resolve("export");
    }

    public List<Host> hosts() {
        return hosts;
    }

    public Host host(int n) {
        return hosts.get(n - 1);
    }

    /** The lab's working directory ({@code PADDOCK_LAB_DIR}): {@code shared/} and each host's {@code hosts/hN/}. */
    public Path directory() {
        return directory;
    }

    public Path shared() {
        return directory.resolve("shared");
    }

    /**
     * A directory of the shared one on a file system of its own (a tmpfs every host sees, 16 GiB at most: linked clones count their full size against free space): its free space
     * moves only with what is written there, so a datastore's free space can be compared exactly.
     */
    public Path fixedSizeDirectory() {
        return shared().resolve("fixed");
    }

    /**
     * The template guest's disk ({@code lab.sh template}): a qcow2 image SeaBIOS boots by itself, whose init applies
     * a cloud-init NoCloud seed and answers HTTP on port 80 with its hostname and root's SSH keys.
     */
    public Path template() {
        Result said = run(script, directory, Duration.ofMinutes(3), "template");
        if (said.exitCode() != 0) {
            throw new IllegalStateException("lab.sh template failed: " + said.stderr().strip());
        }
        return Path.of(said.stdout().strip());
    }

    /**
     * Runs {@code lab.sh ARGUMENTS} on this lab (e.g. {@code wan h3 100mbit 20}) and returns what it printed; throws
     * with lab.sh's own words when it fails.
     */
    public String command(String... arguments) {
        Result said = run(script, directory, Duration.ofMinutes(1), arguments);
        if (said.exitCode() != 0) {
            throw new IllegalStateException("lab.sh " + String.join(" ", arguments) + " failed: "
                    + said.stderr().strip());
        }
        return said.stdout();
    }

    /**
     * Host hN over TLS: libvirtd's port 16514 with the host's certificate of the lab's CA, and the client certificate
     * of that CA in libvirt's pkipath layout ({@code lab.sh}'s {@code $L/pki/client}).
     */
    public String tlsUri(int n) {
        return tlsUri(n, "client");
    }

    /** Host hN over TLS with a client certificate of another CA ({@code $L/pki/rogue}), which the host refuses. */
    public String rogueTlsUri(int n) {
        return tlsUri(n, "rogue");
    }

    /**
     * Host hN over SSH (libvirt's libssh transport to the host's sshd, then virt-ssh-helper), as root with the lab's
     * key, the host's key checked against the lab's known_hosts ({@code lab.sh}'s {@code $L/ssh}).
     */
    public String sshUri(int n) {
        return sshUri(n, "id_lab");
    }

    /** Host hN over SSH with a key that no host accepts. */
    public String otherKeySshUri(int n) {
        return sshUri(n, "id_other");
    }

    private String sshUri(int n, String key) {
        Path ssh = directory.resolve("ssh");
        return "qemu+libssh://root@" + address(n) + "/system?keyfile=" + ssh.resolve(key) + "&known_hosts="
                + ssh.resolve("known_hosts") + "&sshauth=privkey";
    }

    private String address(int n) {
        return host(n).uri().replaceFirst("^qemu\\+tcp://([^/]+)/.*$", "$1");
    }

    private String tlsUri(int n, String client) {
        return "qemu+tls://" + address(n) + "/system?pkipath=" + directory.resolve("pki").resolve(client);
    }

    /** The address the template guests' network has in the root namespace (bridge labvm0, a /24). */
    public static final String GUEST_GATEWAY = "10.79.8.254";

    /** The adapter settings for the lab: fast keepalive and reconnect, consoles on the shared directory. */
    public LibvirtHypervisor.Settings settings() {
        return LibvirtHypervisor.Settings.lab(shared().toString());
    }

    /** A 128 MiB-class guest booting the lab kernel, with its own qcow2 disk (created once) and a NIC on vmbr0. */
    public DomainSpec guest(String uuid, String name, int vcpus, long memoryMib) {
        Path disk = shared().resolve("images").resolve(uuid + ".qcow2");
        if (!Files.exists(disk)) {
            Result created = run(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M"),
                    Map.of(), Duration.ofSeconds(30));
            if (created.exitCode() != 0) {
                throw new IllegalStateException("qemu-img create " + disk + ": " + created.stderr());
            }
        }
        String mac = "52:54:00:" + uuid.substring(0, 2) + ":" + uuid.substring(2, 4) + ":" + uuid.substring(4, 6);
        return DomainSpec.of(uuid, name, vcpus, memoryMib)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", disk.toString(), "qcow2", 1)))
                .withNics(List.of(new DomainSpec.NicSpec(mac, "vmbr0", Optional.empty())))
                .withDirectBoot(new DomainSpec.DirectBoot(shared().resolve("vmlinuz").toString(),
                        shared().resolve("initrd.img").toString(), "console=ttyS0 quiet"));
    }

    /**
     * A lab guest with an i6300esb watchdog (action reset) booting the lab's second kernel, the one with the driver:
     * its /init feeds the watchdog, and stops after {@code hangAfterSeconds} as a hung OS would.
     */
    public DomainSpec watchdogGuest(String uuid, String name, int hangAfterSeconds) {
        DomainSpec plain = guest(uuid, name, 1, 192);
        return plain.withDirectBoot(Optional.of(new DomainSpec.DirectBoot(shared().resolve("vmlinuz-watchdog").toString(),
                        shared().resolve("initrd.img").toString(), "console=ttyS0 quiet paddock.hang=" + hangAfterSeconds)))
                .withWatchdog(Optional.of(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET)));
    }

    /** The guest's heartbeat counter as last written to sector 0 of its disk; empty before the first beat. */
    public OptionalLong heartbeat(DomainSpec guest) {
        return heartbeat(Path.of(guest.disks().getFirst().path()));
    }

    /** The heartbeat counter a lab guest last wrote to sector 0 of this qcow2 disk; empty before the first beat. */
    public OptionalLong heartbeat(Path qcow2) {
        return heartbeat(qcow2.toString());
    }

    /** As above, for a qcow2 image named by a path or a URL qemu-io opens ({@code nfs://server/export/file}). */
    public OptionalLong heartbeat(String disk) {
        Result read = run(List.of("qemu-io", "-U", "-r", "-f", "qcow2", "-c", "read -v 0 32", disk), Map.of(),
                Duration.ofSeconds(10));
        if (read.exitCode() != 0) {
            throw new IllegalStateException("qemu-io on " + disk + ": " + read.stderr());
        }
        var bytes = new StringBuilder();
        for (String line : read.stdout().split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("000000") && colon > 0) {
                String hex = line.substring(colon + 1, Math.min(line.length(), colon + 1 + 50)).replace(" ", "");
                bytes.append(new String(HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII));
            }
        }
        Matcher matcher = HEARTBEAT.matcher(bytes);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    /** Cuts host n's network from inside its namespace (never the bridge side, which would leak packets). */
    public void cutNetwork(int n) {
        ip("-n", "h" + n, "link", "set", "eth0", "down");
    }

    public void restoreNetwork(int n) {
        ip("-n", "h" + n, "link", "set", "eth0", "up");
    }

    /**
     * How Paddock fences host n: Debian's fence_ipmilan against its BMC, as for a rack server. {@code power_wait}
     * is fence_ipmilan's pause between the power command and the status check that confirms it (default 2 s); the
     * lab's BMC acts before it answers, so no pause is needed. {@code power_timeout} bounds the wait for a BMC
     * that does not answer (default 20 s).
     */
    public FenceDevice fenceDevice(int n) {
        return fenceDevice(n, BMC_PASSWORD);
    }

    /** Host n's fence device with another password: the BMC refuses it, and every fence action fails. */
    public FenceDevice fenceDevice(int n, String password) {
        return new FenceDevice("fence_ipmilan", Map.of("ip", host(n).bmc(), "username", BMC_USER,
                "password", password, "lanplus", "1", "power_wait", "0", "power_timeout", "5"));
    }

    /** Presses host n's power button off through its BMC: the host dies at once, with everything it runs. */
    public void powerOff(int n) {
        power(n, "off");
    }

    /** Powers host n on through its BMC: its daemons start over an empty run/, as after a reboot. */
    public void powerOn(int n) {
        power(n, "on");
    }

    public Power power(int n) {
        Matcher matcher = POWER_STATUS.matcher(power(n, "status"));
        if (!matcher.find()) {
            throw new IllegalStateException("h" + n + "'s BMC answered no power state");
        }
        return matcher.group(1).equals("on") ? Power.ON : Power.OFF;
    }

    private String power(int n, String action) {
        Result result = run(List.of("ipmitool", "-I", "lanplus", "-H", host(n).bmc(), "-U", BMC_USER,
                "-P", BMC_PASSWORD, "-R", "2", "-N", "2", "chassis", "power", action), Map.of(), Duration.ofSeconds(30));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("power " + action + " of h" + n + " through its BMC " + host(n).bmc()
                    + ": " + result.stderr().strip());
        }
        return result.stdout();
    }

    private static void ip(String... arguments) {
        var command = new ArrayList<String>();
        command.add("ip");
        command.addAll(List.of(arguments));
        Result result = run(command, Map.of(), Duration.ofSeconds(10));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + result.stderr());
        }
    }

    @Override
    public void close() {
        Result down = run(script, directory, Duration.ofMinutes(1), "down");
        release(turn);
        if (down.exitCode() != 0) {
            throw new IllegalStateException("lab down failed: " + down.stderr());
        }
    }

    // ---- processes ------------------------------------------------------------------------------

    private record Result(int exitCode, String stdout, String stderr) {}

    private static Result run(Path script, Path directory, Duration timeout, String... arguments) {
        var command = new ArrayList<String>();
        command.add(script.toString());
        command.addAll(List.of(arguments));
        return run(command, Map.of("PADDOCK_LAB_DIR", directory.toString()), timeout);
    }

    private static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        try {
            Path out = Files.createTempFile("paddock-lab", ".out");
            Path err = Files.createTempFile("paddock-lab", ".err");
            try {
                var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, Files.readString(out), "timed out after " + timeout + ": " + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted running " + command);
        }
    }

    /** lab/lab.sh, found by walking up from the working directory (the module's, under Maven). */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("lab").resolve("lab.sh");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("lab/lab.sh not found above " + Path.of("").toAbsolutePath());
    }
}

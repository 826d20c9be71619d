package dev.paddock.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Libvirt as the witness that no disk is ever open by two running domains: a thread asks every lab host, every
 * ~200 ms for as long as it runs, for its running domains and their disk sources, and records each moment two
 * running domains (on any hosts) use the same disk file.
 *
 * <p>It talks to each libvirtd over its UNIX socket (the host's {@code run/libvirt-sock} seen from the root
 * namespace), not over the network: a host whose network is cut still answers the witness, which is the point
 * when it keeps running. A host whose libvirtd does not answer (powered off) runs no domain; that the host really
 * runs no QEMU then is checked separately ({@link LabPaddock#qemuProcesses}).
 */
final class DiskWitness implements AutoCloseable {

    /** Two or more running domains on one disk, at one moment. */
    record Conflict(Instant at, String disk, List<String> domains) {}

    private static final Pattern SOURCE = Pattern.compile("<source file='([^']+)'");
    private static final Duration PERIOD = Duration.ofMillis(200);

    private final Map<String, Path> sockets;
    private final Map<String, Connect> connections = new HashMap<>();
    private final List<Conflict> conflicts = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> everRunning = new ConcurrentHashMap<>();
    private volatile Map<String, List<String>> runningNow = Map.of();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long polls;

    /** @param sockets each host's libvirtd socket by host name */
    private DiskWitness(Map<String, Path> sockets) {
        this.sockets = Map.copyOf(sockets);
        this.thread = Thread.ofPlatform().name("disk-witness").daemon().start(this::watch);
    }

    static DiskWitness over(Path labDirectory, int hosts) {
        Map<String, Path> sockets = new HashMap<>();
        for (int n = 1; n <= hosts; n++) {
            sockets.put("h" + n, labDirectory.resolve("hosts").resolve("h" + n).resolve("run").resolve("libvirt-sock"));
        }
        return new DiskWitness(sockets);
    }

    List<Conflict> conflicts() {
        return List.copyOf(conflicts);
    }

    long polls() {
        return polls;
    }

    /** The hosts running a domain of that name at the last poll. */
    List<String> runningOn(String domain) {
        return runningNow.getOrDefault(domain, List.of());
    }

    /** Every host a domain of that name was ever seen running on while the witness watched. */
    Set<String> everRanOn(String domain) {
        return Set.copyOf(everRunning.getOrDefault(domain, Set.of()));
    }

    /** Waits until the witness has polled every host at least twice more (so what it says is fresh). */
    void awaitFreshPolls() {
        long target = polls + 2;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (polls < target && System.nanoTime() < deadline) {
            LabPaddock.pause(50);
        }
    }

    private void watch() {
        while (running) {
            long started = System.nanoTime();
            Map<String, List<String>> users = new HashMap<>();
            Map<String, List<String>> running = new HashMap<>();
            for (Map.Entry<String, Path> host : sockets.entrySet()) {
                runningDisks(host.getKey(), host.getValue()).forEach((domain, disks) -> {
                    running.computeIfAbsent(domain, d -> new ArrayList<>()).add(host.getKey());
                    everRunning.computeIfAbsent(domain, d -> ConcurrentHashMap.newKeySet()).add(host.getKey());
                    disks.forEach(disk ->
                            users.computeIfAbsent(disk, d -> new ArrayList<>()).add(host.getKey() + "/" + domain));
                });
            }
            runningNow = Map.copyOf(running);
            Instant now = Instant.now();
            users.forEach((disk, domains) -> {
                if (domains.size() > 1) {
                    conflicts.add(new Conflict(now, disk, List.copyOf(domains)));
                }
            });
            polls++;
            long left = PERIOD.toNanos() - (System.nanoTime() - started);
            if (left > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        connections.values().forEach(DiskWitness::close);
    }

    /** The disk files of each running domain of the host; none when its libvirtd does not answer. */
    private Map<String, List<String>> runningDisks(String host, Path socket) {
        Map<String, List<String>> disks = new HashMap<>();
        try {
            Connect connect = connections.get(host);
            if (connect == null) {
                if (!Files.exists(socket)) {
                    return disks;
                }
                connect = new Connect("qemu+unix:///system?socket=" + socket, true);
                connections.put(host, connect);
            }
            for (int id : connect.listDomains()) {
                Domain domain = connect.domainLookupByID(id);
                try {
                    List<String> sources = new ArrayList<>();
                    Matcher matcher = SOURCE.matcher(domain.getXMLDesc(0));
                    while (matcher.find()) {
                        sources.add(matcher.group(1));
                    }
                    disks.put(domain.getName(), sources);
                } finally {
                    domain.free();
                }
            }
        } catch (LibvirtException e) {
            // a host going down, or a domain gone between the list and the lookup: asked again next poll
            Connect broken = connections.remove(host);
            if (broken != null) {
                close(broken);
            }
        }
        return disks;
    }

    private static void close(Connect connect) {
        try {
            connect.close();
        } catch (LibvirtException ignored) {
            // the host is gone already
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

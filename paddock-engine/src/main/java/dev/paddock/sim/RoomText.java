package dev.paddock.sim;

import dev.paddock.model.BootDevice;
import dev.paddock.model.Firmware;
import dev.paddock.model.Maxima;
import dev.paddock.hypervisor.DomainSpec.DirectBoot;
import dev.paddock.hypervisor.DomainSpec.DiskSpec;
import dev.paddock.hypervisor.DomainSpec.NicSpec;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.model.HostCpu;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The whole simulated room as text, the form in which it is saved: {@link SimulatedHypervisor#saveTo} hands it to
 * the caller after every change and {@link SimulatedHypervisor#restore} builds the room again from it. Where the
 * text goes is the caller's business (the server keeps it in a file replaced atomically, so that it survives a
 * {@code kill -9}); the simulator itself does no I/O.
 *
 * <p>One record a line, fields separated by a space, each field percent-encoded (so no field holds a space or a
 * line break); lists inside a field are encoded once more. Connections (attachments) and event listeners are
 * not state: a restarted manager attaches again.
 * <pre>
 * paddock-sim 1
 * random &lt;generator state&gt;
 * host &lt;hostname&gt; &lt;cpu&gt; &lt;memory&gt; &lt;disk&gt; &lt;network&gt; &lt;powered on&gt; &lt;isolated&gt;
 * cpu &lt;hostname&gt; &lt;vendor&gt; &lt;model&gt; &lt;features, comma-separated&gt;   (only for a CPU other than the default)
 * network &lt;hostname&gt; &lt;name&gt; &lt;uuid&gt; &lt;forward mode&gt; &lt;bridge&gt; &lt;active&gt;
 * domain &lt;hostname&gt; &lt;state&gt; &lt;stops at&gt; &lt;uuid&gt; &lt;name&gt; &lt;vcpus&gt; &lt;memory&gt; &lt;disks&gt; &lt;nics&gt; &lt;direct boot&gt;
 *     &lt;watchdog&gt; &lt;firmware&gt; &lt;boot order&gt; &lt;os on disk&gt; &lt;most vcpus&gt; &lt;most memory&gt;
 * effects &lt;uuid&gt; &lt;defined&gt; &lt;started&gt; &lt;stopped&gt; &lt;destroyed&gt; &lt;undefined&gt; &lt;migrated&gt;
 * slow &lt;call kind&gt; &lt;millis&gt;
 * failing &lt;call kind&gt; &lt;count&gt;
 * lost &lt;disk path prefix&gt;
 * storage &lt;pool type&gt; &lt;hosts&gt; &lt;path&gt; &lt;capacity bytes&gt;
 * pool &lt;hostname&gt; &lt;name&gt; &lt;pool type&gt; &lt;hosts&gt; &lt;path&gt; &lt;initiator&gt; &lt;target path&gt;
 * volume &lt;storage key&gt; &lt;name&gt; &lt;bytes&gt; &lt;format&gt; &lt;capacity&gt; &lt;linked clone of&gt;
 * </pre>
 */
final class RoomText {

    private static final String HEADER = "paddock-sim 1";

    /** What the text holds; hosts carry their domains. */
    record RoomState(
            long randomState,
            List<SimHost> hosts,
            Map<String, Effects> effects,
            Map<CallKind, Duration> slowCalls,
            Map<CallKind, Integer> failingCalls,
            Set<String> lostStorage,
            SimStorage storage) {}

    private RoomText() {}

    static String write(RoomState state) {
        StringBuilder text = new StringBuilder(64 + state.hosts().size() * 256);
        text.append(HEADER).append('\n');
        line(text, "random", Long.toString(state.randomState()));
        for (SimHost host : state.hosts()) {
            Resources c = host.capacity;
            line(text, "host", host.hostname, num(c.cpuMillicores()), num(c.memoryMib()), num(c.diskGib()),
                    num(c.networkMbps()), Boolean.toString(host.poweredOn), Boolean.toString(host.isolated));
            if (!host.cpu.equals(SimHost.DEFAULT_CPU)) {
                line(text, "cpu", host.hostname, host.cpu.vendor(), host.cpu.model(),
                        String.join(",", host.cpu.sortedFeatures()));
            }
        }
        for (SimHost host : state.hosts()) {
            for (HostNetwork n : host.networks.values()) {
                line(text, "network", host.hostname, n.name(), n.uuid(), n.forwardMode(), n.bridge(),
                        Boolean.toString(n.active()), n.virtualPort(),
                        n.vlan().isPresent() ? Integer.toString(n.vlan().getAsInt()) : "");
            }
        }
        for (SimHost host : state.hosts()) {
            for (SimDomain domain : host.domains.values()) {
                text.append("domain ").append(encode(host.hostname)).append(' ').append(domain.state.name())
                        .append(' ').append(encode(optional(domain.stopsAt.map(Instant::toString)))).append(' ')
                        .append(domain.encodedSpec(RoomText::specFields)).append('\n');
            }
        }
        state.effects().forEach((uuid, e) -> line(text, "effects", uuid, num(e.defined()), num(e.started()),
                num(e.stopped()), num(e.destroyed()), num(e.undefined()), num(e.migrated())));
        state.slowCalls().forEach((kind, d) -> line(text, "slow", kind.name(), num(d.toMillis())));
        state.failingCalls().forEach((kind, n) -> line(text, "failing", kind.name(), num(n)));
        state.lostStorage().forEach(prefix -> line(text, "lost", prefix));
        writeStorage(text, state.storage());
        return text.toString();
    }

    private static void writeStorage(StringBuilder text, SimStorage storage) {
        storage.servers().values().forEach(server -> line(text, "storage", server.type().name(),
                hosts(server.source()), server.source().path(), num(server.capacityBytes())));
        storage.poolSpecs().forEach((hostname, specs) -> specs.forEach(spec -> line(text, "pool", hostname,
                spec.name(), spec.type().name(), hosts(spec.source()), spec.source().path(),
                optional(spec.source().initiatorIqn()), spec.targetPath())));
        storage.volumesByStorage().forEach((key, held) -> held.forEach((name, volume) -> line(text, "volume", key, name,
                num(volume.bytes()), volume.format(), num(volume.capacity()), optional(volume.backing()))));
    }

    private static String hosts(PoolSource source) {
        return list(source.hosts().stream().map(List::of).toList());
    }

    /** @param source names the text in error messages (the file it was read from) */
    static RoomState read(String text, String source) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(source + " is not a simulated room state file (no '" + HEADER + "' line)");
        }
        long random = 0;
        Map<String, SimHost> hosts = new LinkedHashMap<>();
        Map<String, Effects> effects = new LinkedHashMap<>();
        Map<CallKind, Duration> slow = new EnumMap<>(CallKind.class);
        Map<CallKind, Integer> failing = new EnumMap<>(CallKind.class);
        Set<String> lost = new LinkedHashSet<>();
        SimStorage storage = new SimStorage();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = fields(lines.get(i));
            try {
                switch (f[0]) {
                    case "random" -> random = Long.parseLong(f[1]);
                    case "host" -> {
                        SimHost host = new SimHost(f[1], Resources.of(Long.parseLong(f[2]),
                                Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])));
                        host.poweredOn = Boolean.parseBoolean(f[6]);
                        host.isolated = Boolean.parseBoolean(f[7]);
                        hosts.put(host.hostname, host);
                    }
                    case "cpu" -> {
                        SimHost host = hosts.get(f[1]);
                        if (host == null) {
                            throw new IllegalArgumentException("cpu of unknown host " + f[1]);
                        }
                        Set<String> features = f[4].isEmpty() ? Set.of() : Set.of(f[4].split(","));
                        SimHost withCpu = new SimHost(host.hostname, host.capacity, new HostCpu(f[2], f[3], features));
                        withCpu.poweredOn = host.poweredOn;
                        withCpu.isolated = host.isolated;
                        hosts.put(host.hostname, withCpu);
                    }
                    case "network" -> {
                        SimHost host = hosts.get(f[1]);
                        if (host == null) {
                            throw new IllegalArgumentException("network on unknown host " + f[1]);
                        }
                        // the switch and the VLAN came later: a state written before has neither
                        String virtualPort = f.length > 7 ? f[7] : "";
                        OptionalInt vlan = f.length > 8 && !f[8].isEmpty() ? OptionalInt.of(Integer.parseInt(f[8]))
                                : OptionalInt.empty();
                        host.networks.put(f[2], new HostNetwork(f[2], f[3], f[4], f[5], Boolean.parseBoolean(f[6]),
                                virtualPort, vlan));
                    }
                    case "domain" -> readDomain(f, hosts);
                    case "effects" -> effects.put(f[1], new Effects(Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                            Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]),
                            Integer.parseInt(f[7])));
                    case "slow" -> slow.put(CallKind.valueOf(f[1]), Duration.ofMillis(Long.parseLong(f[2])));
                    case "failing" -> failing.put(CallKind.valueOf(f[1]), Integer.parseInt(f[2]));
                    case "lost" -> lost.add(f[1]);
                    case "storage" -> storage.addServer(PoolType.valueOf(f[1]), source(f[2], f[3], "0"),
                            Long.parseLong(f[4]));
                    case "pool" -> {
                        SimHost host = hosts.get(f[1]);
                        if (host == null) {
                            throw new IllegalArgumentException("pool on unknown host " + f[1]);
                        }
                        storage.restorePool(host, new PoolSpec(f[2], PoolType.valueOf(f[3]), source(f[4], f[5], f[6]),
                                f[7]));
                    }
                    case "volume" -> storage.restoreVolume(f[1], f[2], f.length > 6
                            ? new SimStorage.Volume(Long.parseLong(f[3]), f[4], Long.parseLong(f[5]),
                                    readOptional(f[6]), Optional.empty())
                            : new SimStorage.Volume(Long.parseLong(f[3]), f[4]));
                    default -> throw new IllegalArgumentException("unknown record '" + f[0] + "'");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " is damaged: " + e.getMessage(), e);
            }
        }
        return new RoomState(random, new ArrayList<>(hosts.values()), effects, slow, failing, lost, storage);
    }

    private static void readDomain(String[] f, Map<String, SimHost> hosts) {
        SimHost host = hosts.get(f[1]);
        if (host == null) {
            throw new IllegalArgumentException("domain on unknown host " + f[1]);
        }
        DomainSpec spec = new DomainSpec(f[4], f[5], Integer.parseInt(f[6]), Long.parseLong(f[7]),
                readDisks(f[8]), readNics(f[9]), readDirectBoot(f[10]),
                f.length > 11 ? readWatchdog(f[11]) : Optional.empty(),
                f.length > 12 ? Firmware.valueOf(f[12]) : Firmware.BIOS,
                f.length > 13 ? readList(f[13]).stream().map(p -> BootDevice.valueOf(p.get(0))).toList()
                        : List.of(), f.length > 14 && f[14].equals("os"),
                new Maxima(f.length > 15 ? readOptional(f[15]).map(Integer::valueOf) : Optional.empty(),
                        f.length > 16 ? readOptional(f[16]).map(Long::valueOf) : Optional.empty()));
        SimDomain domain = new SimDomain(spec, VmState.valueOf(f[2]));
        domain.stopsAt = readOptional(f[3]).map(Instant::parse);
        host.domains.put(spec.uuid(), domain);
    }

    // Writing -------------------------------------------------------------------------------------------

    private static String specFields(DomainSpec s) {
        StringBuilder fields = new StringBuilder(128);
        for (String field : List.of(s.uuid(), s.name(), num(s.vcpus()), num(s.memoryMib()), disks(s.disks()),
                nics(s.nics()), directBoot(s.directBoot()), watchdog(s.watchdog()), s.firmware().name(),
                list(s.boot().stream().map(device -> List.of(device.name())).toList()), s.osOnDisk() ? "os" : "-",
                optional(s.maxima().vcpus().map(String::valueOf)),
                optional(s.maxima().memoryMib().map(String::valueOf)))) {
            fields.append(fields.isEmpty() ? "" : " ").append(encode(field));
        }
        return fields.toString();
    }

    private static void line(StringBuilder text, String kind, String... fields) {
        text.append(kind);
        for (String field : fields) {
            text.append(' ').append(encode(field));
        }
        text.append('\n');
    }

    private static String num(long value) {
        return Long.toString(value);
    }

    private static String optional(Optional<String> value) {
        return value.map(v -> "1" + v).orElse("0");
    }

    private static String list(List<List<String>> items) {
        List<String> encoded = new ArrayList<>(items.size());
        for (List<String> item : items) {
            encoded.add(String.join(":", item.stream().map(RoomText::encode).toList()));
        }
        return String.join(",", encoded);
    }

    private static String disks(List<DiskSpec> disks) {
        return list(disks.stream().map(d -> List.of(d.target(), d.path(), d.format(), num(d.sizeGib()),
                optional(d.pool()), d.readOnly() ? "ro" : "rw",
                optional(d.remote().map(r -> r.protocol() + "/" + r.host() + "/" + r.port())))).toList());
    }

    private static String nics(List<NicSpec> nics) {
        return list(nics.stream()
                .map(n -> List.of(n.mac(), n.network(), optional(n.vlan().map(String::valueOf)), n.source().name(),
                        Long.toString(n.bandwidth().inboundKBps()), Long.toString(n.bandwidth().outboundKBps())))
                .toList());
    }

    private static String directBoot(Optional<DirectBoot> boot) {
        return list(boot.map(b -> List.of(List.of(b.kernel(), b.initrd(), b.cmdline()))).orElse(List.of()));
    }

    private static String watchdog(Optional<Watchdog> watchdog) {
        return list(watchdog.map(w -> List.of(List.of(w.model().name(), w.action().name()))).orElse(List.of()));
    }

    // Reading -------------------------------------------------------------------------------------------

    private static String[] fields(String line) {
        String[] raw = line.split(" ", -1);
        String[] decoded = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            decoded[i] = URLDecoder.decode(raw[i], StandardCharsets.UTF_8);
        }
        return decoded;
    }

    private static Optional<String> readOptional(String field) {
        return field.startsWith("1") ? Optional.of(field.substring(1)) : Optional.empty();
    }

    private static List<List<String>> readList(String field) {
        if (field.isEmpty()) {
            return List.of();
        }
        List<List<String>> items = new ArrayList<>();
        for (String item : field.split(",", -1)) {
            List<String> parts = new ArrayList<>();
            for (String part : item.split(":", -1)) {
                parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
            items.add(parts);
        }
        return items;
    }

    private static List<DiskSpec> readDisks(String field) {
        return readList(field).stream()
                // A room saved before volumes and network disks has four fields: a file disk.
                .map(p -> p.size() <= 4 ? new DiskSpec(p.get(0), p.get(1), p.get(2), Long.parseLong(p.get(3)))
                        : new DiskSpec(p.get(0), p.get(1), p.get(2), Long.parseLong(p.get(3)), readOptional(p.get(4)),
                                p.get(5).equals("ro"), readOptional(p.get(6)).map(RoomText::readRemote)))
                .toList();
    }

    private static DomainSpec.Remote readRemote(String text) {
        String[] parts = text.split("/", 3);
        return new DomainSpec.Remote(parts[0], parts[1], Integer.parseInt(parts[2]));
    }

    private static List<NicSpec> readNics(String field) {
        return readList(field).stream()
                // A room saved before NICs joined libvirt networks has three fields: a bridge NIC; before traffic
                // limits, four.
                .map(p -> new NicSpec(p.get(0), p.get(1), readOptional(p.get(2)).map(Integer::valueOf),
                        p.size() > 3 ? DomainSpec.Source.valueOf(p.get(3)) : DomainSpec.Source.BRIDGE,
                        p.size() > 5 ? new DomainSpec.Bandwidth(Long.parseLong(p.get(4)), Long.parseLong(p.get(5)))
                                : DomainSpec.Bandwidth.NONE))
                .toList();
    }

    private static Optional<Watchdog> readWatchdog(String field) {
        return readList(field).stream().findFirst()
                .map(p -> new Watchdog(Watchdog.Model.valueOf(p.get(0)), Watchdog.Action.valueOf(p.get(1))));
    }

    private static PoolSource source(String hosts, String path, String initiator) {
        return new PoolSource(readList(hosts).stream().map(List::getFirst).toList(), path, readOptional(initiator));
    }

    private static Optional<DirectBoot> readDirectBoot(String field) {
        return readList(field).stream().findFirst().map(p -> new DirectBoot(p.get(0), p.get(1), p.get(2)));
    }

    /**
     * Percent-encodes the few characters that would break a line or a list ({@code % + space , :} and control
     * characters) and nothing else, so that most fields are written as they are; {@link URLDecoder} reads it.
     */
    static String encode(String value) {
        int i = 0;
        while (i < value.length() && !escaped(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder encoded = new StringBuilder(value.length() + 16).append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (escaped(c)) {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                encoded.append(c);
            }
        }
        return encoded.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean escaped(char c) {
        return c < 0x20 || c == 0x7F || c == '%' || c == '+' || c == ' ' || c == ',' || c == ':';
    }
}

package dev.paddock.storage;

import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.model.Datastore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Decides which datastores the hosts' storage pools make, and how the recorded ones change. Pure.
 *
 * <p>The rules:
 * <ol>
 *   <li>pools in one site with the same {@link #sourceOf source} are one datastore; its hosts are those where the
 *       pool is started, its sizes those libvirt reports for a started one;</li>
 *   <li>only the hosts that answered change a datastore: a host that did not answer keeps its place in it, as the
 *       inventory keeps its VMs;</li>
 *   <li>a source no datastore records yet makes a new one, named after its pool (a suffix when the name is taken in
 *       the site), with an id derived from its site and source, so that two discoveries make the same one;</li>
 *   <li>a recorded datastore whose pools are all gone stays, with no hosts and no capacity: it is removed by a
 *       person, not by a host that lost a definition; datastores declared by hand are never touched.</li>
 * </ol>
 */
public final class DatastoreDiscovery {

    private DatastoreDiscovery() {}

    /** What one host answered: its site and every pool it defines. */
    public record HostPools(String hostId, String siteId, List<PoolFacts> pools) {
        public HostPools {
            pools = List.copyOf(pools);
        }
    }

    /**
     * What names a pool's storage in its site: its {@link dev.paddock.hypervisor.PoolSource#storageKey}, except that a
     * directory (or a pool of a type Paddock does not make) is its host's own unless {@code sharedDirectories} holds
     * its source.
     */
    public static String sourceOf(String hostId, PoolFacts pool, Set<String> sharedDirectories) {
        String key = pool.source().storageKey(pool.type(), pool.targetPath());
        if (pool.type().networked() || (pool.type() == PoolType.DIR && sharedDirectories.contains(key))) {
            return key;
        }
        return "host:" + hostId + ":" + key;
    }

    /**
     * @param answered the hosts whose pools were listed now
     * @param recorded every datastore of the inventory
     * @return the datastores to write: new ones and those that changed
     */
    public static List<Datastore> discover(List<HostPools> answered, List<Datastore> recorded) {
        Map<String, Datastore> bySource = new LinkedHashMap<>();
        Map<String, Set<String>> namesBySite = new HashMap<>();
        Map<String, Set<String>> sharedDirectories = new HashMap<>();
        for (Datastore datastore : recorded) {
            namesBySite.computeIfAbsent(datastore.siteId(), s -> new HashSet<>()).add(datastore.name());
            if (datastore.backedByPools()) {
                bySource.put(datastore.siteId() + "\n" + datastore.source(), datastore);
                if (datastore.shared() && datastore.source().startsWith("dir:")) {
                    sharedDirectories.computeIfAbsent(datastore.siteId(), s -> new HashSet<>()).add(datastore.source());
                }
            }
        }
        Map<String, List<Seen>> seenBySource = new LinkedHashMap<>();
        Set<String> answeredIds = new HashSet<>();
        for (HostPools host : answered) {
            answeredIds.add(host.hostId());
            Set<String> shared = sharedDirectories.getOrDefault(host.siteId(), Set.of());
            for (PoolFacts pool : host.pools()) {
                String source = sourceOf(host.hostId(), pool, shared);
                seenBySource.computeIfAbsent(host.siteId() + "\n" + source, k -> new ArrayList<>())
                        .add(new Seen(host.hostId(), host.siteId(), source, pool));
            }
        }
        List<Datastore> writes = new ArrayList<>();
        for (Map.Entry<String, Datastore> entry : bySource.entrySet()) {
            Datastore before = entry.getValue();
            Datastore after = updated(before, seenBySource.getOrDefault(entry.getKey(), List.of()), answeredIds);
            if (!after.equals(before)) {
                writes.add(after);
            }
        }
        for (Map.Entry<String, List<Seen>> entry : seenBySource.entrySet()) {
            if (!bySource.containsKey(entry.getKey())) {
                Set<String> taken = namesBySite.computeIfAbsent(entry.getValue().getFirst().siteId(),
                        s -> new HashSet<>());
                Datastore made = made(entry.getValue(), taken);
                taken.add(made.name());
                writes.add(made);
            }
        }
        return writes;
    }

    private record Seen(String hostId, String siteId, String source, PoolFacts pool) {}

    private static Datastore updated(Datastore before, List<Seen> seen, Set<String> answered) {
        Set<String> hosts = new HashSet<>(before.hostIds());
        Map<String, String> pools = new HashMap<>(before.pools());
        hosts.removeAll(answered);
        pools.keySet().removeAll(answered);
        boolean othersActive = !hosts.isEmpty();
        for (Seen s : seen) {
            pools.put(s.hostId(), s.pool().name());
            if (s.pool().active()) {
                hosts.add(s.hostId());
            }
        }
        Optional<PoolFacts> sized = active(seen);
        long capacity = sized.map(PoolFacts::capacityBytes).orElse(othersActive ? before.capacityBytes() : 0);
        long free = sized.map(PoolFacts::availableBytes).orElse(othersActive ? before.freeBytes() : 0);
        return Datastore.ofPools(before.id(), before.siteId(), before.name(), before.shared(), hosts, before.type(),
                before.source(), capacity, Math.min(free, capacity), pools);
    }

    private static Datastore made(List<Seen> seen, Set<String> taken) {
        List<Seen> ordered = seen.stream().sorted(Comparator.comparing(Seen::hostId)).toList();
        Seen first = ordered.getFirst();
        Set<String> hosts = new HashSet<>();
        Map<String, String> pools = new HashMap<>();
        for (Seen s : ordered) {
            pools.put(s.hostId(), s.pool().name());
            if (s.pool().active()) {
                hosts.add(s.hostId());
            }
        }
        PoolFacts sized = active(ordered).orElse(first.pool());
        long capacity = sized.active() ? sized.capacityBytes() : 0;
        long free = sized.active() ? Math.min(sized.availableBytes(), capacity) : 0;
        boolean shared = !first.source().startsWith("host:");
        return Datastore.ofPools(idOf(first.siteId(), first.source()), first.siteId(),
                freeName(first.pool().name(), taken), shared, hosts, first.pool().type().xmlName(), first.source(),
                capacity, free, pools);
    }

    private static Optional<PoolFacts> active(List<Seen> seen) {
        return seen.stream().map(Seen::pool).filter(PoolFacts::active).findFirst();
    }

    /** The id discovery gives the datastore of a source in a site: the same each time. */
    public static String idOf(String siteId, String source) {
        return UUID.nameUUIDFromBytes(("datastore:" + siteId + "\n" + source).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** {@code name}, or the first of "name-2", "name-3", ... that {@code taken} lacks: how two pools of one name in a site are told apart. */
    public static String freeName(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        for (int n = 2; ; n++) {
            String candidate = name + "-" + n;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }
}

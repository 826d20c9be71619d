package dev.paddock.monitoring;

import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sampling round: for each connected host of the room, one bulk read of its running domains' counters and one of
 * its own, turned into rates against the previous round's ({@link Rates}) and written to the {@link UsageBook}. A
 * host that does not answer is skipped (its usage goes stale, which thresholds read as no reading); domains Paddock
 * does not know are not recorded. Runs on one thread: the previous reads are its own.
 */
final class Sampler {

    private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

    private record Read<T>(T stats, Instant at) {}

    private final Hypervisor hypervisor;
    private final UsageBook book;
    private final Map<String, Read<DomainStats>> domains = new HashMap<>();
    private final Map<String, Read<HostStats>> hosts = new HashMap<>();

    Sampler(Hypervisor hypervisor, UsageBook book) {
        this.hypervisor = hypervisor;
        this.book = book;
    }

    void sample(Room room, Instant now) {
        Map<String, List<Vm>> placed = new HashMap<>();
        room.vms().forEach(vm -> vm.hostId().ifPresent(host -> placed.computeIfAbsent(host, h -> new ArrayList<>())
                .add(vm)));
        for (Host host : room.hosts()) {
            if (hypervisor.isConnected(host.id())) {
                sample(room, host, placed.getOrDefault(host.id(), List.of()), now);
            }
        }
        Set<String> known = new HashSet<>(room.hosts().size() + room.vms().size());
        room.hosts().forEach(host -> known.add(host.id()));
        room.vms().forEach(vm -> known.add(vm.id()));
        domains.keySet().retainAll(known);
        hosts.keySet().retainAll(known);
        book.keepOnly(known);
    }

    private void sample(Room room, Host host, List<Vm> placed, Instant now) {
        List<DomainStats> stats;
        HostStats own;
        try {
            stats = hypervisor.domainStats(host.id());
            own = hypervisor.hostStats(host.id());
        } catch (HypervisorException e) {
            LOG.debug("host {} not sampled: {}", host.name(), e.getMessage());
            return;
        }
        Set<String> running = new HashSet<>(stats.size() * 2);
        stats.forEach(domain -> running.add(domain.uuid()));
        for (Vm vm : placed) {
            if (!running.contains(vm.id())) {
                // the host answered without it: it does not run there now, whatever its last sample said
                domains.remove(vm.id());
                book.stopped(vm.id());
            }
        }
        double read = 0;
        double written = 0;
        double received = 0;
        double sent = 0;
        for (DomainStats domain : stats) {
            if (room.vm(domain.uuid()).isEmpty()) {
                continue;
            }
            Read<DomainStats> before = domains.put(domain.uuid(), new Read<>(domain, now));
            book.seen(domain.uuid(), domain, now);
            if (before == null) {
                continue;
            }
            var usage = Rates.of(before.stats(), before.at(), domain, now);
            if (usage.isPresent()) {
                book.add(domain.uuid(), usage.get());
                read += usage.get().diskReadRate();
                written += usage.get().diskWriteRate();
                received += usage.get().networkReceiveRate();
                sent += usage.get().networkTransmitRate();
            }
        }
        Read<HostStats> before = hosts.put(host.id(), new Read<>(own, now));
        if (before != null) {
            Usage guests = new Usage(now, 0, 0, 0, read, written, received, sent);
            Rates.of(before.stats(), own, now, guests).ifPresent(usage -> book.add(host.id(), usage));
        }
    }
}

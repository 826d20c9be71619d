package dev.paddock.monitoring;

import dev.paddock.hypervisor.DomainStats;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The latest samples on {@code /metrics}, labelled with {@code host}, {@code vm}, {@code cluster} and {@code site}
 * names: usage ratios and memory as gauges, a VM's disk and network bytes as counters (Prometheus takes their
 * {@code rate()}). Refreshed at each scrape from the {@link UsageBook} and the room: a VM deleted, or a host that
 * stopped answering, loses its series at once, and a VM that moved takes its counters to its new host's labels.
 */
public final class UsageMeters {

    private final UsageBook book;
    private final Duration freshness;
    private final Clock clock;
    private final MeterRegistry registry;
    private final MultiGauge hostCpu;
    private final MultiGauge hostMemoryUsed;
    private final MultiGauge hostMemory;
    private final MultiGauge vmCpu;
    private final MultiGauge vmMemoryUsed;
    private final MultiGauge vmMemory;
    private final MultiGauge datastoreFree;
    private final MultiGauge datastoreCapacity;
    /** Each VM's counters as registered, with the labels they were registered under. */
    private final Map<String, Registered> counters = new HashMap<>();

    private record Registered(Tags tags, List<Meter> meters) {}

    public UsageMeters(UsageBook book, Duration interval, Clock clock, MeterRegistry registry) {
        this.book = book;
        this.freshness = interval.multipliedBy(3);
        this.clock = clock;
        this.registry = registry;
        hostCpu = gauge("paddock.host.cpu.usage.ratio", "Share of the host's CPUs busy over the last sample", null);
        hostMemoryUsed = gauge("paddock.host.memory.used", "Memory in use on the host", "bytes");
        hostMemory = gauge("paddock.host.memory.total", "Memory the host has", "bytes");
        vmCpu = gauge("paddock.vm.cpu.usage.ratio", "Share of the VM's vCPUs busy over the last sample", null);
        vmMemoryUsed = gauge("paddock.vm.memory.used", "Memory the VM uses", "bytes");
        vmMemory = gauge("paddock.vm.memory.total", "Memory the VM has", "bytes");
        datastoreFree = gauge("paddock.datastore.free", "Space free on the datastore", "bytes");
        datastoreCapacity = gauge("paddock.datastore.capacity", "Size of the datastore", "bytes");
    }

    private MultiGauge gauge(String name, String description, String unit) {
        MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
        return (unit == null ? builder : builder.baseUnit(unit)).register(registry);
    }

    /** Brings every series in line with the room and the latest samples. */
    public synchronized void refresh(Room room) {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> hostCpuRows = new ArrayList<>();
        List<MultiGauge.Row<?>> hostUsedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> hostMemoryRows = new ArrayList<>();
        for (Host host : room.hosts()) {
            Optional<Usage> usage = book.fresh(host.id(), now, freshness);
            if (usage.isPresent()) {
                Tags tags = hostTags(room, host);
                hostCpuRows.add(MultiGauge.Row.of(tags, usage.get().cpu()));
                hostUsedRows.add(MultiGauge.Row.of(tags, usage.get().memoryUsedBytes()));
                hostMemoryRows.add(MultiGauge.Row.of(tags, usage.get().memoryBytes()));
            }
        }
        hostCpu.register(hostCpuRows, true);
        hostMemoryUsed.register(hostUsedRows, true);
        hostMemory.register(hostMemoryRows, true);
        refreshVms(room, now);
        List<MultiGauge.Row<?>> freeRows = new ArrayList<>();
        List<MultiGauge.Row<?>> capacityRows = new ArrayList<>();
        room.datastores().forEach(datastore -> {
            Tags tags = Tags.of("datastore", datastore.name(), "site", siteName(room, datastore.siteId()));
            freeRows.add(MultiGauge.Row.of(tags, datastore.freeBytes()));
            capacityRows.add(MultiGauge.Row.of(tags, datastore.capacityBytes()));
        });
        datastoreFree.register(freeRows, true);
        datastoreCapacity.register(capacityRows, true);
    }

    private void refreshVms(Room room, Instant now) {
        List<MultiGauge.Row<?>> cpuRows = new ArrayList<>();
        List<MultiGauge.Row<?>> usedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> memoryRows = new ArrayList<>();
        Map<String, Tags> current = new HashMap<>();
        for (Vm vm : room.vms()) {
            Optional<Usage> usage = book.fresh(vm.id(), now, freshness);
            if (usage.isEmpty() || vm.hostId().isEmpty()) {
                continue;
            }
            Tags tags = vmTags(room, vm);
            current.put(vm.id(), tags);
            cpuRows.add(MultiGauge.Row.of(tags, usage.get().cpu()));
            usedRows.add(MultiGauge.Row.of(tags, usage.get().memoryUsedBytes()));
            memoryRows.add(MultiGauge.Row.of(tags, usage.get().memoryBytes()));
        }
        vmCpu.register(cpuRows, true);
        vmMemoryUsed.register(usedRows, true);
        vmMemory.register(memoryRows, true);
        counters.entrySet().removeIf(entry -> {
            boolean stale = !entry.getValue().tags().equals(current.get(entry.getKey()));
            if (stale) {
                entry.getValue().meters().forEach(registry::remove);
            }
            return stale;
        });
        current.forEach((id, tags) -> counters.computeIfAbsent(id, key -> new Registered(tags, List.of(
                counter("paddock.vm.disk.read", "Bytes the VM read from its disks", id, tags,
                        DomainStats::diskReadBytes),
                counter("paddock.vm.disk.written", "Bytes the VM wrote to its disks", id, tags,
                        DomainStats::diskWriteBytes),
                counter("paddock.vm.network.receive", "Bytes the VM received", id, tags,
                        DomainStats::networkReceiveBytes),
                counter("paddock.vm.network.transmit", "Bytes the VM sent", id, tags,
                        DomainStats::networkTransmitBytes)))));
    }

    private Meter counter(String name, String description, String vmId, Tags tags, ToLongFunction<DomainStats> field) {
        return FunctionCounter.builder(name, book, usage -> usage.counters(vmId).map(field::applyAsLong).orElse(0L))
                .description(description).baseUnit("bytes").tags(tags).register(registry);
    }

    private static Tags hostTags(Room room, Host host) {
        Optional<Cluster> cluster = room.cluster(host.clusterId());
        return Tags.of("host", host.name(), "cluster", cluster.map(Cluster::name).orElse(""), "site",
                cluster.map(c -> siteName(room, c.siteId())).orElse(""));
    }

    private static Tags vmTags(Room room, Vm vm) {
        Optional<Cluster> cluster = room.cluster(vm.clusterId());
        return Tags.of("vm", vm.name(), "host", vm.hostId().flatMap(room::host).map(Host::name).orElse(""),
                "cluster", cluster.map(Cluster::name).orElse(""), "site",
                cluster.map(c -> siteName(room, c.siteId())).orElse(""));
    }

    private static String siteName(Room room, String siteId) {
        return room.site(siteId).map(Site::name).orElse("");
    }
}

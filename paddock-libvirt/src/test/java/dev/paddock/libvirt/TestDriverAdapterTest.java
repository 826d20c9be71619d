package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEvent;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEvent;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Quick checks of the adapter against libvirt's in-process test driver ({@code test:///default}): real libvirt
 * calls, no daemon, no guests. The lab tests cover what only a real host can show (migration, keepalive).
 */
class TestDriverAdapterTest {

    private static final String HOST = "t1";
    private static final String URI = "test:///default";

    private LibvirtHypervisor hypervisor;
    private final BlockingQueue<HypervisorEvent> events = new LinkedBlockingQueue<>();
    private final List<String> created = new ArrayList<>();

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LibvirtHypervisor.Settings.defaults().withDomainType(DomainType.TCG));
        hypervisor.subscribe(events::add);
        hypervisor.attach(HOST, URI);
    }

    @AfterEach
    void cleanUp() {
        try {
            for (String uuid : created) {
                if (hypervisor.domain(HOST, uuid).isPresent()) {
                    hypervisor.destroy(HOST, uuid);
                    hypervisor.undefine(HOST, uuid);
                }
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("attaching reads the host's facts from node info and capabilities")
    void facts() {
        HostFacts facts = hypervisor.facts(HOST);

        assertThat(facts.hostId()).isEqualTo(HOST);
        assertThat(facts.uri()).isEqualTo(URI);
        assertThat(facts.hypervisorType()).isEqualTo("TEST");
        assertThat(facts.cpus()).isPositive();
        assertThat(facts.capacity().cpuMillicores()).isEqualTo(facts.cpus() * 1000L);
        assertThat(facts.capacity().memoryMib()).isPositive();
        assertThat(facts.capacity().diskGib()).as("the test driver's default-pool, 100 GiB").isEqualTo(100);
        // The test driver's capabilities carry no host UUID; the lab's hosts do (the contract test checks it).
        assertThat(facts.numaNodes()).isPositive();
        assertThat(hypervisor.isConnected(HOST)).isTrue();
    }

    @Test
    @DisplayName("domains not created by Paddock are listed too (the test driver's own 'test' domain)")
    void foreignDomainsAreListed() {
        assertThat(hypervisor.domains(HOST)).extracting(d -> d.name()).contains("test");
    }

    @Test
    @DisplayName("define, start, destroy and undefine act on the host and are told as events")
    void lifecycle() throws InterruptedException {
        DomainSpec spec = spec();

        assertThat(hypervisor.define(HOST, spec).state()).isEqualTo(VmState.STOPPED);
        hypervisor.start(HOST, spec.uuid());
        assertThat(hypervisor.domain(HOST, spec.uuid()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
        hypervisor.suspend(HOST, spec.uuid());
        assertThat(hypervisor.domain(HOST, spec.uuid()).orElseThrow().state()).isEqualTo(VmState.PAUSED);
        hypervisor.resume(HOST, spec.uuid());
        hypervisor.destroy(HOST, spec.uuid());
        hypervisor.undefine(HOST, spec.uuid());
        assertThat(hypervisor.domain(HOST, spec.uuid())).isEmpty();

        assertThat(eventsOf(spec.uuid(), 6)).containsExactly(DomainEventKind.DEFINED, DomainEventKind.STARTED,
                DomainEventKind.SUSPENDED, DomainEventKind.RESUMED, DomainEventKind.STOPPED, DomainEventKind.UNDEFINED);
    }

    @Test
    @DisplayName("undefining a running domain is refused: it must be stopped first")
    void undefineRunning() {
        DomainSpec spec = spec();
        hypervisor.define(HOST, spec);
        hypervisor.start(HOST, spec.uuid());

        assertThatThrownBy(() -> hypervisor.undefine(HOST, spec.uuid()))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.INVALID_STATE);
    }

    @Test
    @DisplayName("a spec libvirt cannot take is refused as INVALID_ARGUMENT, with the reason")
    void badSpec() {
        DomainSpec bad = DomainSpec.of(UUID.randomUUID().toString(), "bad-" + shortId(), 1, 64)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/x.vmdk", "vmdk", 1)));

        assertThatThrownBy(() -> hypervisor.define(HOST, bad))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("qcow2 or raw")
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    }

    @Test
    @DisplayName("a malformed UUID is the caller's error, not the host's")
    void malformedUuid() {
        assertThatThrownBy(() -> hypervisor.start(HOST, "not-a-uuid"))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason())
                .isIn(Reason.INVALID_ARGUMENT, Reason.NOT_FOUND);
    }

    @Test
    @DisplayName("a refused connection is UNREACHABLE and leaves no host behind")
    void refused() {
        assertThatThrownBy(() -> hypervisor.attach("nowhere", "qemu+tcp://127.0.0.1:1/system"))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(hypervisor.isConnected("nowhere")).isFalse();
    }

    @Test
    @DisplayName("a detached host is no longer connected, and calls on it fail NOT_FOUND")
    void detach() {
        hypervisor.detach(HOST);

        assertThat(hypervisor.isConnected(HOST)).isFalse();
        assertThatThrownBy(() -> hypervisor.domains(HOST))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    @DisplayName("attaching the same host id to another URI is refused")
    void sameIdOtherUri() {
        assertThatThrownBy(() -> hypervisor.attach(HOST, "test:///other"))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.ALREADY_EXISTS);
    }

    private DomainSpec spec() {
        String uuid = UUID.randomUUID().toString();
        created.add(uuid);
        return DomainSpec.of(uuid, "paddock-" + shortId(), 1, 64);
    }

    private List<DomainEventKind> eventsOf(String uuid, int count) throws InterruptedException {
        var kinds = new ArrayList<DomainEventKind>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (kinds.size() < count && System.nanoTime() < deadline) {
            HypervisorEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event instanceof DomainEvent domainEvent && domainEvent.uuid().equals(uuid)) {
                kinds.add(domainEvent.kind());
            }
        }
        return kinds;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @DisplayName("pools: the driver's own pool is listed with its sizes; one defined twice is one pool, undefined once")
    void pools() {
        assertThat(hypervisor.pools(HOST)).anySatisfy(pool -> {
            assertThat(pool.name()).isEqualTo("default-pool");
            assertThat(pool.type()).isEqualTo(PoolType.DIR);
            assertThat(pool.capacityBytes()).isPositive();
        });
        var spec = new PoolSpec("paddock-" + UUID.randomUUID().toString().substring(0, 8),
                PoolType.DIR, PoolSource.NONE, "/paddock-test-pool");
        try {
            var made = hypervisor.definePool(HOST, spec);
            var again = hypervisor.definePool(HOST, spec);

            assertThat(made.active()).isTrue();
            assertThat(again.uuid()).isEqualTo(made.uuid());
            assertThat(hypervisor.volumes(HOST, spec.name())).isEmpty();
            assertThatThrownBy(() -> hypervisor.definePool(HOST, new PoolSpec(spec.name(),
                    PoolType.DIR, PoolSource.NONE, "/elsewhere")))
                    .isInstanceOf(HypervisorException.class).hasMessageContaining("over other storage");
        } finally {
            hypervisor.undefinePool(HOST, spec.name());
            hypervisor.undefinePool(HOST, spec.name());
        }
        assertThat(hypervisor.pools(HOST)).extracting(p -> p.name()).doesNotContain(spec.name());
    }

    @Test
    @DisplayName("a storage pool and a network defined and undefined are told as events, a pool refresh too")
    void poolAndNetworkEvents() throws InterruptedException {
        String name = "paddock-" + UUID.randomUUID().toString().substring(0, 8);
        var pool = new PoolSpec(name, PoolType.DIR, PoolSource.NONE, "/paddock-test-pool");
        try {
            hypervisor.definePool(HOST, pool);
            hypervisor.volumes(HOST, name); // refreshes the pool
            hypervisor.defineNetwork(HOST, NetworkSpec.isolated(name));
        } finally {
            hypervisor.undefinePool(HOST, name);
            hypervisor.undefineNetwork(HOST, name);
        }

        List<HypervisorEvent> told = poolAndNetworkEventsOf(name);
        assertThat(told).filteredOn(PoolEvent.class::isInstance).extracting(event -> ((PoolEvent) event).kind())
                .containsSubsequence(PoolEventKind.DEFINED, PoolEventKind.STARTED, PoolEventKind.REFRESHED,
                        PoolEventKind.STOPPED, PoolEventKind.UNDEFINED);
        assertThat(told).filteredOn(NetworkEvent.class::isInstance)
                .extracting(event -> ((NetworkEvent) event).kind())
                .containsSubsequence(NetworkEventKind.DEFINED, NetworkEventKind.STARTED, NetworkEventKind.STOPPED,
                        NetworkEventKind.UNDEFINED);
        assertThat(told).allSatisfy(event -> assertThat(event.hostId()).isEqualTo(HOST));
    }

    /** The pool and network events naming {@code name}, until both were undefined or two seconds passed. */
    private List<HypervisorEvent> poolAndNetworkEventsOf(String name) throws InterruptedException {
        List<HypervisorEvent> told = new ArrayList<>();
        int undefined = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (undefined < 2 && System.nanoTime() < deadline) {
            HypervisorEvent event = events.poll(50, TimeUnit.MILLISECONDS);
            if (event instanceof PoolEvent pool && pool.pool().equals(name)) {
                told.add(event);
                undefined += pool.kind() == PoolEventKind.UNDEFINED ? 1 : 0;
            } else if (event instanceof NetworkEvent network && network.network().equals(name)) {
                told.add(event);
                undefined += network.kind() == NetworkEventKind.UNDEFINED ? 1 : 0;
            }
        }
        return told;
    }

    @Test
    void theHostsRunningDomainsAreReadInOneBulkCallAndTheHostsCpuTimesAndMemoryBesideThem() {
        String running = hypervisor.domains(HOST).stream().filter(d -> d.state() == dev.paddock.model.VmState.RUNNING)
                .findFirst().orElseThrow().uuid();

        assertThat(hypervisor.domainStats(HOST)).extracting(dev.paddock.hypervisor.DomainStats::uuid)
                .contains(running);
        dev.paddock.hypervisor.HostStats host = hypervisor.hostStats(HOST);
        assertThat(host.cpuBusyNanos()).isPositive();
        assertThat(host.cpuTotalNanos()).isGreaterThan(host.cpuBusyNanos());
        assertThat(host.memoryTotalBytes()).isGreaterThan(host.memoryFreeBytes()).isPositive();
        assertThat(host.cpus()).isEqualTo(hypervisor.facts(HOST).cpus());
    }
}

package dev.paddock.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Hypervisor} must do, whatever is behind it. Each implementation's test extends this class
 * and supplies a hypervisor, the hosts it reaches and domain specifications those hosts can run.
 *
 * <p>Tests are independent and clean up after themselves (unique names and UUIDs, domains destroyed and
 * undefined at the end), so they can run on a shared lab. Events are awaited with a deadline, never slept for.
 */
public abstract class HypervisorContract {

    /** A host the implementation can reach: Paddock's id for it and its connection URI. */
    public record HostEndpoint(String id, String uri) {}

    /** A new hypervisor, not yet attached to any host. */
    protected abstract Hypervisor createHypervisor();

    /** At least two distinct hosts that are up; a domain migrates from the first to the second. */
    protected abstract List<HostEndpoint> hosts();

    /** A URI at which no host answers. */
    protected abstract String unknownHostUri();

    /** A domain every host of {@link #hosts()} can define and start (real disks, for a real hypervisor). */
    protected abstract DomainSpec domainSpec(String uuid, String name, int vcpus, long memoryMib);

    /** How long to wait for an event before failing. */
    protected Duration eventTimeout() {
        return Duration.ofSeconds(30);
    }

    protected Hypervisor hypervisor;
    protected HostEndpoint first;
    protected HostEndpoint second;
    private final BlockingQueue<HypervisorEvent> events = new LinkedBlockingQueue<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private Hypervisor.Subscription subscription;

    @BeforeEach
    void attachTwoHosts() {
        List<HostEndpoint> endpoints = hosts();
        assertThat(endpoints).as("the contract needs two hosts").hasSizeGreaterThanOrEqualTo(2);
        first = endpoints.get(0);
        second = endpoints.get(1);
        hypervisor = createHypervisor();
        subscription = hypervisor.subscribe(events::add);
        hypervisor.attach(first.id(), first.uri());
        hypervisor.attach(second.id(), second.uri());
    }

    @AfterEach
    void removeWhatTheTestCreated() {
        try {
            for (String uuid : created) {
                for (HostEndpoint host : List.of(first, second)) {
                    removeQuietly(host.id(), uuid);
                }
            }
        } finally {
            subscription.close();
            hypervisor.close();
        }
    }

    /**
     * A directory the first host can make a {@code dir} storage pool in (created by the pool's build, left behind
     * by its undefine): an implementation on real hosts names one that goes away with them.
     */
    protected String poolDirectory(String name) {
        return "/var/tmp/paddock-contract-pools/" + name;
    }

    @Test
    @DisplayName("a dir pool is defined started, defined again unchanged, holds a volume, and is undefined twice")
    void dirPool() {
        String name = "contract-" + shortId();
        PoolSpec spec = new PoolSpec(name, PoolType.DIR, PoolSource.NONE, poolDirectory(name));
        try {
            PoolFacts made = hypervisor.definePool(first.id(), spec);
            PoolFacts again = hypervisor.definePool(first.id(), spec);
            VolumeFacts volume = hypervisor.createVolume(first.id(), name, "disk.raw", 16, "raw");

            assertThat(made.active()).isTrue();
            assertThat(made.type()).isEqualTo(PoolType.DIR);
            assertThat(made.targetPath()).isEqualTo(spec.targetPath());
            assertThat(made.capacityBytes()).isPositive();
            assertThat(again.uuid()).isEqualTo(made.uuid());
            assertThat(volume.capacityBytes()).isEqualTo(16L << 20);
            assertThat(volume.format()).isEqualTo("raw");
            assertThat(volume.path()).isEqualTo(spec.targetPath() + "/disk.raw");
            assertThat(hypervisor.pools(first.id())).filteredOn(pool -> pool.name().equals(name)).singleElement()
                    .satisfies(pool -> assertThat(pool.availableBytes()).isLessThan(pool.capacityBytes()));
            assertThat(hypervisor.volumes(first.id(), name)).extracting(VolumeFacts::name).containsExactly("disk.raw");
            assertFailsWith(HypervisorException.Reason.ALREADY_EXISTS, () -> hypervisor.definePool(first.id(),
                    new PoolSpec(name, PoolType.DIR, PoolSource.NONE, spec.targetPath() + "-other")));

            hypervisor.deleteVolume(first.id(), name, "disk.raw");
            hypervisor.deleteVolume(first.id(), name, "disk.raw");
            assertThat(hypervisor.volumes(first.id(), name)).isEmpty();
        } finally {
            hypervisor.undefinePool(first.id(), name);
        }
        hypervisor.undefinePool(first.id(), name);
        assertThat(hypervisor.pools(first.id())).extracting(PoolFacts::name).doesNotContain(name);
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.volumes(first.id(), name));
    }

    @Test
    @DisplayName("attaching a host returns its facts, and the host stays connected")
    void attachingReturnsFacts() {
        HostFacts attached = hypervisor.attach(first.id(), first.uri());

        assertThat(attached.hostId()).isEqualTo(first.id());
        assertThat(attached.cpus()).isPositive();
        assertThat(attached.capacity().memoryMib()).isPositive();
        assertThat(attached.hostUuid()).isNotBlank();
        assertThat(hypervisor.isConnected(first.id())).isTrue();
        assertThat(hypervisor.facts(first.id()).hostUuid()).isEqualTo(attached.hostUuid());
    }

    @Test
    @DisplayName("attaching a URI no host answers at fails UNREACHABLE")
    void unknownUriIsUnreachable() {
        assertFailsWith(HypervisorException.Reason.UNREACHABLE,
                () -> hypervisor.attach("contract-nowhere-" + shortId(), unknownHostUri()));
    }

    @Test
    @DisplayName("calls on a host that was never attached fail NOT_FOUND")
    void unattachedHostIsNotFound() {
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.domains("contract-never-" + shortId()));
    }

    @Test
    @DisplayName("a defined domain is listed, stopped, with its definition")
    void definedDomainIsListedStopped() {
        DomainSpec spec = newSpec(1, 128);

        DomainInfo defined = hypervisor.define(first.id(), spec);

        assertThat(defined.uuid()).isEqualTo(spec.uuid());
        assertThat(defined.state()).isEqualTo(VmState.STOPPED);
        assertThat(hypervisor.domains(first.id()))
                .filteredOn(d -> d.uuid().equals(spec.uuid()))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.name()).isEqualTo(spec.name());
                    assertThat(d.state()).isEqualTo(VmState.STOPPED);
                    assertThat(d.vcpus()).isEqualTo(1);
                    assertThat(d.memoryMib()).isEqualTo(128);
                    assertThat(d.persistent()).isTrue();
                });
    }

    @Test
    @DisplayName("a defined domain's definition reads back as defined, its watchdog included; an unknown one is empty")
    void definitionReadsBack() {
        DomainSpec spec = newSpec(1, 128).withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.PAUSE));

        hypervisor.define(first.id(), spec);

        assertThat(hypervisor.definition(first.id(), spec.uuid())).hasValue(spec);
        assertThat(hypervisor.definition(first.id(), UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    @DisplayName("starting a domain runs it, and starting it again changes nothing")
    void startRunsAndRestartIsNoOp() {
        DomainSpec spec = defined(first);

        hypervisor.start(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.RUNNING);

        hypervisor.start(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("destroying a running domain stops it, and destroying it again changes nothing")
    void destroyStopsAndAgainIsNoOp() {
        DomainSpec spec = running(first);

        hypervisor.destroy(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.STOPPED);

        hypervisor.destroy(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.STOPPED);
    }

    @Test
    @DisplayName("undefining a stopped domain removes it, and undefining it again changes nothing")
    void undefineRemovesAndAgainIsNoOp() {
        DomainSpec spec = defined(first);

        hypervisor.undefine(first.id(), spec.uuid());
        assertThat(hypervisor.domain(first.id(), spec.uuid())).isEmpty();

        hypervisor.undefine(first.id(), spec.uuid());
        assertThat(hypervisor.domain(first.id(), spec.uuid())).isEmpty();
    }

    @Test
    @DisplayName("defining the same UUID again replaces the definition rather than adding a domain")
    void redefineReplaces() {
        DomainSpec spec = defined(first);
        DomainSpec larger = domainSpec(spec.uuid(), spec.name(), 1, 256);

        hypervisor.define(first.id(), larger);

        assertThat(hypervisor.domains(first.id()))
                .filteredOn(d -> d.uuid().equals(spec.uuid()))
                .singleElement()
                .satisfies(d -> assertThat(d.memoryMib()).isEqualTo(256));
    }

    @Test
    @DisplayName("a running domain pauses and resumes")
    void suspendAndResume() {
        DomainSpec spec = running(first);

        hypervisor.suspend(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.PAUSED);

        hypervisor.resume(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.RUNNING);
    }

    @Test
    @DisplayName("a quarantined domain is paused, and quarantining it again changes nothing")
    void quarantinePauses() {
        DomainSpec spec = running(first);

        hypervisor.quarantine(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.PAUSED);

        hypervisor.quarantine(first.id(), spec.uuid());
        assertThat(state(first, spec.uuid())).isEqualTo(VmState.PAUSED);
    }

    @Test
    @DisplayName("events tell of define, start, stop and undefine, in that order")
    void lifecycleEvents() {
        DomainSpec spec = defined(first);
        hypervisor.start(first.id(), spec.uuid());
        hypervisor.destroy(first.id(), spec.uuid());
        hypervisor.undefine(first.id(), spec.uuid());

        awaitInOrder(spec.uuid(),
                new Expected(first.id(), DomainEventKind.DEFINED),
                new Expected(first.id(), DomainEventKind.STARTED),
                new Expected(first.id(), DomainEventKind.STOPPED),
                new Expected(first.id(), DomainEventKind.UNDEFINED));
    }

    @Test
    @DisplayName("acting on a domain the host does not have fails NOT_FOUND; undefining it is a no-op")
    void unknownDomainIsNotFound() {
        String uuid = UUID.randomUUID().toString();
        String host = first.id();

        assertThat(hypervisor.domain(host, uuid)).isEmpty();
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.start(host, uuid));
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.shutdown(host, uuid));
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.destroy(host, uuid));
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.suspend(host, uuid));
        assertFailsWith(HypervisorException.Reason.NOT_FOUND, () -> hypervisor.resume(host, uuid));
        assertFailsWith(HypervisorException.Reason.NOT_FOUND,
                () -> hypervisor.migrate(uuid, host, second.id(), MigrationOptions.DEFAULTS, p -> {}));
        hypervisor.undefine(host, uuid);
    }

    @Test
    @DisplayName("a running domain migrates to the other host, which then runs it, and events say so")
    void migrationMovesRunningDomain() {
        DomainSpec spec = running(first);
        List<Double> progress = new CopyOnWriteArrayList<>();

        MigrationResult result = hypervisor.migrate(spec.uuid(), first.id(), second.id(), MigrationOptions.DEFAULTS,
                progress::add);

        assertThat(result.uuid()).isEqualTo(spec.uuid());
        assertThat(result.fromHostId()).isEqualTo(first.id());
        assertThat(result.toHostId()).isEqualTo(second.id());
        assertThat(result.elapsed()).isPositive();
        assertThat(result.downtime()).isLessThanOrEqualTo(result.elapsed());
        assertThat(progress).isNotEmpty().isSorted().allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
        assertThat(state(second, spec.uuid())).isEqualTo(VmState.RUNNING);
        assertThat(hypervisor.domain(first.id(), spec.uuid()).filter(d -> d.state() == VmState.RUNNING)).isEmpty();
        // libvirt tells of the destination's start before the source's stop; the simulator may not: any order.
        awaitAll(spec.uuid(), new Expected(first.id(), DomainEventKind.MIGRATED_OUT),
                new Expected(second.id(), DomainEventKind.MIGRATED_IN));
    }

    @Test
    @DisplayName("a domain larger than its host's memory does not start: INSUFFICIENT_RESOURCES")
    void domainLargerThanHostIsRefused() {
        long hostMemory = hypervisor.facts(first.id()).capacity().memoryMib();
        DomainSpec huge = newSpec(1, hostMemory * 2);
        created.add(huge.uuid());

        assertFailsWith(HypervisorException.Reason.INSUFFICIENT_RESOURCES, () -> {
            hypervisor.define(first.id(), huge);
            hypervisor.start(first.id(), huge.uuid());
        });
        assertThat(hypervisor.domain(first.id(), huge.uuid()).map(DomainInfo::state))
                .isNotEqualTo(Optional.of(VmState.RUNNING));
    }

    @Test
    @DisplayName("an isolated network is defined started with its own bridge, listed, defined again as a no-op, and removed")
    void isolatedNetworkLifecycle() {
        NetworkSpec spec = NetworkSpec.isolated("contract-" + shortId());
        try {
            HostNetwork defined = hypervisor.defineNetwork(first.id(), spec);

            assertThat(defined.active()).isTrue();
            assertThat(defined.forwardMode()).isEmpty();
            assertThat(defined.bridge()).isEqualTo(spec.bridge());
            assertThat(defined.uuid()).isNotBlank();
            assertThat(hypervisor.defineNetwork(first.id(), spec)).isEqualTo(defined);
            assertThat(hypervisor.networks(first.id())).contains(defined);
            assertThat(hypervisor.networks(second.id())).extracting(HostNetwork::name).doesNotContain(spec.name());
            assertThat(hypervisor.bridge(first.id(), spec.bridge())).hasValueSatisfying(
                    bridge -> assertThat(bridge.name()).isEqualTo(spec.bridge()));
            assertThat(hypervisor.bridges(first.id())).extracting(HostBridge::name).contains(spec.bridge());
            assertThat(hypervisor.bridge(second.id(), spec.bridge())).isEmpty();
        } finally {
            hypervisor.undefineNetwork(first.id(), spec.name());
        }
        assertThat(hypervisor.networks(first.id())).extracting(HostNetwork::name).doesNotContain(spec.name());
        hypervisor.undefineNetwork(first.id(), spec.name());
    }

    @Test
    @DisplayName("a network is refused over a bridge the host lacks, and a name the host holds as another network")
    void networkRefusals() {
        String name = "contract-" + shortId();
        assertFailsWith(HypervisorException.Reason.INVALID_ARGUMENT,
                () -> hypervisor.defineNetwork(first.id(), NetworkSpec.overBridge(name, "nobr" + shortId().substring(0, 4))));
        assertThat(hypervisor.networks(first.id())).extracting(HostNetwork::name).doesNotContain(name);
        try {
            hypervisor.defineNetwork(first.id(), NetworkSpec.isolated(name));
            assertFailsWith(HypervisorException.Reason.ALREADY_EXISTS,
                    () -> hypervisor.defineNetwork(first.id(), NetworkSpec.overBridge(name, "br0")));
        } finally {
            hypervisor.undefineNetwork(first.id(), name);
        }
    }

    @Test
    @DisplayName("the host's bridges are listed by name")
    void bridgesAreListed() {
        assertThat(hypervisor.bridges(first.id())).allSatisfy(bridge -> assertThat(bridge.name()).isNotBlank());
    }

    // Helpers ---------------------------------------------------------------------------------------

    /** A domain spec with a fresh UUID and a name unique to this run, remembered for clean-up. */
    protected DomainSpec newSpec(int vcpus, long memoryMib) {
        String uuid = UUID.randomUUID().toString();
        created.add(uuid);
        return domainSpec(uuid, "contract-" + shortId(), vcpus, memoryMib);
    }

    private DomainSpec defined(HostEndpoint host) {
        DomainSpec spec = newSpec(1, 128);
        hypervisor.define(host.id(), spec);
        return spec;
    }

    private DomainSpec running(HostEndpoint host) {
        DomainSpec spec = defined(host);
        hypervisor.start(host.id(), spec.uuid());
        return spec;
    }

    private VmState state(HostEndpoint host, String uuid) {
        return hypervisor.domain(host.id(), uuid)
                .map(DomainInfo::state)
                .orElseThrow(() -> new AssertionError("domain " + uuid + " is not on host " + host.id()));
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertFailsWith(HypervisorException.Reason reason, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(HypervisorException.class)
                .satisfies(e -> assertThat(((HypervisorException) e).reason()).as(e.getMessage()).isEqualTo(reason))
                .satisfies(e -> assertThat(e.getMessage()).as("a user-readable message").isNotBlank());
    }

    private void removeQuietly(String hostId, String uuid) {
        try {
            if (hypervisor.domain(hostId, uuid).isPresent()) {
                hypervisor.destroy(hostId, uuid);
                hypervisor.undefine(hostId, uuid);
            }
        } catch (HypervisorException e) {
            // Clean-up is best effort: the test already said what went wrong.
        }
    }

    private record Expected(String hostId, DomainEventKind kind) {
        boolean matches(DomainEvent event) {
            return event.hostId().equals(hostId) && event.kind() == kind;
        }
    }

    /** Waits until the events of domain {@code uuid} include every expected one, in any order. */
    private void awaitAll(String uuid, Expected... expected) {
        List<Expected> missing = new ArrayList<>(List.of(expected));
        List<DomainEvent> seen = new ArrayList<>();
        List<HypervisorEvent> others = new ArrayList<>();
        long deadline = System.nanoTime() + eventTimeout().toNanos();
        try {
            while (!missing.isEmpty()) {
                long left = deadline - System.nanoTime();
                HypervisorEvent event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                if (event == null) {
                    fail("waited " + eventTimeout() + " for " + missing + " of domain " + uuid + "; its events so far: " + seen);
                }
                if (event instanceof DomainEvent domainEvent && domainEvent.uuid().equals(uuid)) {
                    seen.add(domainEvent);
                    missing.removeIf(e -> e.matches(domainEvent));
                } else {
                    others.add(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for events");
        } finally {
            events.addAll(others);
        }
    }

    /**
     * Waits until the events of domain {@code uuid} include the expected ones in that order (others may come
     * between). Events of other domains are set aside for later waits.
     */
    private void awaitInOrder(String uuid, Expected... expected) {
        List<DomainEvent> seen = new ArrayList<>();
        List<HypervisorEvent> others = new ArrayList<>();
        long deadline = System.nanoTime() + eventTimeout().toNanos();
        int next = 0;
        try {
            while (next < expected.length) {
                long left = deadline - System.nanoTime();
                HypervisorEvent event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                if (event == null) {
                    fail("waited " + eventTimeout() + " for " + List.of(expected).subList(next, expected.length)
                            + " of domain " + uuid + "; its events so far: " + seen);
                }
                if (event instanceof DomainEvent domainEvent && domainEvent.uuid().equals(uuid)) {
                    seen.add(domainEvent);
                    if (expected[next].matches(domainEvent)) {
                        next++;
                    }
                } else {
                    others.add(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for events");
        } finally {
            events.addAll(others);
        }
    }
}

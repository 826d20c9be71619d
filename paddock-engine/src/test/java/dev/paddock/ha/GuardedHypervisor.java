package dev.paddock.ha;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.NetworkSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The port as the HA loop sees it, with a check run before every start: where the simulation watches restarts. */
final class GuardedHypervisor implements Hypervisor {

    private final Hypervisor delegate;
    private final BiConsumer<String, String> beforeStart;

    GuardedHypervisor(Hypervisor delegate, BiConsumer<String, String> beforeStart) {
        this.delegate = delegate;
        this.beforeStart = beforeStart;
    }

    @Override
    public void start(String hostId, String uuid) {
        beforeStart.accept(hostId, uuid);
        delegate.start(hostId, uuid);
    }

    @Override
    public HostFacts attach(String hostId, String uri) {
        return delegate.attach(hostId, uri);
    }

    @Override
    public void detach(String hostId) {
        delegate.detach(hostId);
    }

    @Override
    public boolean isConnected(String hostId) {
        return delegate.isConnected(hostId);
    }

    @Override
    public HostFacts facts(String hostId) {
        return delegate.facts(hostId);
    }

    @Override
    public List<DomainStats> domainStats(String hostId) {
        return delegate.domainStats(hostId);
    }

    @Override
    public HostStats hostStats(String hostId) {
        return delegate.hostStats(hostId);
    }

    @Override
    public List<DomainInfo> domains(String hostId) {
        return delegate.domains(hostId);
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        return delegate.domain(hostId, uuid);
    }

    @Override
    public Optional<DomainSpec> definition(String hostId, String uuid) {
        return delegate.definition(hostId, uuid);
    }

    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        return delegate.define(hostId, spec);
    }

    @Override
    public void shutdown(String hostId, String uuid) {
        delegate.shutdown(hostId, uuid);
    }

    @Override
    public void destroy(String hostId, String uuid) {
        delegate.destroy(hostId, uuid);
    }

    @Override
    public void undefine(String hostId, String uuid) {
        delegate.undefine(hostId, uuid);
    }

    @Override
    public void suspend(String hostId, String uuid) {
        delegate.suspend(hostId, uuid);
    }

    @Override
    public void resume(String hostId, String uuid) {
        delegate.resume(hostId, uuid);
    }

    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        return delegate.migrate(uuid, fromHostId, toHostId, options, progress);
    }

    @Override
    public List<HostNetwork> networks(String hostId) {
        return delegate.networks(hostId);
    }

    @Override
    public List<HostBridge> bridges(String hostId) {
        return delegate.bridges(hostId);
    }

    @Override
    public Optional<HostBridge> bridge(String hostId, String name) {
        return delegate.bridge(hostId, name);
    }

    @Override
    public HostNetwork defineNetwork(String hostId, NetworkSpec spec) {
        return delegate.defineNetwork(hostId, spec);
    }

    @Override
    public void undefineNetwork(String hostId, String name) {
        delegate.undefineNetwork(hostId, name);
    }

    @Override
    public void abortMigration(String fromHostId, String uuid) {
        delegate.abortMigration(fromHostId, uuid);
    }

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public java.util.List<dev.paddock.hypervisor.PoolFacts> pools(String hostId) {
        return delegate.pools(hostId);
    }

    @Override
    public dev.paddock.hypervisor.PoolFacts definePool(String hostId, dev.paddock.hypervisor.PoolSpec spec) {
        return delegate.definePool(hostId, spec);
    }

    @Override
    public void undefinePool(String hostId, String name) {
        delegate.undefinePool(hostId, name);
    }

    @Override
    public java.util.List<dev.paddock.hypervisor.VolumeFacts> volumes(String hostId, String pool) {
        return delegate.volumes(hostId, pool);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib,
            String format) {
        return delegate.createVolume(hostId, pool, name, capacityMib, format);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts cloneVolume(String hostId, String pool, String name, String from,
            boolean linked, long capacityBytes, java.util.function.Consumer<Double> progress) {
        return delegate.cloneVolume(hostId, pool, name, from, linked, capacityBytes, progress);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts uploadVolume(String hostId, String pool, String name, long length,
            java.io.InputStream data) {
        return delegate.uploadVolume(hostId, pool, name, length, data);
    }

    @Override
    public void downloadVolume(String hostId, String pool, String name, java.io.OutputStream out) {
        delegate.downloadVolume(hostId, pool, name, out);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts importVolume(String hostId, String pool, String name, String path) {
        return delegate.importVolume(hostId, pool, name, path);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts resizeVolume(String hostId, String pool, String name,
            long capacityBytes) {
        return delegate.resizeVolume(hostId, pool, name, capacityBytes);
    }

    @Override
    public void attachNic(String hostId, String uuid, dev.paddock.hypervisor.DomainSpec.NicSpec nic) {
        delegate.attachNic(hostId, uuid, nic);
    }

    @Override
    public void detachNic(String hostId, String uuid, String mac) {
        delegate.detachNic(hostId, uuid, mac);
    }

    @Override
    public void attachDisk(String hostId, String uuid, dev.paddock.hypervisor.DomainSpec.DiskSpec disk) {
        delegate.attachDisk(hostId, uuid, disk);
    }

    @Override
    public void detachDisk(String hostId, String uuid, String target) {
        delegate.detachDisk(hostId, uuid, target);
    }

    @Override
    public void growDisk(String hostId, String uuid, String target, long capacityBytes) {
        delegate.growDisk(hostId, uuid, target, capacityBytes);
    }

    @Override
    public void setVcpus(String hostId, String uuid, int vcpus) {
        delegate.setVcpus(hostId, uuid, vcpus);
    }

    @Override
    public void setMemory(String hostId, String uuid, long memoryMib) {
        delegate.setMemory(hostId, uuid, memoryMib);
    }

    @Override
    public void deleteVolume(String hostId, String pool, String name) {
        delegate.deleteVolume(hostId, pool, name);
    }
}

package dev.paddock.inventory;

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
import java.util.function.Consumer;

/**
 * A real hypervisor (the simulated room) that runs something once right after a host's domains are listed: the
 * moment a concurrent operation would land between a controller's listing and its write.
 */
final class AfterListing implements Hypervisor {

    private final Hypervisor real;
    private Runnable once;

    AfterListing(Hypervisor real, Runnable once) {
        this.real = real;
        this.once = once;
    }

    @Override
    public List<DomainInfo> domains(String hostId) {
        List<DomainInfo> listed = real.domains(hostId);
        Runnable action = once;
        once = () -> { };
        action.run();
        return listed;
    }

    @Override
    public List<DomainStats> domainStats(String hostId) {
        return real.domainStats(hostId);
    }

    @Override
    public HostStats hostStats(String hostId) {
        return real.hostStats(hostId);
    }

    @Override
    public HostFacts attach(String hostId, String uri) {
        return real.attach(hostId, uri);
    }

    @Override
    public void detach(String hostId) {
        real.detach(hostId);
    }

    @Override
    public boolean isConnected(String hostId) {
        return real.isConnected(hostId);
    }

    @Override
    public HostFacts facts(String hostId) {
        return real.facts(hostId);
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        return real.domain(hostId, uuid);
    }

    @Override
    public Optional<DomainSpec> definition(String hostId, String uuid) {
        return real.definition(hostId, uuid);
    }

    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        return real.define(hostId, spec);
    }

    @Override
    public void start(String hostId, String uuid) {
        real.start(hostId, uuid);
    }

    @Override
    public void shutdown(String hostId, String uuid) {
        real.shutdown(hostId, uuid);
    }

    @Override
    public void destroy(String hostId, String uuid) {
        real.destroy(hostId, uuid);
    }

    @Override
    public void undefine(String hostId, String uuid) {
        real.undefine(hostId, uuid);
    }

    @Override
    public void suspend(String hostId, String uuid) {
        real.suspend(hostId, uuid);
    }

    @Override
    public void resume(String hostId, String uuid) {
        real.resume(hostId, uuid);
    }

    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        return real.migrate(uuid, fromHostId, toHostId, options, progress);
    }

    @Override
    public List<HostNetwork> networks(String hostId) {
        return real.networks(hostId);
    }

    @Override
    public List<HostBridge> bridges(String hostId) {
        return real.bridges(hostId);
    }

    @Override
    public Optional<HostBridge> bridge(String hostId, String name) {
        return real.bridge(hostId, name);
    }

    @Override
    public HostNetwork defineNetwork(String hostId, NetworkSpec spec) {
        return real.defineNetwork(hostId, spec);
    }

    @Override
    public void undefineNetwork(String hostId, String name) {
        real.undefineNetwork(hostId, name);
    }

    @Override
    public void abortMigration(String fromHostId, String uuid) {
        real.abortMigration(fromHostId, uuid);
    }

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        return real.subscribe(listener);
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public java.util.List<dev.paddock.hypervisor.PoolFacts> pools(String hostId) {
        return real.pools(hostId);
    }

    @Override
    public dev.paddock.hypervisor.PoolFacts definePool(String hostId, dev.paddock.hypervisor.PoolSpec spec) {
        return real.definePool(hostId, spec);
    }

    @Override
    public void undefinePool(String hostId, String name) {
        real.undefinePool(hostId, name);
    }

    @Override
    public java.util.List<dev.paddock.hypervisor.VolumeFacts> volumes(String hostId, String pool) {
        return real.volumes(hostId, pool);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib,
            String format) {
        return real.createVolume(hostId, pool, name, capacityMib, format);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts cloneVolume(String hostId, String pool, String name, String from,
            boolean linked, long capacityBytes, java.util.function.Consumer<Double> progress) {
        return real.cloneVolume(hostId, pool, name, from, linked, capacityBytes, progress);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts uploadVolume(String hostId, String pool, String name, long length,
            java.io.InputStream data) {
        return real.uploadVolume(hostId, pool, name, length, data);
    }

    @Override
    public void downloadVolume(String hostId, String pool, String name, java.io.OutputStream out) {
        real.downloadVolume(hostId, pool, name, out);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts importVolume(String hostId, String pool, String name, String path) {
        return real.importVolume(hostId, pool, name, path);
    }

    @Override
    public dev.paddock.hypervisor.VolumeFacts resizeVolume(String hostId, String pool, String name,
            long capacityBytes) {
        return real.resizeVolume(hostId, pool, name, capacityBytes);
    }

    @Override
    public void attachNic(String hostId, String uuid, dev.paddock.hypervisor.DomainSpec.NicSpec nic) {
        real.attachNic(hostId, uuid, nic);
    }

    @Override
    public void detachNic(String hostId, String uuid, String mac) {
        real.detachNic(hostId, uuid, mac);
    }

    @Override
    public void attachDisk(String hostId, String uuid, dev.paddock.hypervisor.DomainSpec.DiskSpec disk) {
        real.attachDisk(hostId, uuid, disk);
    }

    @Override
    public void detachDisk(String hostId, String uuid, String target) {
        real.detachDisk(hostId, uuid, target);
    }

    @Override
    public void growDisk(String hostId, String uuid, String target, long capacityBytes) {
        real.growDisk(hostId, uuid, target, capacityBytes);
    }

    @Override
    public void setVcpus(String hostId, String uuid, int vcpus) {
        real.setVcpus(hostId, uuid, vcpus);
    }

    @Override
    public void setMemory(String hostId, String uuid, long memoryMib) {
        real.setMemory(hostId, uuid, memoryMib);
    }

    @Override
    public void deleteVolume(String hostId, String pool, String name) {
        real.deleteVolume(hostId, pool, name);
    }
}

package dev.paddock.api;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A hypervisor whose every host is out of reach: what the API meets when a host URI leads nowhere. */
final class UnreachableHypervisor implements Hypervisor {

    private static HypervisorException unreachable(String what) {
        return new HypervisorException(HypervisorException.Reason.UNREACHABLE, "Cannot reach " + what + ".");
    }

    @Override
    public HostFacts attach(String hostId, String uri) {
        throw unreachable(uri);
    }

    @Override
    public void detach(String hostId) {}

    @Override
    public boolean isConnected(String hostId) {
        return false;
    }

    @Override
    public HostFacts facts(String hostId) {
        throw unreachable(hostId);
    }

    @Override
    public List<DomainInfo> domains(String hostId) {
        throw unreachable(hostId);
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        throw unreachable(hostId);
    }

    @Override
    public void start(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public void shutdown(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public void destroy(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public void undefine(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public void suspend(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public void resume(String hostId, String uuid) {
        throw unreachable(hostId);
    }

    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        throw unreachable(fromHostId);
    }

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        return () -> { };
    }

    @Override
    public void close() {}
}

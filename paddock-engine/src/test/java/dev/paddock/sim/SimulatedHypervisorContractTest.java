package dev.paddock.sim;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorContract;
import dev.paddock.model.Resources;
import java.util.List;
import java.util.Optional;

/**
 * The simulated room keeps the port's contract, so controllers cannot tell it from libvirt. It lives outside
 * the contract's package, as the libvirt module's contract test will.
 */
class SimulatedHypervisorContractTest extends HypervisorContract {

    @Override
    protected Hypervisor createHypervisor() {
        SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 42);
        for (String hostname : List.of("esx-par-01", "esx-par-02", "esx-par-03")) {
            sim.addHost(hostname, Resources.of(16_000, 65_536, 2_000, 10_000));
        }
        return sim;
    }

    @Override
    protected List<HostEndpoint> hosts() {
        return List.of(new HostEndpoint("h1", "sim://esx-par-01"), new HostEndpoint("h2", "sim://esx-par-02"),
                new HostEndpoint("h3", "sim://esx-par-03"));
    }

    @Override
    protected String unknownHostUri() {
        return "sim://no-such-host";
    }

    @Override
    protected DomainSpec domainSpec(String uuid, String name, int vcpus, long memoryMib) {
        return DomainSpec.of(uuid, name, vcpus, memoryMib)
                .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/var/lib/paddock/" + name + ".qcow2", "qcow2", 10)))
                .withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod", Optional.of(100))));
    }
}

package dev.paddock.libvirt;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorContract;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The port's contract, held by libvirt on the lab's real hosts with real QEMU guests. */
@Tag("lab")
class LibvirtHypervisorContractTest extends HypervisorContract {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @Override
    protected Hypervisor createHypervisor() {
        return new LibvirtHypervisor(LAB.lab().settings());
    }

    @Override
    protected List<HostEndpoint> hosts() {
        return LAB.lab().hosts().stream().map(host -> new HostEndpoint(host.id(), host.uri())).toList();
    }

    @Override
    protected String unknownHostUri() {
        // A lab address no host holds: refused inside the machine, never routed out.
        return "qemu+tcp://10.77.0.99/system";
    }

    /** Under the lab's shared directory, which goes with the lab. */
    @Override
    protected String poolDirectory(String name) {
        return LAB.lab().shared().resolve("pools").resolve(name).toString();
    }

    @Override
    protected DomainSpec domainSpec(String uuid, String name, int vcpus, long memoryMib) {
        return LAB.lab().guest(uuid, name, vcpus, memoryMib);
    }
}

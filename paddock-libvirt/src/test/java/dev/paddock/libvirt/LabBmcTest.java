package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.libvirt.fence.FenceAgentProcess;
import dev.paddock.model.PowerState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lab host's BMC, driven as Paddock drives a rack server's: Debian's fence_ipmilan through FenceAgentProcess (the
 * fence-agents stdin protocol). The BMC sits on the management network, so it answers while the host's own
 * network is cut; its power state is the host's truth.
 */
@Tag("lab")
class LabBmcTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();
    private static final int HOST = 3;

    private final FenceAgentProcess agent = new FenceAgentProcess(Duration.ofSeconds(30));

    @AfterEach
    void restore() {
        LAB.lab().restoreNetwork(HOST);
        if (LAB.lab().power(HOST) == Lab.Power.OFF) {
            LAB.lab().powerOn(HOST);
        }
    }

    @Test
    @DisplayName("fence_ipmilan reads the power of a host cut from its network, powers it off (its libvirtd gone)"
            + " and on again (libvirtd answers)")
    void fenceIpmilanAgainstTheLabBmc() throws Exception {
        FenceDevice device = LAB.lab().fenceDevice(HOST);
        LAB.lab().cutNetwork(HOST);

        assertThat(agent.run(device, FenceAction.STATUS)).isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.ON));
        assertThat(agent.powerOff(device).confirmsOff()).isTrue();
        assertThat(agent.run(device, FenceAction.STATUS)).isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.OFF));
        assertThat(LAB.lab().power(HOST)).isEqualTo(Lab.Power.OFF);

        LAB.lab().restoreNetwork(HOST);
        assertThat(agent.run(device, FenceAction.ON)).isInstanceOf(FenceOutcome.Done.class);

        assertThat(agent.run(device, FenceAction.STATUS)).isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.ON));
        try (LibvirtHypervisor hypervisor = new LibvirtHypervisor(LAB.lab().settings())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    hypervisor.attach("h" + HOST, LAB.lab().host(HOST).uri());
                    break;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("h" + HOST + "'s libvirtd did not answer within 60 s of power on", notYet);
                    }
                    Thread.sleep(250);
                }
            }
            assertThat(hypervisor.isConnected("h" + HOST)).isTrue();
        }
    }

    @Test
    @DisplayName("a wrong password is a failed fence, not a power state")
    void wrongPassword() {
        FenceOutcome outcome = agent.run(LAB.lab().fenceDevice(HOST, "not-the-password"), FenceAction.STATUS);

        assertThat(outcome).isInstanceOf(FenceOutcome.Failed.class);
        assertThat(outcome.confirmsOff()).isFalse();
        assertThat(outcome.toString()).doesNotContain("not-the-password");
    }
}

package dev.paddock.libvirt.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.model.PowerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner against a real agent of Debian's fence-agents package: {@code fence_dummy}, which keeps its power
 * state in a file, is built on the same fencing.py library as fence_ipmilan and fence_redfish. Skipped where the
 * package is not installed ({@code apt-get install fence-agents}).
 */
class DebianFenceAgentTest {

    private static final Path FENCE_DUMMY = Path.of("/usr/sbin/fence_dummy");

    @TempDir
    Path dir;

    /**
     * {@code ./paddock test} installs Debian's fence-agents and sets PADDOCK_FULL_TEST, so there the agent
     * must be present; a bare {@code mvn test} on a machine without the package skips, saying why.
     */
    private static void requireFenceAgents() {
        if (System.getenv("PADDOCK_FULL_TEST") != null) {
            assertThat(FENCE_DUMMY).as("fence-agents must be installed for the full test run").isExecutable();
        }
        assumeTrue(Files.isExecutable(FENCE_DUMMY), "fence-agents is not installed");
    }

    @Test
    void fenceDummyIsDrivenOffAndOnAndReportsItsPowerThroughTheProtocol() throws IOException {
        requireFenceAgents();
        Path state = dir.resolve("power");
        Files.writeString(state, "on");
        FenceDevice device = new FenceDevice(FENCE_DUMMY.toString(),
                Map.of("type", "file", "status_file", state.toString()));
        FenceAgent agent = new FenceAgentProcess(Duration.ofSeconds(30));

        assertThat(agent.run(device, FenceAction.STATUS))
                .isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.ON));
        FenceOutcome off = agent.run(device, FenceAction.OFF);
        assertThat(off).isEqualTo(new FenceOutcome.Done(FenceAction.OFF, "Success: Powered OFF"));
        assertThat(Files.readString(state)).isEqualTo("off");
        assertThat(agent.run(device, FenceAction.STATUS))
                .isEqualTo(new FenceOutcome.Power(FenceAction.STATUS, PowerState.OFF));
        assertThat(agent.run(device, FenceAction.ON)).isEqualTo(new FenceOutcome.Done(FenceAction.ON, "Success: Powered ON"));
        assertThat(agent.run(device, FenceAction.MONITOR)).isInstanceOf(FenceOutcome.Done.class);
    }

    @Test
    void fenceDummyWhosePowerStateMakesNoSenseFailsWithItsOwnMessage() throws IOException {
        requireFenceAgents();
        Path state = dir.resolve("power");
        Files.writeString(state, "jammed");
        FenceDevice device = new FenceDevice(FENCE_DUMMY.toString(),
                Map.of("type", "file", "status_file", state.toString()));

        FenceOutcome outcome = new FenceAgentProcess(Duration.ofSeconds(30)).run(device, FenceAction.OFF);

        assertThat(outcome).isInstanceOf(FenceOutcome.Failed.class);
        assertThat(((FenceOutcome.Failed) outcome).exitCode()).isEqualTo(1);
        assertThat(((FenceOutcome.Failed) outcome).error())
                .contains("Failed: Unable to obtain correct plug status or plug is not available");
        assertThat(outcome.confirmsOff()).isFalse();
    }
}

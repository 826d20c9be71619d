package dev.paddock.server.sim;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.sim.SimulatedFenceAgent;

/**
 * Fences simulated hosts through the simulated room's BMCs (devices whose agent is {@value SimulatedFenceAgent#AGENT})
 * and every other host through its fence-agents executable.
 */
public record RoutedFenceAgent(FenceAgent simulated, FenceAgent process) implements FenceAgent {

    @Override
    public FenceOutcome run(FenceDevice device, FenceAction action) {
        return device.agent().equals(SimulatedFenceAgent.AGENT)
                ? simulated.run(device, action)
                : process.run(device, action);
    }
}

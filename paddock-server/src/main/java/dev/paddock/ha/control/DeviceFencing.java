package dev.paddock.ha.control;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.operation.HostFencing;

/**
 * Fences a host through the fence device HA keeps for it: the effect of a {@code FenceHost} step. It asks the
 * device's status first, so a step run again after a crash, or a host that lost its power by itself, is not
 * powered off twice; otherwise it powers it off and confirms it off ({@link FenceAgent#powerOff}).
 */
public record DeviceFencing(HaSettings settings, FenceAgent agent) implements HostFencing {

    @Override
    public Fenced powerOff(String hostId) {
        FenceDevice device = settings.fenceDevice(hostId).orElseThrow(() -> new FenceFailed("host " + hostId
                + " has no fence device: configure one with PUT /api/v1/hosts/" + hostId + "/fence"));
        FenceOutcome status = agent.run(device, FenceAction.STATUS);
        if (status.confirmsOff()) {
            return new Fenced(true, "its device reports it off (" + status + ")");
        }
        FenceOutcome off = agent.powerOff(device);
        if (!off.confirmsOff()) {
            throw new FenceFailed(off.toString());
        }
        return new Fenced(false, "powered off and confirmed: " + off);
    }

    @Override
    public Fenced powerOn(String hostId) {
        FenceDevice device = settings.fenceDevice(hostId).orElseThrow(() -> new FenceFailed("host " + hostId
                + " has no fence device: configure one with PUT /api/v1/hosts/" + hostId + "/fence"));
        FenceOutcome status = agent.run(device, FenceAction.STATUS);
        if (status instanceof FenceOutcome.Power power && power.state() == dev.paddock.model.PowerState.ON) {
            return new Fenced(false, "its device reports it on (" + status + ")");
        }
        FenceOutcome on = agent.run(device, FenceAction.ON);
        FenceOutcome confirmed = agent.run(device, FenceAction.STATUS);
        if (!(confirmed instanceof FenceOutcome.Power power && power.state() == dev.paddock.model.PowerState.ON)) {
            throw new FenceFailed("power on: " + on + "; status: " + confirmed);
        }
        return new Fenced(false, "powered on and confirmed: " + on);
    }
}

package dev.paddock.ha;

/**
 * The port through which HA powers hosts off and asks their power state: a fence-agents executable in
 * production ({@code dev.paddock.libvirt.fence.FenceAgentProcess}, beside the libvirt adapter, since it runs a
 * process), the simulated room's BMCs in the simulation ({@code dev.paddock.sim.SimulatedFenceAgent}).
 *
 * <p>Implementations never throw for a device that fails: every failure is a {@link FenceOutcome}, because a
 * failed fence is an expected event that HA answers with an alarm and a retry, never with a restart.
 */
public interface FenceAgent {

    FenceOutcome run(FenceDevice device, FenceAction action);

    /**
     * Powers the host off and reads its power back: the outcome that decides whether the fence is confirmed.
     * Some agents ({@code fence_ipmilan} without {@code method=onoff}) report success before the power is really
     * off, so only a status that reads OFF after the off confirms the fence.
     */
    default FenceOutcome powerOff(FenceDevice device) {
        FenceOutcome off = run(device, FenceAction.OFF);
        return off.confirmsOff() ? run(device, FenceAction.STATUS) : off;
    }
}

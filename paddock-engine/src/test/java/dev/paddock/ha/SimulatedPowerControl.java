package dev.paddock.ha;

import dev.paddock.model.PowerState;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The BMCs of a simulated room behind the {@link FenceAgent} port: {@code off} really powers the sim host off (a
 * {@link Fault.HostCrash}: its guests die), {@code on} powers it on, {@code status} reads its power. The device's
 * {@code plug} option names the sim host. A BMC can be cut off (its network is partitioned) or made to fail its
 * next calls; both answer like a real agent that cannot log in.
 */
final class SimulatedPowerControl implements FenceAgent {

    private final SimulatedHypervisor sim;
    private final Set<String> unreachable = new HashSet<>();
    private int failuresToCome;
    /** Hosts whose power-off this controller confirmed since they were last powered on. */
    private final Set<String> confirmedOff = new HashSet<>();

    SimulatedPowerControl(SimulatedHypervisor sim) {
        this.sim = sim;
    }

    static FenceDevice deviceFor(String host) {
        return new FenceDevice("fence_sim", Map.of("plug", host, "username", "admin", "password", "calvin"));
    }

    void cut(String host) {
        unreachable.add(host);
    }

    void restore(String host) {
        unreachable.remove(host);
    }

    void failNext(int calls) {
        failuresToCome += calls;
    }

    /** True when an off of this host was confirmed and it has not been powered on since. */
    boolean confirmedOff(String host) {
        return confirmedOff.contains(host) && !poweredOn(host);
    }

    /** Called by the harness when a host is powered on by someone else (a crash healed). */
    void poweredOnElsewhere(String host) {
        confirmedOff.remove(host);
    }

    @Override
    public FenceOutcome run(FenceDevice device, FenceAction action) {
        String host = device.options().get("plug");
        if (unreachable.contains(host)) {
            return new FenceOutcome.Failed(action, 1, "Failed: Unable to connect/login to fencing device");
        }
        if (failuresToCome > 0) {
            failuresToCome--;
            return new FenceOutcome.Failed(action, 1, "Failed: Timed out waiting to power OFF");
        }
        return switch (action) {
            case OFF -> {
                sim.inject(new Fault.HostCrash(host));
                confirmedOff.add(host);
                yield new FenceOutcome.Done(action, "Success: Powered OFF");
            }
            case ON -> {
                sim.inject(new Fault.HostPowerOn(host));
                confirmedOff.remove(host);
                yield new FenceOutcome.Done(action, "Success: Powered ON");
            }
            case STATUS -> new FenceOutcome.Power(action, poweredOn(host) ? PowerState.ON : PowerState.OFF);
            case REBOOT, MONITOR, LIST -> new FenceOutcome.Failed(action, 1, "not simulated");
        };
    }

    private boolean poweredOn(String host) {
        return sim.hosts().stream().filter(h -> h.hostname().equals(host)).findFirst()
                .map(SimHostStatus::poweredOn).orElseThrow();
    }
}

package dev.paddock.sim;

import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
import dev.paddock.model.PowerState;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The BMCs of a simulated room behind the {@link FenceAgent} port: {@code off} really powers the sim host off (a
 * {@link Fault.HostCrash}: its guests die), {@code on} powers it on, {@code status} reads its power. The device's
 * {@code plug} option names the sim host. A BMC can be cut off (its network is partitioned) or made to fail its
 * next calls; both answer like a real agent that cannot log in.
 */
public final class SimulatedFenceAgent implements FenceAgent {

    /** The agent name a simulated host's fence device carries. */
    public static final String AGENT = "fence_sim";

    private final SimulatedHypervisor sim;
    private final Set<String> unreachable = new HashSet<>();
    private int failuresToCome;
    /** Hosts whose power-off this controller confirmed since they were last powered on. */
    private final Set<String> confirmedOff = new HashSet<>();

    public SimulatedFenceAgent(SimulatedHypervisor sim) {
        this.sim = sim;
    }

    /** The fence device of the sim host {@code hostname}. */
    public static FenceDevice deviceFor(String hostname) {
        return new FenceDevice(AGENT, Map.of("plug", hostname, "username", "admin", "password", "calvin"));
    }

    /** The BMC of {@code host} stops answering (its network is partitioned). */
    public synchronized void cut(String host) {
        unreachable.add(host);
    }

    public synchronized void restore(String host) {
        unreachable.remove(host);
    }

    /** The next {@code calls} calls fail, whatever they ask. */
    public synchronized void failNext(int calls) {
        failuresToCome += calls;
    }

    /** True when an off of this host was confirmed and it has not been powered on since. */
    public synchronized boolean confirmedOff(String host) {
        return confirmedOff.contains(host) && power(host).filter(on -> !on).isPresent();
    }

    /** Called by a harness when a host is powered on by someone else (a crash healed). */
    public synchronized void poweredOnElsewhere(String host) {
        confirmedOff.remove(host);
    }

    @Override
    public synchronized FenceOutcome run(FenceDevice device, FenceAction action) {
        String host = device.options().getOrDefault("plug", "");
        if (unreachable.contains(host)) {
            return new FenceOutcome.Failed(action, 1, "Failed: Unable to connect/login to fencing device");
        }
        if (failuresToCome > 0) {
            failuresToCome--;
            return new FenceOutcome.Failed(action, 1, "Failed: Timed out waiting to power OFF");
        }
        Optional<Boolean> on = power(host);
        if (on.isEmpty()) {
            return new FenceOutcome.Failed(action, 1, "Failed: no simulated host has plug '" + host + "'");
        }
        return switch (action) {
            case OFF -> {
                if (on.get()) {
                    sim.inject(new Fault.HostCrash(host));
                }
                confirmedOff.add(host);
                yield new FenceOutcome.Done(action, "Success: Powered OFF");
            }
            case ON -> {
                if (!on.get()) {
                    sim.inject(new Fault.HostPowerOn(host));
                }
                confirmedOff.remove(host);
                yield new FenceOutcome.Done(action, "Success: Powered ON");
            }
            case STATUS -> new FenceOutcome.Power(action, on.get() ? PowerState.ON : PowerState.OFF);
            case MONITOR -> new FenceOutcome.Done(action, "Success: device answers");
            case REBOOT, LIST -> new FenceOutcome.Failed(action, 1, "not simulated");
        };
    }

    private Optional<Boolean> power(String host) {
        return sim.hosts().stream().filter(h -> h.hostname().equals(host)).findFirst().map(SimHostStatus::poweredOn);
    }
}

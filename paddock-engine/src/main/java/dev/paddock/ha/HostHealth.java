package dev.paddock.ha;

/**
 * What HA believes of one host, and the only moves allowed between those beliefs.
 *
 * <p>The events are conclusions, not raw signals: {@link HealthAssessor} turns the two independent paths
 * (libvirt keepalive, and the out-of-band path: fence agent status and datastore heartbeat) and the detection
 * window into {@link Event#HOST_ISOLATED} or {@link Event#HOST_DEAD}; the fence agent's answer becomes
 * {@link Event#FENCE_CONFIRMED} or {@link Event#FENCE_FAILED}.
 *
 * <p>Two rules shape the table. A fence once decided is carried out (STONITH): a keepalive that comes back
 * while fencing does not cancel it, because a host that flaps is not trusted to hold its disks. And
 * nothing leaves {@link #RECOVERING} but the end of the restarts, so a host that boots again meanwhile cannot
 * take work before its VMs are settled elsewhere.
 */
public enum HostHealth {
    /** Keepalive answers. */
    HEALTHY,
    /** Keepalive lost, detection window running. */
    SUSPECT,
    /** Keepalive lost past the window, but the host is alive out of band (heartbeat fresh): its VMs still run. */
    ISOLATED,
    /** Declared dead (or unreachable on every path); the fence agent is powering it off, retried until confirmed. */
    FENCING,
    /** Fence confirmed: the host is off; its protected VMs are being restarted elsewhere. */
    RECOVERING,
    /** Off, its VMs settled; waits for the host to be powered on and rejoin. */
    FENCED,
    /** Disarmed by an operator: HA neither fences it nor restarts its VMs, and places nothing on it. */
    MAINTENANCE;

    /** What can happen to a host, as HA concludes it. */
    public enum Event {
        KEEPALIVE_LOST,
        KEEPALIVE_REGAINED,
        /** The detection window elapsed and the out-of-band path shows the host alive. */
        HOST_ISOLATED,
        /** The detection window elapsed and no path shows the host alive and well. */
        HOST_DEAD,
        FENCE_CONFIRMED,
        FENCE_FAILED,
        RECOVERY_DONE,
        MAINTENANCE_ENTERED,
        MAINTENANCE_EXITED
    }

    /** Thrown for a move the table forbids: a bug in the caller, never a user error. */
    public static final class IllegalMove extends IllegalStateException {
        private final HostHealth from;
        private final Event event;

        IllegalMove(HostHealth from, Event event) {
            super("a host that is " + from + " cannot take " + event);
            this.from = from;
            this.event = event;
        }

        public HostHealth from() {
            return from;
        }

        public Event event() {
            return event;
        }
    }

    /** The state after {@code event}, or {@link IllegalMove} when the table has no such move. */
    public static HostHealth next(HostHealth state, Event event) {
        return switch (state) {
            case HEALTHY -> switch (event) {
                case KEEPALIVE_LOST -> SUSPECT;
                case KEEPALIVE_REGAINED -> HEALTHY;
                case MAINTENANCE_ENTERED -> MAINTENANCE;
                default -> throw new IllegalMove(state, event);
            };
            case SUSPECT -> switch (event) {
                case KEEPALIVE_LOST -> SUSPECT;
                case KEEPALIVE_REGAINED -> HEALTHY;
                case HOST_ISOLATED -> ISOLATED;
                case HOST_DEAD -> FENCING;
                case MAINTENANCE_ENTERED -> MAINTENANCE;
                default -> throw new IllegalMove(state, event);
            };
            case ISOLATED -> switch (event) {
                case KEEPALIVE_LOST, HOST_ISOLATED -> ISOLATED;
                case KEEPALIVE_REGAINED -> HEALTHY;
                case HOST_DEAD -> FENCING;
                case MAINTENANCE_ENTERED -> MAINTENANCE;
                default -> throw new IllegalMove(state, event);
            };
            case FENCING -> switch (event) {
                case KEEPALIVE_LOST, KEEPALIVE_REGAINED, HOST_ISOLATED, HOST_DEAD, FENCE_FAILED -> FENCING;
                case FENCE_CONFIRMED -> RECOVERING;
                default -> throw new IllegalMove(state, event);
            };
            case RECOVERING -> switch (event) {
                case KEEPALIVE_LOST, KEEPALIVE_REGAINED, HOST_ISOLATED, HOST_DEAD, FENCE_CONFIRMED -> RECOVERING;
                case RECOVERY_DONE -> FENCED;
                default -> throw new IllegalMove(state, event);
            };
            case FENCED -> switch (event) {
                case KEEPALIVE_LOST, HOST_ISOLATED, HOST_DEAD, FENCE_CONFIRMED -> FENCED;
                case KEEPALIVE_REGAINED -> HEALTHY;
                case MAINTENANCE_ENTERED -> MAINTENANCE;
                default -> throw new IllegalMove(state, event);
            };
            case MAINTENANCE -> switch (event) {
                case KEEPALIVE_LOST, KEEPALIVE_REGAINED, HOST_ISOLATED, HOST_DEAD, MAINTENANCE_ENTERED ->
                        MAINTENANCE;
                case MAINTENANCE_EXITED -> HEALTHY;
                default -> throw new IllegalMove(state, event);
            };
        };
    }

    /** True when HA may place restarted VMs on a host in this state. */
    public boolean takesRestarts() {
        return this == HEALTHY;
    }
}

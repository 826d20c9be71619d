package dev.paddock.ha;

import java.time.Instant;

/** What {@link HealthAssessor} concludes of one host at one instant, and the health event it stands for. */
public sealed interface Assessment
        permits Assessment.Healthy, Assessment.Suspect, Assessment.Isolated, Assessment.Dead,
                Assessment.Unreachable {

    String hostId();

    /** The event this conclusion feeds to {@link HostHealth#next}. */
    HostHealth.Event event();

    /** True when the conclusion calls for a fence. */
    default boolean needsFence() {
        return event() == HostHealth.Event.HOST_DEAD;
    }

    /** Keepalive answers. */
    record Healthy(String hostId) implements Assessment {
        public HostHealth.Event event() {
            return HostHealth.Event.KEEPALIVE_REGAINED;
        }
    }

    /** Keepalive lost; nothing is decided before {@code decideAt}. */
    record Suspect(String hostId, Instant since, Instant decideAt) implements Assessment {
        public HostHealth.Event event() {
            return HostHealth.Event.KEEPALIVE_LOST;
        }
    }

    /** Cut off from the manager but alive: its VMs run and hold their disks; it is neither fenced nor drained. */
    record Isolated(String hostId, String reason) implements Assessment {
        public HostHealth.Event event() {
            return HostHealth.Event.HOST_ISOLATED;
        }
    }

    /** Silent on the keepalive and the heartbeat while its power controller answers: off, or hung. */
    record Dead(String hostId, String reason) implements Assessment {
        public HostHealth.Event event() {
            return HostHealth.Event.HOST_DEAD;
        }
    }

    /**
     * Silent on every path, power controller included: dead and partitioned look the same from here. Only a
     * confirmed fence tells them apart, so it is fenced like a dead host, and nothing restarts until that fence
     * is confirmed.
     */
    record Unreachable(String hostId, String reason) implements Assessment {
        public HostHealth.Event event() {
            return HostHealth.Event.HOST_DEAD;
        }
    }
}

package dev.paddock.ha;

import dev.paddock.model.PowerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Tells a dead host from an isolated or partitioned one, from two independent paths: the libvirt keepalive
 * (management network) and the out-of-band path (the datastore heartbeat on the storage network and the
 * fence agent's power status on the BMC network). Pure: observations and an instant in, a conclusion out.
 *
 * <pre>
 * keepalive answers                          -&gt; Healthy
 * keepalive lost, BMC off, no heartbeat since -&gt; Dead (off)   (next pass: an off host has nothing to wait for)
 * keepalive lost for less than the window    -&gt; Suspect
 * past the window, heartbeat fresh           -&gt; Isolated     (alive, holding its disks: no fence, no restart)
 * past the window, heartbeat stale, BMC on   -&gt; Dead (hung)  (fence)
 * past the window, heartbeat stale, BMC off  -&gt; Dead (off)   (fence, which confirms it)
 * past the window, heartbeat stale, no BMC   -&gt; Unreachable  (fence; restarts wait for its confirmation)
 * </pre>
 *
 * <p>The window guards against judging a host that is only slow or briefly cut off. A host whose power controller
 * reports it off, and that wrote no datastore heartbeat since its keepalive was lost, is neither: it is judged
 * dead at once, and is still fenced (a power-off that the same controller confirms) before anything restarts.
 */
public final class HealthAssessor {

    private HealthAssessor() {}

    public static List<Assessment> decide(List<HostObservation> observations, HaPolicy policy, Instant now) {
        return observations.stream().map(o -> assess(o, policy, now)).toList();
    }

    public static Assessment assess(HostObservation observation, HaPolicy policy, Instant now) {
        String host = observation.hostId();
        if (observation.keepaliveLostSince().isEmpty()) {
            return new Assessment.Healthy(host);
        }
        Instant since = observation.keepaliveLostSince().get();
        Duration window = policy.detectionWindow();
        Instant decideAt = since.plus(window);
        boolean beatSinceLost = observation.lastHeartbeat().filter(beat -> beat.isAfter(since)).isPresent();
        // judged on a later observation than the one that saw the keepalive go, so a host is always Suspect first
        if (now.isAfter(since) && now.isBefore(decideAt) && observation.power() == PowerState.OFF && !beatSinceLost) {
            return new Assessment.Dead(host, "host " + host + " has not answered its keepalive for "
                    + Duration.between(since, now).toSeconds() + " s and its power controller reports it off");
        }
        if (now.isBefore(decideAt)) {
            return new Assessment.Suspect(host, since, decideAt);
        }
        long silentSeconds = Duration.between(since, now).toSeconds();
        boolean heartbeatFresh = observation.lastHeartbeat()
                .filter(beat -> !beat.plus(window).isBefore(now))
                .isPresent();
        if (heartbeatFresh) {
            return new Assessment.Isolated(host, "host " + host + " has not answered its keepalive for "
                    + silentSeconds + " s but its datastore heartbeat is " + ageOf(observation, now)
                    + " old: it is alive and cut off from the management network");
        }
        String heartbeat = observation.lastHeartbeat().isPresent()
                ? "its datastore heartbeat stopped " + ageOf(observation, now) + " ago"
                : "it has no datastore heartbeat";
        return switch (observation.power()) {
            case ON -> new Assessment.Dead(host, "host " + host + " has not answered its keepalive for "
                    + silentSeconds + " s, " + heartbeat + ", and its power controller reports it on: it is hung");
            case OFF -> new Assessment.Dead(host, "host " + host + " has not answered its keepalive for "
                    + silentSeconds + " s, " + heartbeat + ", and its power controller reports it off");
            case UNKNOWN -> new Assessment.Unreachable(host, "host " + host + " has not answered its keepalive for "
                    + silentSeconds + " s, " + heartbeat + ", and its power controller does not answer: it is dead"
                    + " or partitioned, and only a confirmed fence can tell");
        };
    }

    private static String ageOf(HostObservation observation, Instant now) {
        return Duration.between(observation.lastHeartbeat().orElseThrow(), now).toSeconds() + " s";
    }
}

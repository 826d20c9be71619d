package dev.paddock.ha;

import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Room;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What an HA loop remembers of its hosts between two ticks (health, when keepalive was lost, when a failed fence
 * may be tried again) and every decision it takes on them. No I/O and no clock: the loop observes and acts, this
 * decides, so the simulation and the server's controller run the same decisions.
 *
 * <p>The memory is deliberately not persisted: a restarted manager rebuilds it from what the hosts, their power
 * controllers and the datastore say, and the worst it costs is one detection window.
 */
public final class HostWatch {

    /** How long after a failed fence the next attempt is made. */
    public static final Duration FENCE_RETRY = Duration.ofSeconds(5);

    private final Map<String, HostHealth> health = new HashMap<>();
    private final Map<String, Instant> keepaliveLostSince = new HashMap<>();
    private final Map<String, Instant> nextFenceAttempt = new HashMap<>();
    private final Map<String, PowerReading> lastPower = new HashMap<>();
    private final Map<String, Instant> windowEnds = new HashMap<>();
    private final Duration fenceRetry;

    /**
     * How old a power reading may be and still judge a host whose detection window has just ended: the loop asks
     * the device at each pass while a host is suspect, so the reading of the pass before stands for the one that
     * ends the window (a device that said on a moment ago decides nothing new: a host reported off is judged dead
     * at once), and a hung host's fence is not delayed by one more agent call.
     */
    public static final Duration POWER_READING_LIFE = Duration.ofMillis(1_500);

    private record PowerReading(PowerState state, Instant at) {}

    public HostWatch() {
        this(FENCE_RETRY);
    }

    public HostWatch(Duration fenceRetry) {
        this.fenceRetry = fenceRetry;
    }

    /**
     * One change of a host's health and why.
     *
     * @param keepaliveLostSince when the keepalive was lost, for the time-to-detect metric; empty when it answers
     */
    public record Move(String hostId, HostHealth from, HostHealth to, String reason,
            Optional<Instant> keepaliveLostSince) {}

    /** A host never seen is healthy. */
    public HostHealth health(String hostId) {
        return health.getOrDefault(hostId, HostHealth.HEALTHY);
    }

    /** Hosts in {@code state}, sorted. */
    public Set<String> in(HostHealth state) {
        Set<String> hosts = new TreeSet<>();
        health.forEach((id, s) -> {
            if (s == state) {
                hosts.add(id);
            }
        });
        return hosts;
    }

    /** Hosts that must receive no restart: every host not healthy. */
    public Set<String> unavailable() {
        Set<String> hosts = new TreeSet<>();
        health.forEach((id, s) -> {
            if (!s.takesRestarts()) {
                hosts.add(id);
            }
        });
        return hosts;
    }

    /**
     * Judges one host from its keepalive and, while the keepalive is lost, the out-of-band path: {@code power} is
     * asked only then, from the second pass that finds it lost (a fence agent call is slow and not free, and the
     * first pass makes the host suspect whatever it says), so that a host reported off is judged on that pass.
     *
     * @return the move, empty when the host's health stays what it was
     */
    public Optional<Move> observe(String hostId, boolean connected, Optional<Instant> heartbeat,
            Supplier<PowerState> power, HaPolicy policy, Instant now) {
        return observe(hostId, connected, Optional.empty(), heartbeat, power, policy, now);
    }

    /**
     * As above, with since when a disconnected host has been silent when that is earlier than this pass
     * ({@code Hypervisor.silentSince}: a connection its keepalive closed): the detection window counts from then,
     * so a hung host is not given the keepalive's timeout on top of the window. The pass that first sees the loss
     * only makes the host suspect, whatever its power says: every host is suspect before it is anything else.
     */
    public Optional<Move> observe(String hostId, boolean connected, Optional<Instant> silentSince,
            Optional<Instant> heartbeat, Supplier<PowerState> power, HaPolicy policy, Instant now) {
        boolean newlyLost = !connected && !keepaliveLostSince.containsKey(hostId);
        Optional<Instant> earlier = silentSince.filter(since -> since.isBefore(now));
        if (connected) {
            keepaliveLostSince.remove(hostId);
            lastPower.remove(hostId);
        } else {
            keepaliveLostSince.putIfAbsent(hostId, earlier.orElse(now));
        }
        Optional<Instant> lost = Optional.ofNullable(keepaliveLostSince.get(hostId));
        lost.ifPresentOrElse(since -> windowEnds.put(hostId, since.plus(policy.detectionWindow())),
                () -> windowEnds.remove(hostId));
        if (newlyLost && earlier.isPresent()) {
            return move(hostId, HostHealth.Event.KEEPALIVE_LOST, "keepalive lost; silent since " + earlier.get(),
                    lost);
        }
        // the pass that sees the loss judges the host suspect whatever its power: its device is asked from the next
        PowerState powerState = lost.isPresent() && !newlyLost
                ? powerOf(hostId, lost.get().plus(policy.detectionWindow()), power, now) : PowerState.UNKNOWN;
        Assessment assessment = HealthAssessor.assess(new HostObservation(hostId, lost, heartbeat, powerState),
                policy, now);
        return move(hostId, assessment.event(), reason(assessment), lost);
    }

    /** Asks the device, except on the pass that ends the window when a recent enough reading stands for it. */
    private PowerState powerOf(String hostId, Instant decideAt, Supplier<PowerState> power, Instant now) {
        PowerReading last = lastPower.get(hostId);
        boolean windowEnded = !now.isBefore(decideAt);
        if (windowEnded && last != null && last.state() == PowerState.ON && !last.at().isBefore(decideAt.minus(
                POWER_READING_LIFE)) && !last.at().plus(POWER_READING_LIFE).isBefore(now)) {
            return last.state();
        }
        PowerState read = power.get();
        lastPower.put(hostId, new PowerReading(read, now));
        return read;
    }

    /**
     * When the loop should look at its suspect hosts again at the latest: the earliest end of their detection
     * windows, empty when no host is suspect.
     */
    public Optional<Instant> nextDecision() {
        return windowEnds.entrySet().stream()
                .filter(end -> health(end.getKey()) == HostHealth.SUSPECT)
                .map(Map.Entry::getValue)
                .min(Instant::compareTo);
    }

    /** True when a host being fenced may be tried now: first attempt, or the retry delay has passed. */
    public boolean fenceDue(String hostId, Instant now) {
        return health(hostId) == HostHealth.FENCING
                && !now.isBefore(nextFenceAttempt.getOrDefault(hostId, Instant.MIN));
    }

    /**
     * Takes the answer of a fence attempt ({@link FenceAgent#powerOff}): confirmed moves the host to
     * {@link HostHealth#RECOVERING}; anything else keeps it fencing and schedules the retry.
     */
    public Move fenced(String hostId, FenceOutcome outcome, Instant now) {
        HostHealth before = health(hostId);
        if (outcome.confirmsOff()) {
            nextFenceAttempt.remove(hostId);
            HostHealth after = HostHealth.next(before, HostHealth.Event.FENCE_CONFIRMED);
            health.put(hostId, after);
            return new Move(hostId, before, after, "fence confirmed: " + outcome, Optional.empty());
        }
        nextFenceAttempt.put(hostId, now.plus(fenceRetry));
        HostHealth after = HostHealth.next(before, HostHealth.Event.FENCE_FAILED);
        health.put(hostId, after);
        return new Move(hostId, before, after, "fence failed, no restart, retry in " + fenceRetry.toMillis()
                + " ms: " + outcome, Optional.empty());
    }

    /** The host's VMs are all settled elsewhere (or cannot be): recovery ends. */
    public Optional<Move> recovered(String hostId) {
        return move(hostId, HostHealth.Event.RECOVERY_DONE, "every protected VM of the host is settled",
                Optional.empty());
    }

    /** An operator disarmed ({@code entered}) or rearmed HA for the host. */
    public Optional<Move> maintenance(String hostId, boolean entered) {
        HostHealth.Event event = entered ? HostHealth.Event.MAINTENANCE_ENTERED : HostHealth.Event.MAINTENANCE_EXITED;
        HostHealth before = health(hostId);
        if (!entered && before != HostHealth.MAINTENANCE) {
            return Optional.empty();
        }
        if (entered && (before == HostHealth.FENCING || before == HostHealth.RECOVERING)) {
            return Optional.empty(); // a fence once decided is carried out; the maintenance waits for it
        }
        keepaliveLostSince.remove(hostId);
        lastPower.remove(hostId);
        windowEnds.remove(hostId);
        return move(hostId, event, entered ? "maintenance entered" : "maintenance exited", Optional.empty());
    }

    /** Forgets a host that left HA's care (deleted, or its cluster's HA disabled or paused). */
    public void forget(String hostId) {
        health.remove(hostId);
        keepaliveLostSince.remove(hostId);
        nextFenceAttempt.remove(hostId);
        lastPower.remove(hostId);
        windowEnds.remove(hostId);
    }

    /** The room as HA sees it: hosts that take restarts are connected, the others are not. */
    public Room view(Room base) {
        List<Host> hosts = base.hosts().stream()
                .map(h -> h.withState(health(h.id()).takesRestarts() && h.state() == HostState.CONNECTED
                        ? HostState.CONNECTED : HostState.DISCONNECTED))
                .toList();
        return new Room(base.sites(), base.clusters(), hosts, base.vms(), base.networks(), base.datastores())
                .withLicensing(base.licensing());
    }

    private Optional<Move> move(String hostId, HostHealth.Event event, String reason, Optional<Instant> lost) {
        HostHealth before = health(hostId);
        HostHealth after = HostHealth.next(before, event);
        health.put(hostId, after);
        return after == before ? Optional.empty() : Optional.of(new Move(hostId, before, after, reason, lost));
    }

    private static String reason(Assessment assessment) {
        return switch (assessment) {
            case Assessment.Healthy healthy -> "keepalive answers";
            case Assessment.Suspect suspect -> "keepalive lost at " + suspect.since();
            case Assessment.Isolated isolated -> isolated.reason();
            case Assessment.Dead dead -> dead.reason();
            case Assessment.Unreachable unreachable -> unreachable.reason();
        };
    }
}

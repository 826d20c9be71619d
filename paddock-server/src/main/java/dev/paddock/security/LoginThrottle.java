package dev.paddock.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing: after {@code perUser} failed logins for one user name, or {@code perAddress} from one
 * address, within {@code window}, further attempts for it are refused until the oldest failure leaves the window.
 * Successful logins clear the user's failures. Only failures are remembered, at most {@code MAX_KEYS} keys.
 */
public final class LoginThrottle {

    public record Limits(int perUser, int perAddress, Duration window) {
        public static final Limits DEFAULT = new Limits(5, 20, Duration.ofMinutes(5));
    }

    private static final int MAX_KEYS = 10_000;

    private final Limits limits;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** How long to wait before trying again, if {@code user} from {@code address} must wait. */
    public synchronized Optional<Duration> wait(String user, String address) {
        Instant now = clock.instant();
        Optional<Duration> byUser = waitFor("user:" + user, limits.perUser(), now);
        Optional<Duration> byAddress = waitFor("address:" + address, limits.perAddress(), now);
        if (byUser.isPresent() && byAddress.isPresent()) {
            return Optional.of(byUser.get().compareTo(byAddress.get()) > 0 ? byUser.get() : byAddress.get());
        }
        return byUser.or(() -> byAddress);
    }

    public synchronized void failed(String user, String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            failures.values().removeIf(times -> prune(times, now).isEmpty());
        }
        if (failures.size() < MAX_KEYS) {
            failures.computeIfAbsent("user:" + user, k -> new ArrayDeque<>()).addLast(now);
            failures.computeIfAbsent("address:" + address, k -> new ArrayDeque<>()).addLast(now);
        }
    }

    public synchronized void succeeded(String user) {
        failures.remove("user:" + user);
    }

    private Optional<Duration> waitFor(String key, int limit, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null || prune(times, now).size() < limit) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, times.peekFirst().plus(limits.window()));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    private Deque<Instant> prune(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(limits.window());
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.removeFirst();
        }
        return times;
    }
}

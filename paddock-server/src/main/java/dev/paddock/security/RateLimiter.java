package dev.paddock.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A token bucket per key (a user, or an address for callers not signed in): each holds up to {@code rate.count()}
 * tokens, refilled evenly over {@code rate.per()}; a call takes one, and a key with none left waits. A burst of a
 * whole rate is let through at once, so that a script that creates its VMs together is not slowed, while a caller
 * who keeps going is held to the rate. At most {@code MAX_KEYS} keys are kept: full buckets are forgotten first (a
 * forgotten bucket is a full one), and past that a new key shares one bucket with the other overflow keys.
 */
public final class RateLimiter {

    /** At most {@code count} calls in a burst, refilled evenly over {@code per}. */
    public record Rate(int count, Duration per) {
        public Rate {
            Objects.requireNonNull(per, "per");
            if (count < 1 || per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("a rate needs a positive count and a positive period");
            }
        }

        /** The rate as a user writes it: {@code 300/min}. */
        @Override
        public String toString() {
            return count + "/" + (per.equals(Duration.ofSeconds(1)) ? "s" : per.equals(Duration.ofMinutes(1)) ? "min"
                    : per.equals(Duration.ofHours(1)) ? "h" : per.toSeconds() + "s");
        }
    }

    private static final int MAX_KEYS = 10_000;
    private static final String OVERFLOW = "overflow";

    private final Rate rate;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    /** Tokens left at {@code at}; a bucket is refilled lazily, when next asked. */
    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimiter(Rate rate, Clock clock) {
        this.rate = rate;
        this.clock = clock;
    }

    public Rate rate() {
        return rate;
    }

    /**
     * Takes a token for {@code key}: empty when one was there, else how long until one will be (nothing is taken
     * then, so a refused call costs nothing).
     */
    public synchronized Optional<Duration> take(String key) {
        Instant now = clock.instant();
        Bucket bucket = bucket(key, now);
        refill(bucket, now);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return Optional.empty();
        }
        double nanosPerToken = (double) rate.per().toNanos() / rate.count();
        return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * nanosPerToken)));
    }

    private Bucket bucket(String key, Instant now) {
        Bucket known = buckets.get(key);
        if (known != null) {
            return known;
        }
        if (buckets.size() >= MAX_KEYS) {
            buckets.values().removeIf(bucket -> {
                refill(bucket, now);
                return bucket.tokens >= rate.count();
            });
        }
        String kept = buckets.size() < MAX_KEYS ? key : OVERFLOW;
        return buckets.computeIfAbsent(kept, k -> new Bucket(rate.count(), now));
    }

    private void refill(Bucket bucket, Instant now) {
        if (now.isAfter(bucket.at)) {
            double earned = (double) Duration.between(bucket.at, now).toNanos() * rate.count() / rate.per().toNanos();
            bucket.tokens = Math.min(rate.count(), bucket.tokens + earned);
            bucket.at = now;
        }
    }
}

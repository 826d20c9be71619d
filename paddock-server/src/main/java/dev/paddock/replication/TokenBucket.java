package dev.paddock.replication;

/**
 * A token bucket in bytes: {@code rate} bytes a second flow in, up to {@code capacity}. {@link #take} takes what a
 * sender is about to send and answers how long it must wait first; the bucket may go into debt, so a sender that
 * waits what it is told never sends faster than the rate, however large its pieces, and several senders sharing one
 * bucket share the rate. Time comes in as nanoseconds from the caller's monotonic clock: the arithmetic is plain.
 *
 * <p>The capacity is the burst a sender may send at once after a pause; it is kept small (a twentieth of a second's
 * worth, at least 64 KiB) so that a transfer of a few seconds keeps to the rate within a few percent.
 */
public final class TokenBucket {

    private static final long NANOS = 1_000_000_000L;

    private final long rate;
    private final long capacity;
    private double tokens;
    private long last;

    /** A bucket full at {@code now}. */
    public TokenBucket(long rate, long capacity, long now) {
        if (rate <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("a token bucket has a positive rate and capacity");
        }
        this.rate = rate;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = now;
    }

    /** A bucket for {@code rate} bytes a second with the capacity the class comment gives. */
    public static TokenBucket ofRate(long rate, long now) {
        return new TokenBucket(rate, Math.max(64 << 10, rate / 20), now);
    }

    public long rate() {
        return rate;
    }

    /** Takes {@code bytes}; answers the nanoseconds to wait before sending them (0 when they may go now). */
    public synchronized long take(long bytes, long now) {
        if (now > last) {
            tokens = Math.min(capacity, tokens + (double) (now - last) * rate / NANOS);
            last = now;
        }
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS / rate);
    }
}

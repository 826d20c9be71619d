package dev.paddock.replication;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The bandwidth one replication round may use, shared by all its upload streams: a {@link TokenBucket} on the
 * monotonic clock, or no limit. Streams {@linkplain #throttled read} their bytes through it in slices, each slice
 * waiting for its tokens, so the cap holds on the bytes the HTTP client sends.
 */
final class Bandwidth {

    static final Bandwidth UNLIMITED = new Bandwidth(Optional.empty());
    private static final int SLICE = 64 << 10;

    private final Optional<TokenBucket> bucket;

    private Bandwidth(Optional<TokenBucket> bucket) {
        this.bucket = bucket;
    }

    /** {@code bytesPerSecond} shared by every stream; 0 for no limit. */
    static Bandwidth of(long bytesPerSecond) {
        return bytesPerSecond <= 0 ? UNLIMITED : new Bandwidth(Optional.of(TokenBucket.ofRate(bytesPerSecond,
                System.nanoTime())));
    }

    /** Waits until {@code bytes} may be sent. */
    void acquire(int bytes) throws IOException {
        if (bucket.isEmpty()) {
            return;
        }
        long wait = bucket.get().take(bytes, System.nanoTime());
        long until = System.nanoTime() + wait;
        while (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new java.io.InterruptedIOException("the upload was stopped");
            }
            wait = until - System.nanoTime();
        }
    }

    /** {@code bytes} as a stream whose reads keep to this bandwidth. */
    InputStream throttled(byte[] bytes) {
        return new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                if (at >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(length, SLICE), bytes.length - at);
                acquire(n);
                System.arraycopy(bytes, at, into, offset, n);
                at += n;
                return n;
            }
        };
    }
}

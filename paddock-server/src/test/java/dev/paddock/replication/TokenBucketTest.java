package dev.paddock.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void a_full_bucket_lets_its_capacity_go_at_once_and_then_makes_the_sender_wait_at_the_rate() {
        TokenBucket bucket = new TokenBucket(1000, 100, 0);

        assertThat(bucket.take(100, 0)).isZero();
        assertThat(bucket.take(500, 0)).as("500 bytes of debt at 1000 B/s").isEqualTo(SECOND / 2);
    }

    @Test
    void tokens_flow_in_with_time_up_to_the_capacity_only() {
        TokenBucket bucket = new TokenBucket(1000, 100, 0);
        bucket.take(100, 0);

        assertThat(bucket.take(50, SECOND / 20)).as("50 tokens came in 50 ms").isZero();
        assertThat(bucket.take(100, 10 * SECOND)).as("ten idle seconds fill only the capacity").isZero();
        assertThat(bucket.take(1, 10 * SECOND)).isEqualTo(SECOND / 1000);
    }

    @Test
    void senders_that_wait_what_they_are_told_never_beat_the_rate_whatever_their_pieces() {
        TokenBucket bucket = TokenBucket.ofRate(4 << 20, 0);
        long now = 0;
        long sent = 0;
        int[] pieces = {65536, 1, 4 << 20, 12345, 65536, 3 << 20};
        for (int round = 0; round < 20; round++) {
            for (int piece : pieces) {
                now += bucket.take(piece, now);
                sent += piece;
            }
        }
        double seconds = (double) now / SECOND;
        double rate = sent / seconds;

        assertThat(rate).isLessThanOrEqualTo((4 << 20) * 1.01).isGreaterThan((4 << 20) * 0.95);
    }

    @Test
    void a_bucket_without_rate_is_refused() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.LeaderLease.Acquired;
import dev.paddock.store.LeaderLease.Holder;
import dev.paddock.store.LeaderLease.Refused;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader lease, the same on every database the store runs on. */
abstract class LeaderLeaseContract {

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Holder FIRST = new Holder("first-id", "host-a (pid 1, http://a:8080)");
    private static final Holder SECOND = new Holder("second-id", "host-b (pid 2, http://b:8080)");

    HikariDataSource dataSource;

    abstract HikariDataSource open();

    @BeforeEach
    void connect() {
        dataSource = open();
    }

    @AfterEach
    void disconnect() {
        if (dataSource != null) { // null when the PostgreSQL tests are skipped
            dataSource.close();
        }
    }

    private LeaderLease lease(Holder holder, Duration ttl) {
        return new LeaderLease(dataSource, LeaderLease.CONTROLLER, holder, ttl);
    }

    /** Whether the database's clock has passed the controller lease's expiry. */
    private boolean expiredByTheDatabase() {
        return new Jdbc(dataSource).queryOne("SELECT expires_at < CURRENT_TIMESTAMP FROM leases WHERE name = ?",
                statement -> statement.setString(1, LeaderLease.CONTROLLER), row -> row.getBoolean(1)).orElseThrow();
    }

    @Test
    void aFreeLeaseIsAcquiredAndExpiresOneTimeToLiveAfterItsTaking() {
        LeaderLease first = lease(FIRST, LONG);

        assertThat(first.current()).isEmpty();
        LeaderLease.Acquisition acquisition = first.acquire();

        assertThat(acquisition).isInstanceOf(Acquired.class);
        LeaderLease.Lease taken = ((Acquired) acquisition).lease();
        assertThat(taken.holder()).isEqualTo(FIRST);
        assertThat(taken.renewedAt()).isEqualTo(taken.acquiredAt());
        assertThat(Duration.between(taken.acquiredAt(), taken.expiresAt())).isEqualTo(LONG);
        assertThat(first.current()).contains(taken);
    }

    @Test
    void aRenewalPushesTheExpiryAndKeepsTheTimeOfTaking() {
        LeaderLease first = lease(FIRST, LONG);
        LeaderLease.Lease taken = ((Acquired) first.acquire()).lease();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            assertThat(first.renew()).isTrue();
            return first.current().orElseThrow().renewedAt().isAfter(taken.renewedAt());
        });

        LeaderLease.Lease renewed = first.current().orElseThrow();
        assertThat(renewed.acquiredAt()).isEqualTo(taken.acquiredAt());
        assertThat(renewed.expiresAt()).isAfter(taken.expiresAt());
        assertThat(Duration.between(renewed.renewedAt(), renewed.expiresAt())).isEqualTo(LONG);
    }

    @Test
    void aSecondHolderIsRefusedWhileTheFirstHoldsAndIsToldWhoHoldsSinceWhen() {
        LeaderLease.Lease taken = ((Acquired) lease(FIRST, LONG).acquire()).lease();
        LeaderLease second = lease(SECOND, LONG);

        LeaderLease.Acquisition acquisition = second.acquire();

        assertThat(acquisition).isEqualTo(new Refused(taken));
        assertThat(second.renew()).as("a holder cannot renew what it never held").isFalse();
        assertThat(second.release()).as("nor give it back").isFalse();
        assertThat(lease(FIRST, LONG).current()).contains(taken);
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderLearnsItAtItsNextRenewal() {
        LeaderLease first = lease(FIRST, SHORT);
        first.acquire();
        LeaderLease second = lease(SECOND, LONG);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> second.acquire() instanceof Acquired);

        assertThat(first.renew()).as("the lease was lost").isFalse();
        assertThat(first.acquire()).isInstanceOf(Refused.class);
        assertThat(first.current().orElseThrow().holder()).isEqualTo(SECOND);
        assertThat(second.renew()).isTrue();
    }

    @Test
    void aLeaseThatExpiredIsLostForItsHolderEvenWhenNobodyTookItAndMustBeAcquiredAgain() {
        LeaderLease first = lease(FIRST, SHORT);
        first.acquire();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(this::expiredByTheDatabase);

        assertThat(first.renew()).isFalse();
        assertThat(first.acquire()).isInstanceOf(Acquired.class);
        assertThat(first.renew()).isTrue();
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceForTheNextHolder() {
        LeaderLease first = lease(FIRST, LONG);
        first.acquire();

        assertThat(first.release()).isTrue();

        assertThat(first.current()).isEmpty();
        assertThat(first.renew()).as("released means no longer held").isFalse();
        assertThat(lease(SECOND, LONG).acquire()).isInstanceOf(Acquired.class);
        assertThat(first.release()).isFalse();
    }

    @Test
    void aHolderThatAcquiresAgainWhileItHoldsKeepsTheLease() {
        LeaderLease first = lease(FIRST, LONG);
        first.acquire();

        assertThat(first.acquire()).isInstanceOf(Acquired.class);
        assertThat(lease(SECOND, LONG).acquire()).isInstanceOf(Refused.class);
    }

    @Test
    void leasesOfDifferentNamesAreIndependent() {
        lease(FIRST, LONG).acquire();

        LeaderLease other = new LeaderLease(dataSource, "other", SECOND, LONG);

        assertThat(other.acquire()).isInstanceOf(Acquired.class);
        assertThat(lease(FIRST, LONG).current().orElseThrow().holder()).isEqualTo(FIRST);
    }
}

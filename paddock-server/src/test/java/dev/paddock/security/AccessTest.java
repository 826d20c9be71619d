package dev.paddock.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may do what where, and how passwords and failed logins are kept: plain values, no server. */
class AccessTest {

    private static final User ALICE = new User("u1", "alice", "x", false, Set.of("ops"), Instant.EPOCH);
    private static final Target PROD = Target.cluster("paris", "prod");
    private static final Target TEST = Target.cluster("lyon", "test");

    private static Caller holding(Optional<Role> limit, Caller.Held... held) {
        return new Caller(ALICE, Caller.Credential.TOKEN, limit, List.of(held), "10.0.0.7");
    }

    @Test
    void aGrantOnAClusterHoldsThereAndNotOnAnotherClusterOrTheRoom() {
        Caller caller = holding(Optional.empty(), new Caller.Held(Role.OPERATOR, Scope.cluster("prod")));

        assertThat(caller.may(Permission.VM_POWER, PROD)).isTrue();
        assertThat(caller.may(Permission.VM_POWER, TEST)).isFalse();
        assertThat(caller.may(Permission.VM_POWER, Target.ROOM)).isFalse();
        assertThat(caller.may(Permission.FENCE_MANAGE, PROD)).isFalse();
    }

    @Test
    void aGrantOnASiteHoldsForItsClustersAndARoomGrantEverywhere() {
        Caller site = holding(Optional.empty(), new Caller.Held(Role.READ_ONLY, Scope.site("paris")));
        Caller room = holding(Optional.empty(), new Caller.Held(Role.READ_ONLY, Scope.ROOM));

        assertThat(site.may(Permission.VM_READ, PROD)).isTrue();
        assertThat(site.may(Permission.VM_READ, TEST)).isFalse();
        assertThat(room.may(Permission.VM_READ, TEST)).isTrue();
        assertThat(room.may(Permission.VM_READ, Target.ROOM)).isTrue();
    }

    @Test
    void aTokensRoleLimitsWhatTheUsersGrantsAllowAndNeverAddsToThem() {
        Caller limited = holding(Optional.of(Role.READ_ONLY), new Caller.Held(Role.ADMINISTRATOR, Scope.ROOM));
        Caller wider = holding(Optional.of(Role.ADMINISTRATOR), new Caller.Held(Role.READ_ONLY, Scope.ROOM));

        assertThat(limited.may(Permission.VM_READ, PROD)).isTrue();
        assertThat(limited.may(Permission.VM_DELETE, PROD)).isFalse();
        assertThat(wider.may(Permission.VM_DELETE, PROD)).isFalse();
        assertThat(wider.may(Permission.ACCOUNT, Target.ROOM)).isTrue();
        assertThat(limited.actor()).isEqualTo("alice@10.0.0.7");
    }

    @Test
    void theBuiltInRolesAreWhatTheirNamesSay() {
        assertThat(Role.ADMINISTRATOR.permissions()).containsExactlyInAnyOrder(Permission.values());
        assertThat(Role.AUDITOR.permissions()).contains(Permission.AUDIT_READ).allMatch(Permission::reads);
        assertThat(Role.READ_ONLY.permissions()).doesNotContain(Permission.AUDIT_READ).allMatch(Permission::reads);
        assertThat(Role.OPERATOR.permissions()).contains(Permission.VM_POWER, Permission.HOST_MAINTENANCE)
                .doesNotContain(Permission.USER_MANAGE, Permission.FENCE_MANAGE, Permission.HOST_MANAGE);
        assertThat(EnumSet.allOf(Permission.class)).allMatch(p -> Permission.ofKey(p.key()).orElseThrow() == p);
    }

    @Test
    void anArgon2idHashMatchesItsPasswordOnlyAndCarriesItsParameters() {
        Passwords passwords = new Passwords(new Passwords.Cost(1024, 1, 1), new java.security.SecureRandom());
        String hash = passwords.hash("s3cret password");

        assertThat(hash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
        assertThat(Passwords.matches("s3cret password", hash)).isTrue();
        assertThat(Passwords.matches("s3cret passworD", hash)).isFalse();
        assertThat(passwords.hash("s3cret password")).isNotEqualTo(hash);
        assertThat(Passwords.matches("s3cret password", "$argon2id$v=19$m=1024,t=1$bad")).isFalse();
    }

    @Test
    void failedLoginsAreThrottledPerUserAndPerAddressUntilTheWindowPasses() {
        MovableClock clock = new MovableClock();
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(3, 5, Duration.ofMinutes(5)), clock);
        for (int i = 0; i < 3; i++) {
            throttle.failed("bob", "10.0.0.1");
        }
        assertThat(throttle.wait("bob", "10.0.0.9")).contains(Duration.ofMinutes(5));
        assertThat(throttle.wait("carol", "10.0.0.1")).isEmpty();
        throttle.failed("carol", "10.0.0.1");
        throttle.failed("dave", "10.0.0.1");
        assertThat(throttle.wait("erin", "10.0.0.1")).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(throttle.wait("bob", "10.0.0.1")).isEmpty();
    }

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

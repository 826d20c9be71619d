package dev.paddock.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcIdentities;
import dev.paddock.store.StoreConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bearer token is resolved from the store once and then kept: the next requests read nothing, and any change to
 * who holds what, made through the accounts, shows at the very next request. The store is the real one, on H2.
 */
class BearerTokensTest {

    private static final Role DEPLOYER = new Role("deployer", EnumSet.of(Permission.VM_READ, Permission.VM_POWER),
            false);

    @TempDir
    Path directory;

    private HikariDataSource dataSource;
    private JdbcIdentities store;
    private final AtomicInteger reads = new AtomicInteger();
    private final MovableClock clock = new MovableClock();
    private Accounts accounts;
    private User carol;
    private Grant operator;
    private Accounts.Issued issued;

    @BeforeEach
    void carolHoldsOperatorOnTheRoomAndTheOpsGroupsReadOnlyAndATokenOfRoleDeployer() {
        dataSource = Database.open(StoreConfig.h2In(directory));
        store = new JdbcIdentities(dataSource);
        accounts = new Accounts(readsCounted(store), new Passwords(new Passwords.Cost(1024, 1, 1), new SecureRandom()),
                Secrets.strong(), clock);
        carol = new User(Accounts.newId(), "carol", "x", false, Set.of("ops"), clock.instant());
        accounts.identities().put(carol);
        accounts.identities().put(DEPLOYER);
        operator = new Grant(Accounts.newId(), Grant.SubjectKind.USER, "carol", Role.OPERATOR.name(), Scope.ROOM);
        accounts.identities().put(operator);
        accounts.identities().put(new Grant(Accounts.newId(), Grant.SubjectKind.GROUP, "ops", Role.READ_ONLY.name(),
                Scope.ROOM));
        issued = accounts.issueToken(carol, "ci", DEPLOYER, Duration.ofDays(1));
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void aTokenResolvedOnceIsAnsweredAgainWithoutReadingTheStore() {
        reads.set(0);
        Accounts.Bearer first = accounts.bearer(issued.secret()).orElseThrow();
        int firstReads = reads.getAndSet(0);
        for (int i = 0; i < 100; i++) {
            assertThat(accounts.bearer(issued.secret())).contains(first);
        }

        assertThat(firstReads).isEqualTo(5);
        assertThat(reads.get()).isZero();
        assertThat(first.user()).contains(carol);
        assertThat(first.limit()).isEqualTo(DEPLOYER);
        assertThat(first.held()).containsExactlyInAnyOrder(new Caller.Held(Role.OPERATOR, Scope.ROOM),
                new Caller.Held(Role.READ_ONLY, Scope.ROOM));
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                change("the token revoked", t -> t.accounts.identities().deleteToken(t.carol.id(), t.issued.token().id()),
                        Optional::isEmpty),
                change("its user deleted", t -> t.accounts.identities().deleteUser(t.carol.id()),
                        bearer -> bearer.isEmpty() || bearer.get().user().isEmpty()),
                change("the user's grant removed", t -> t.accounts.identities().deleteGrant(t.operator.id()),
                        bearer -> bearer.orElseThrow().held().equals(
                                java.util.List.of(new Caller.Held(Role.READ_ONLY, Scope.ROOM)))),
                change("the user's groups read again at a directory login, without ops",
                        t -> t.accounts.identities().put(t.carol.withGroups(Set.of("dev"))),
                        bearer -> bearer.orElseThrow().held().equals(
                                java.util.List.of(new Caller.Held(Role.OPERATOR, Scope.ROOM)))),
                change("a grant added to the user",
                        t -> t.accounts.identities().put(new Grant(Accounts.newId(), Grant.SubjectKind.USER, "carol",
                                Role.ADMINISTRATOR_NAME, Scope.site("paris"))),
                        bearer -> bearer.orElseThrow().held().contains(
                                new Caller.Held(Role.ADMINISTRATOR, Scope.site("paris")))),
                change("the token's role changed", t -> t.accounts.identities().put(
                                new Role("deployer", EnumSet.of(Permission.VM_READ), false)),
                        bearer -> !bearer.orElseThrow().limit().allows(Permission.VM_POWER)),
                change("the token's role deleted", t -> t.accounts.identities().deleteRole("deployer"),
                        bearer -> bearer.orElseThrow().limit().permissions().isEmpty()));
    }

    private static Arguments change(String name, Consumer<BearerTokensTest> change,
            Predicate<Optional<Accounts.Bearer>> seen) {
        return Arguments.of(name, change, seen);
    }

    @ParameterizedTest(name = "{0}: seen at the very next request")
    @MethodSource("changes")
    void aChangeThroughTheAccountsShowsAtTheVeryNextRequest(String name, Consumer<BearerTokensTest> change,
            Predicate<Optional<Accounts.Bearer>> seen) {
        Accounts.Bearer before = accounts.bearer(issued.secret()).orElseThrow();
        assertThat(accounts.bearer(issued.secret())).contains(before);

        change.accept(this);

        assertThat(accounts.bearer(issued.secret())).as(name).matches(seen);
    }

    @Test
    void aTokensExpiryIsJudgedAtEveryRequestWhileItIsKept() {
        Accounts.Issued brief = accounts.issueToken(carol, "brief", DEPLOYER, Duration.ofSeconds(3));
        assertThat(accounts.bearer(brief.secret())).isPresent();
        reads.set(0);

        clock.now = clock.now.plus(Duration.ofMillis(2_999));
        assertThat(accounts.bearer(brief.secret())).isPresent();
        clock.now = clock.now.plusMillis(1);
        assertThat(accounts.bearer(brief.secret())).isEmpty();
        assertThat(reads.get()).as("judged from the token kept").isZero();
    }

    @Test
    void aChangeMadeBesideTheAccountsShowsOnceTheKeptTokenIsFiveSecondsOld() {
        assertThat(accounts.bearer(issued.secret())).isPresent();

        // as a second server on the same database would: straight into the store
        store.deleteToken(carol.id(), issued.token().id());

        clock.now = clock.now.plus(Accounts.BEARER_LIFE).minusMillis(1);
        assertThat(accounts.bearer(issued.secret())).isPresent();
        clock.now = clock.now.plusMillis(1);
        assertThat(accounts.bearer(issued.secret())).isEmpty();
    }

    @Test
    void anUnknownSecretIsNeverKept() {
        reads.set(0);
        assertThat(accounts.bearer("pdk_unknown")).isEmpty();
        assertThat(accounts.bearer("pdk_unknown")).isEmpty();
        assertThat(reads.get()).isEqualTo(2);
    }

    /** The store, counting the reads made of it (every call that is no put and no delete). */
    private Identities readsCounted(Identities real) {
        return (Identities) Proxy.newProxyInstance(Identities.class.getClassLoader(), new Class<?>[] {Identities.class},
                (proxy, method, args) -> {
                    if (!method.getName().startsWith("put") && !method.getName().startsWith("delete")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
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

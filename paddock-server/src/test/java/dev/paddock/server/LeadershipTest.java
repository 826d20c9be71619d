package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.Jdbc;
import dev.paddock.store.LeaderLease;
import dev.paddock.store.LeaderLease.Acquired;
import dev.paddock.store.LeaderLease.Holder;
import dev.paddock.store.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server's leadership: taken before it acts, renewed while it acts, and fail-stop once lost. */
class LeadershipTest {

    private static final Leadership.Settings SHORT = new Leadership.Settings(Duration.ofMillis(600));
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private HikariDataSource dataSource;
    private final List<Leadership> taken = new ArrayList<>();

    /** A part that acts on the room, as the operation runner and HA do: it only remembers being stopped. */
    private static final class Actor implements AutoCloseable {
        private final String name;
        private final List<String> stopped;

        Actor(String name, List<String> stopped) {
            this.name = name;
            this.stopped = stopped;
        }

        @Override
        public void close() {
            synchronized (stopped) {
                stopped.add(name);
            }
        }
    }

    @BeforeEach
    void open() {
        dataSource = TestDatabases.h2(directory);
    }

    @AfterEach
    void close() {
        taken.forEach(Leadership::close);
        if (!dataSource.isClosed()) {
            dataSource.close();
        }
    }

    private LeaderLease lease(String server, Duration ttl) {
        return new LeaderLease(dataSource, LeaderLease.CONTROLLER,
                new Holder(server + "-id", server + " (pid 1, http://" + server + ":8080)"), ttl);
    }

    private Leadership take(String server, Leadership.Settings settings) {
        Leadership leadership = Leadership.take(lease(server, settings.ttl()), settings);
        taken.add(leadership);
        return leadership;
    }

    /** As if the holder had been paused past its time to live: its lease's expiry is already behind. */
    private void expireTheLease() {
        new Jdbc(dataSource).update("UPDATE leases SET expires_at = acquired_at WHERE name = ?",
                statement -> statement.setString(1, LeaderLease.CONTROLLER));
    }

    @Test
    void aServerThatTakesTheFreeLeaseLeadsAndKeepsItPastItsTimeToLiveByRenewing() {
        Leadership first = take("a", SHORT);
        var renewedAt = lease("probe", SHORT.ttl()).current().orElseThrow().renewedAt();

        await().atMost(PATIENCE).until(() -> lease("probe", SHORT.ttl()).current().orElseThrow().renewedAt()
                .isAfter(renewedAt.plus(SHORT.ttl())));

        assertThat(first.isLeader()).isTrue();
        assertThat(first.status().reason()).isEmpty();
        assertThat(lease("b", SHORT.ttl()).acquire()).isInstanceOf(LeaderLease.Refused.class);
    }

    @Test
    void aSecondServerIsRefusedWithOneSentenceNamingTheHolderAndSinceWhen() {
        take("a", SHORT);
        LeaderLease.Lease held = lease("probe", SHORT.ttl()).current().orElseThrow();

        assertThatThrownBy(() -> take("b", SHORT)).isInstanceOf(Leadership.Refused.class)
                .hasMessage("Another Paddock server is active on this database: a (pid 1, http://a:8080), active"
                        + " since " + held.acquiredAt() + "; stop it, or give this server its own database.");
    }

    @Test
    void aServerWaitsForAHolderThatStoppedRenewingAndTakesTheLeaseWhenItExpires() {
        assertThat(lease("crashed", Duration.ofMillis(300)).acquire()).isInstanceOf(Acquired.class);

        Leadership successor = take("b", new Leadership.Settings(Duration.ofSeconds(3)));

        assertThat(successor.isLeader()).isTrue();
        assertThat(lease("probe", SHORT.ttl()).current().orElseThrow().holder().id()).isEqualTo("b-id");
    }

    @Test
    void closingGivesTheLeaseBackSoASuccessorStartsAtOnce() {
        Leadership first = take("a", new Leadership.Settings(Duration.ofMinutes(5)));

        first.close();

        assertThat(first.isLeader()).isFalse();
        assertThat(lease("probe", SHORT.ttl()).current()).isEmpty();
        assertThat(take("b", new Leadership.Settings(Duration.ofMinutes(5))).isLeader()).isTrue();
    }

    @Test
    void whenAnotherServerTakesTheExpiredLeaseTheFirstStopsEveryActingPartAtOnceTheLastStartedFirst() {
        Leadership first = take("a", SHORT);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        first.bindTo(registry);
        List<String> stopped = new ArrayList<>();
        first.stopOnLoss(new Actor("runner", stopped));
        first.stopOnLoss(new Actor("ha", stopped));
        assertThat(registry.get("paddock.leader").gauge().value()).isEqualTo(1.0);

        expireTheLease();
        assertThat(lease("b", Duration.ofMinutes(5)).acquire()).isInstanceOf(Acquired.class);

        // The server says it no longer leads first, so nothing new starts; then it closes the parts.
        await().atMost(PATIENCE).until(() -> !first.isLeader());
        await().atMost(PATIENCE).until(() -> {
            synchronized (stopped) {
                return stopped.size() == 2;
            }
        });
        synchronized (stopped) {
            assertThat(stopped).containsExactly("ha", "runner");
        }
        assertThat(first.status().reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("the leader lease was lost").contains("b (pid 1, http://b:8080)"));
        assertThat(registry.get("paddock.leader").gauge().value()).isZero();
        first.stopOnLoss(new Actor("watchdogs", stopped));
        synchronized (stopped) {
            assertThat(stopped).as("a part registered after the loss is stopped at once")
                    .containsExactly("ha", "runner", "watchdogs");
        }
        first.close();
        assertThat(lease("probe", SHORT.ttl()).current().orElseThrow().holder().id())
                .as("a server that lost the lease does not give back its successor's").isEqualTo("b-id");
    }

    @Test
    void whenTheDatabaseDoesNotAnswerForATimeToLiveTheServerStopsActing() {
        Leadership first = take("a", SHORT);
        List<String> stopped = new ArrayList<>();
        first.stopOnLoss(new Actor("runner", stopped));

        dataSource.close();

        await().atMost(PATIENCE).until(() -> !first.isLeader());
        synchronized (stopped) {
            assertThat(stopped).containsExactly("runner");
        }
        assertThat(first.status().reason()).hasValueSatisfying(reason -> assertThat(reason)
                .isEqualTo("the leader lease could not be renewed for 600 ms (the database did not answer), so"
                        + " another server may take it"));
    }

    @Test
    void aServerOfThisHostThatWasKilledIsReplacedWithoutWaitingForItsLease() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Holder killed = new Holder("killed-id", LeaderLease.Holder.ofThisProcess("http://127.0.0.1:8080")
                .description().replaceFirst("\\(pid \\d+,", "(pid " + gone.pid() + ","));
        new LeaderLease(dataSource, LeaderLease.CONTROLLER, killed, Duration.ofHours(1)).acquire();
        long started = System.nanoTime();

        Leadership successor = take("successor", new Leadership.Settings(Duration.ofSeconds(30)));

        assertThat(successor.status().leader()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for the hour-long lease")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aLiveServerOfThisHostIsNeverTakenOver() {
        Holder alive = LeaderLease.Holder.ofThisProcess("http://127.0.0.1:8080");
        Holder other = new Holder("other-id", alive.description().replaceFirst("\\(pid \\d+,",
                "(pid " + ProcessHandle.current().parent().orElseThrow().pid() + ","));

        assertThat(other.isDeadProcessOfThisHost()).as("the test's parent process runs").isFalse();
        assertThat(alive.isDeadProcessOfThisHost()).as("this process runs").isFalse();
        assertThat(new Holder("x", "elsewhere (pid 1, http://elsewhere:8080)").isDeadProcessOfThisHost()).isFalse();
    }
}

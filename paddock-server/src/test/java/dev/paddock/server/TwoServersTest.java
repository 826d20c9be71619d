package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.json.Json;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.Database;
import dev.paddock.store.Jdbc;
import dev.paddock.store.LeaderLease;
import dev.paddock.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 5, "never run a VM twice": of the servers started on one database, one acts. */
class TwoServersTest {

    private static final Leadership.Settings SHORT = new Leadership.Settings(Duration.ofMillis(900));

    @TempDir
    Path first;

    @TempDir
    Path second;

    /** Servers on one database share its keys, as an operator copies the key directory to a standby. */
    @TempDir
    Path keys;

    private final HttpClient http = HttpClient.newHttpClient();

    private ServerConfig on(String jdbcUrl, Path directory) {
        return new ServerConfig("127.0.0.1", 0, jdbcUrl, ServerConfig.Room.EMPTY, directory).withKeyDirectory(keys)
                .withOpenMetrics(true);
    }

    /** A migrated, empty schema of the test PostgreSQL, as its URL. */
    private static String sharedPostgres() {
        try (HikariDataSource prepared = TestDatabases.postgres("two_servers_test")) {
            return prepared.getJdbcUrl();
        }
    }

    @Test
    void aSecondServerOnTheSameDatabaseRefusesToStartUntilTheFirstStops() throws Exception {
        String url = sharedPostgres();
        PaddockServer active = PaddockServer.start(on(url, first), SHORT);
        try {
            assertThatThrownBy(() -> PaddockServer.start(on(url, second), SHORT))
                    .isInstanceOf(Leadership.Refused.class)
                    .hasMessageStartingWith("Another Paddock server is active on this database: ")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining(", active since " + active.parts().leadership().orElseThrow()
                            .status().since());
            assertThat(health(active).get("status").asText()).isEqualTo("ok");
        } finally {
            active.close();
        }

        try (PaddockServer successor = PaddockServer.start(on(url, second), SHORT)) {
            assertThat(successor.parts().leadership().orElseThrow().isLeader()).isTrue();
            assertThat(health(successor).get("leader").asBoolean()).isTrue();
        }
    }

    @Test
    void aServerWhoseLeaseIsTakenStopsItsRunnerAndHaAndSaysItIsUnhealthy() throws Exception {
        ServerConfig config = ServerConfig.inDirectory(first, "127.0.0.1", 0, ServerConfig.Room.EMPTY)
                .withOpenMetrics(true);
        try (PaddockServer server = PaddockServer.start(config, SHORT);
                HikariDataSource other = Database.open(config.jdbcUrl())) {
            assertThat(metrics(server)).contains("paddock_leader 1.0");

            // As if the server had been paused past its time to live, and another had taken over meanwhile.
            new Jdbc(other).update("UPDATE leases SET expires_at = acquired_at WHERE name = ?",
                    statement -> statement.setString(1, LeaderLease.CONTROLLER));
            LeaderLease thief = new LeaderLease(other, LeaderLease.CONTROLLER,
                    new LeaderLease.Holder("thief-id", "the other server"), Duration.ofMinutes(5));
            assertThat(thief.acquire()).isInstanceOf(LeaderLease.Acquired.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> healthResponse(server).statusCode() == 503);
            JsonNode health = health(server);
            assertThat(health.get("status").asText()).isEqualTo("unhealthy");
            assertThat(health.get("leader").asBoolean()).isFalse();
            assertThat(health.get("reason").asText()).contains("the other server");
            assertThat(metrics(server)).contains("paddock_leader 0.0");
            OperationPlan plan = new OperationPlan("vm.start", "vm-1", "alice", List.of(new Step.StartVm("h", "vm-1")));
            assertThatThrownBy(() -> server.parts().operations().submit(plan))
                    .hasMessage("the operation runner is not running");
            assertThat(thief.current().orElseThrow().holder().id()).isEqualTo("thief-id");
        }
    }

    private HttpResponse<String> healthResponse(PaddockServer server) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode health(PaddockServer server) throws Exception {
        return Json.mapper().readTree(healthResponse(server).body());
    }

    private String metrics(PaddockServer server) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

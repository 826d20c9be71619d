package dev.paddock.store;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The databases the store tests run against: H2 in a temporary directory, PostgreSQL from {@code ./paddock test}. */
public final class TestDatabases {

    private static final List<String> TABLES =
            List.of("operation_steps", "operations", "vms", "hosts", "clusters", "networks", "datastores", "sites");

    private TestDatabases() {}

    public static HikariDataSource h2(Path directory) {
        return Database.open(StoreConfig.h2In(directory));
    }

    /**
     * A migrated pool on a schema of its own in the test PostgreSQL, emptied first so runs don't see each
     * other. Without PADDOCK_TEST_PG_URL the test fails (set PADDOCK_TEST_PG=skip to skip instead).
     */
    public static HikariDataSource postgres(String schema) {
        String url = System.getenv("PADDOCK_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            Assumptions.assumeFalse("skip".equals(System.getenv("PADDOCK_TEST_PG")),
                    "PostgreSQL store tests skipped by PADDOCK_TEST_PG=skip");
            fail("PADDOCK_TEST_PG_URL is not set: run the tests with `./paddock test`, which starts a private "
                    + "PostgreSQL, or set PADDOCK_TEST_PG=skip to skip the PostgreSQL store tests");
        }
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare schema " + schema + " at " + url, e);
        }
        String separator = url.contains("?") ? "&" : "?";
        return Database.open(url + separator + "currentSchema=" + schema);
    }

    /** Empties every table, so each test starts from nothing. */
    public static void clear(HikariDataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the test database", e);
        }
    }
}
